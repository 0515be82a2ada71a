package io.jlvs.core.view;

/** --set tcp tcpfin udp, in seconds (ESTABLISHED, FIN_WAIT, UDP). 0 in a --set means "leave as is". */
public record Timeouts(int tcp, int tcpFin, int udp) {
    public static final Timeouts DEFAULTS = new Timeouts(900, 120, 300);

    /** Applies a --set: zero fields keep the current value. */
    public Timeouts merge(Timeouts set) {
        return new Timeouts(set.tcp > 0 ? set.tcp : tcp, set.tcpFin > 0 ? set.tcpFin : tcpFin,
                set.udp > 0 ? set.udp : udp);
    }
}
