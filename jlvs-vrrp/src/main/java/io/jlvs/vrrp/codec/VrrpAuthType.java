package io.jlvs.vrrp.codec;

/** VRRPv2 authentication type (RFC 3768 section 5.3.6; RFC 2338 defined PASS and AH). */
public enum VrrpAuthType {
    NONE(0),
    PASS(1),
    AH(2);

    private final int code;

    VrrpAuthType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or null when the code is not one of 0, 1, 2. */
    public static VrrpAuthType ofCode(int code) {
        return switch (code) {
            case 0 -> NONE;
            case 1 -> PASS;
            case 2 -> AH;
            default -> null;
        };
    }
}
