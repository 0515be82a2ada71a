package io.jlvs.core;

/**
 * How a packet reaches a real server. Labels are what ipvsadm -L prints in the Forward column;
 * FULLNAT is jlvs's socket-level proxy (shown FullNat, as DPVS spells it).
 */
public enum ForwardingMethod {
    MASQ("Masq", "-m"),
    DROUTE("Route", "-g"),
    TUNNEL("Tunnel", "-i"),
    FULLNAT("FullNat", "--fullnat"),
    LOCAL("Local", "-g");

    private final String label;
    private final String saveOption;

    ForwardingMethod(String label, String saveOption) {
        this.label = label;
        this.saveOption = saveOption;
    }

    public String label() {
        return label;
    }

    /** The option ipvsadm -S writes for this method. */
    public String saveOption() {
        return saveOption;
    }

    /** DR and TUN force the real server port to the service port: the packet's port is not rewritten. */
    public boolean keepsServicePort() {
        return this == DROUTE || this == TUNNEL;
    }
}
