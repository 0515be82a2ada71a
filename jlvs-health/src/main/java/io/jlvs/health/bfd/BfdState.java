package io.jlvs.health.bfd;

/** A BFD session state (RFC 5880 4.1, the Sta field), named as keepalived logs it. */
public enum BfdState {
    ADMIN_DOWN("AdminDown"),
    DOWN("Down"),
    INIT("Init"),
    UP("Up");

    private final String label;

    BfdState(String label) {
        this.label = label;
    }

    /** The value in the Sta field. */
    public int code() {
        return ordinal();
    }

    public static BfdState of(int code) {
        return values()[code & 3];
    }

    @Override
    public String toString() {
        return label;
    }
}
