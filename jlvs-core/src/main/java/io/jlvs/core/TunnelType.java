package io.jlvs.core;

/** --tun-type: ipip (default), gue, gre. */
public enum TunnelType {
    IPIP("ipip"),
    GUE("gue"),
    GRE("gre");

    private final String spelling;

    TunnelType(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    public static TunnelType parse(String s) {
        for (TunnelType t : values()) {
            if (t.spelling.equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tunnel type '" + s + "'");
    }
}
