package io.jlvs.health.bfd;

/** The diagnostic codes of RFC 5880 4.1: why the local system last left Up. */
public enum BfdDiag {
    NONE("No Diagnostic"),
    CONTROL_DETECTION_TIME_EXPIRED("Control Detection Time Expired"),
    ECHO_FUNCTION_FAILED("Echo Function Failed"),
    NEIGHBOR_SIGNALED_SESSION_DOWN("Neighbor Signaled Session Down"),
    FORWARDING_PLANE_RESET("Forwarding Plane Reset"),
    PATH_DOWN("Path Down"),
    CONCATENATED_PATH_DOWN("Concatenated Path Down"),
    ADMINISTRATIVELY_DOWN("Administratively Down"),
    REVERSE_CONCATENATED_PATH_DOWN("Reverse Concatenated Path Down");

    private final String label;

    BfdDiag(String label) {
        this.label = label;
    }

    public int code() {
        return ordinal();
    }

    /** The diagnostic for a Diag field value; codes 9..31 (reserved) read as null. */
    public static BfdDiag of(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }

    @Override
    public String toString() {
        return label;
    }
}
