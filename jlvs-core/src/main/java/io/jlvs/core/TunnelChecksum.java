package io.jlvs.core;

/** --tun-nocsum (default), --tun-csum, --tun-remcsum; the short form is what --tun-info prints. */
public enum TunnelChecksum {
    NOCSUM("--tun-nocsum", "-c"),
    CSUM("--tun-csum", "+c"),
    REMCSUM("--tun-remcsum", "r+c");

    private final String option;
    private final String shortForm;

    TunnelChecksum(String option, String shortForm) {
        this.option = option;
        this.shortForm = shortForm;
    }

    public String option() {
        return option;
    }

    public String shortForm() {
        return shortForm;
    }
}
