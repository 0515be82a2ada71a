package io.jlvs.vrrp.codec;

/** VRRP protocol version: 2 (RFC 3768, IPv4, interval in seconds) or 3 (RFC 5798, interval in centiseconds). */
public enum VrrpVersion {
    V2(2),
    V3(3);

    private final int number;

    VrrpVersion(int number) {
        this.number = number;
    }

    /** The value of the header's version nibble. */
    public int number() {
        return number;
    }

    public static VrrpVersion of(int number) {
        return switch (number) {
            case 2 -> V2;
            case 3 -> V3;
            default -> throw new IllegalArgumentException("VRRP version must be 2 or 3, got " + number);
        };
    }
}
