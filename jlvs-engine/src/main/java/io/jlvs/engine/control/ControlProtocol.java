package io.jlvs.engine.control;

/**
 * The jlvs control protocol: newline-delimited JSON over a Unix domain socket, one response per request,
 * in order. Described in docs/control-protocol.md.
 */
public final class ControlProtocol {
    /** The protocol version this side speaks; every request carries it as {@code "v"}. */
    public static final int VERSION = 1;
    /** The largest request line a server reads (1 MiB); a longer one is refused and the connection closed. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /** The largest response line a client reads (256 MiB: a big table with every connection). */
    public static final int MAX_RESPONSE_BYTES = 256 << 20;

    public static final String OP_PING = "ping";
    public static final String OP_TABLE = "table";
    public static final String OP_CONNECTIONS = "connections";
    public static final String OP_SYNC_DAEMONS = "sync-daemons";

    private ControlProtocol() {
    }
}
