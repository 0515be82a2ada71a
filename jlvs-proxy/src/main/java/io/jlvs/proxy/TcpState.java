package io.jlvs.proxy;

import io.jlvs.core.view.Timeouts;

/** The IPVS TCP state names a proxied connection is listed with. */
enum TcpState {
    /** Client accepted, connect to the real server under way. */
    SYN_RECV(io.jlvs.conn.TcpState.SYN_RECV),
    ESTABLISHED(io.jlvs.conn.TcpState.ESTABLISHED),
    /** The client closed its side first. */
    FIN_WAIT(io.jlvs.conn.TcpState.FIN_WAIT),
    /** The real server closed its side first. */
    CLOSE_WAIT(io.jlvs.conn.TcpState.CLOSE_WAIT),
    /** Both sides closed; waiting for the last bytes to leave. */
    CLOSE(io.jlvs.conn.TcpState.CLOSE);

    /** The same state in the packet data plane's connection table, whose timeouts this one keeps. */
    private final int ipvsState;

    TcpState(int ipvsState) {
        this.ipvsState = ipvsState;
    }

    /**
     * How long a connection in this state may stay idle: IPVS's per-state TCP timeout (--set tcp for
     * ESTABLISHED, tcpfin for FIN_WAIT, the fixed 60 s of CLOSE_WAIT and 10 s of CLOSE), connect-bounded while
     * connecting.
     */
    long idleTimeoutNanos(FullNatServiceOptions options, Timeouts t) {
        long seconds = this == SYN_RECV
                ? Math.max(io.jlvs.conn.TcpState.timeoutSeconds(ipvsState, t), options.connectTimeout().toSeconds() * 2 + 1)
                : io.jlvs.conn.TcpState.timeoutSeconds(ipvsState, t);
        return seconds * 1_000_000_000L;
    }
}
