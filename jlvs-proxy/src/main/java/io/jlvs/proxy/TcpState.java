package io.jlvs.proxy;

/** The IPVS TCP state names a proxied connection is listed with. */
enum TcpState {
    /** Client accepted, connect to the real server under way. */
    SYN_RECV,
    ESTABLISHED,
    /** The client closed its side first. */
    FIN_WAIT,
    /** The real server closed its side first. */
    CLOSE_WAIT,
    /** Both sides closed; waiting for the last bytes to leave. */
    CLOSE;

    /** How long a connection in this state may stay idle: IPVS's tcp/tcpfin timeouts, connect-bounded while connecting. */
    long idleTimeoutNanos(FullNatServiceOptions options, io.jlvs.core.view.Timeouts t) {
        long seconds = switch (this) {
            case SYN_RECV -> Math.max(60, options.connectTimeout().toSeconds() * 2 + 1);
            case ESTABLISHED -> t.tcp();
            case FIN_WAIT, CLOSE_WAIT -> t.tcpFin();
            case CLOSE -> 10;
        };
        return seconds * 1_000_000_000L;
    }
}
