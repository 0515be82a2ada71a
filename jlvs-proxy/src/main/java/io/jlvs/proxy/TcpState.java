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
    CLOSE
}
