package io.jlvs.conn;

/**
 * IPVS's SCTP association states, their timeouts and transition tables, driven by the type of the
 * first chunk of each packet and its direction. Facts from the kernel's {@code ip_vs_proto_sctp.c}.
 *
 * <p>The caller passes the chunk type that decides: the first chunk's type, except that a COOKIE ECHO
 * or COOKIE ACK followed by an ABORT counts as ABORT (the kernel looks at that second chunk too).
 */
public final class SctpState {
    public static final int NONE = 0;
    public static final int INIT1 = 1;
    public static final int INIT = 2;
    public static final int COOKIE_SENT = 3;
    public static final int COOKIE_REPLIED = 4;
    public static final int COOKIE_WAIT = 5;
    public static final int COOKIE = 6;
    public static final int COOKIE_ECHOED = 7;
    public static final int ESTABLISHED = 8;
    public static final int SHUTDOWN_SENT = 9;
    public static final int SHUTDOWN_RECEIVED = 10;
    public static final int SHUTDOWN_ACK_SENT = 11;
    public static final int REJECTED = 12;
    public static final int CLOSED = 13;
    static final int COUNT = 14;

    /** SCTP chunk types (RFC 9260) that matter here. */
    public static final int CHUNK_DATA = 0;
    public static final int CHUNK_INIT = 1;
    public static final int CHUNK_INIT_ACK = 2;
    public static final int CHUNK_ABORT = 6;
    public static final int CHUNK_SHUTDOWN = 7;
    public static final int CHUNK_SHUTDOWN_ACK = 8;
    public static final int CHUNK_ERROR = 9;
    public static final int CHUNK_COOKIE_ECHO = 10;
    public static final int CHUNK_COOKIE_ACK = 11;
    public static final int CHUNK_SHUTDOWN_COMPLETE = 14;

    private static final String[] NAMES = {
        "NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED", "ESTABLISHED",
        "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED",
    };

    private static final int MAX_RTO = 61;
    /** Timeouts in seconds, by state. */
    static final int[] TIMEOUTS = {
        2, 4, MAX_RTO, MAX_RTO, MAX_RTO, MAX_RTO, MAX_RTO, MAX_RTO, 900, MAX_RTO, MAX_RTO, MAX_RTO, 4, MAX_RTO,
    };

    private static final int EV_DATA = 0;
    private static final int EV_INIT = 1;
    private static final int EV_INIT_ACK = 2;
    private static final int EV_COOKIE_ECHO = 3;
    private static final int EV_COOKIE_ACK = 4;
    private static final int EV_SHUTDOWN = 5;
    private static final int EV_SHUTDOWN_ACK = 6;
    private static final int EV_SHUTDOWN_COMPLETE = 7;
    private static final int EV_ERROR = 8;
    private static final int EV_ABORT = 9;

    /** Chunk type 0..14 -> event; anything larger counts as DATA. */
    private static final int[] EVENT_OF_CHUNK = {
        EV_DATA, EV_INIT, EV_INIT_ACK, EV_DATA, EV_DATA, EV_DATA, EV_ABORT, EV_SHUTDOWN, EV_SHUTDOWN_ACK,
        EV_ERROR, EV_COOKIE_ECHO, EV_COOKIE_ACK, EV_DATA, EV_DATA, EV_SHUTDOWN_COMPLETE,
    };

    // Columns: NO I1 IN CS CR CW CO CE ES SS SR SA RJ CL.
    // Rows: data, init, init-ack, cookie-echo, cookie-ack, shutdown, shutdown-ack, shutdown-complete, error, abort.
    private static final byte[][] INPUT = table(
            "ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "I1 IN IN CS CR CW CO CE ES SS SR SA IN IN",
            "CW CW CW CS CR CO CO CE ES SS SR SA RJ CL",
            "CR IN IN CR CR CW CO CE ES SS SR SA RJ CL",
            "ES I1 IN CS CR CW CO ES ES SS SR SA RJ CL",
            "SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL",
            "CL IN IN CS CR CW CO CE ES CL SR CL RJ CL",
            "CL CL CL CS CR CW CO CE ES SS SR CL RJ CL",
            "CL I1 IN CS CR CW CO CL ES SS SR SA RJ CL",
            "CL CL CL CL CL RJ CL CL CL CL CL CL CL CL");
    private static final byte[][] OUTPUT = table(
            "ES I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CW CW CW CW CW CW CW CW ES CW CW CW CW CW",
            "CS CS CS CS CR CW CO CE ES SS SR SA RJ CL",
            "CE CE CE CE CE CE CE CE ES SS SR SA RJ CL",
            "ES ES ES ES ES ES ES ES ES SS SR SA RJ CL",
            "SS SS SS SS SS SS SS SS SS SS SR SA RJ CL",
            "SA SA SA SA SA CW CO CE ES SA SA SA RJ CL",
            "CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CL CL CL CL CL CW CO CE ES SS SR SA RJ CL",
            "CL RJ CL CL CL CL CL CL CL CL CL CL CL CL");
    private static final byte[][] INPUT_ONLY = table(
            "ES I1 IN CS CR ES CO CE ES SS SR SA RJ CL",
            "I1 IN IN IN IN IN CO CE ES SS SR SA IN IN",
            "CE CE CE CE CE CE CO CE ES SS SR SA RJ CL",
            "ES ES ES ES ES ES CO CE ES SS SR SA RJ CL",
            "ES I1 IN ES ES CW ES ES ES SS SR SA RJ CL",
            "SR I1 IN CS CR CW CO CE SR SS SR SA RJ CL",
            "CL IN IN CS CR CW CO CE CL CL SR CL RJ CL",
            "CL CL CL CL CL CW CO CE ES SS CL CL RJ CL",
            "CL I1 IN CS CR CW CO CE ES SS SR SA RJ CL",
            "CL CL CL CL CL RJ CL CL CL CL CL CL CL CL");

    private SctpState() {
    }

    /** As ipvsadm -Lc prints it (the kernel's short spellings such as C-SENT, S-ACK-SENT). */
    public static String name(int state) {
        return state >= 0 && state < COUNT ? NAMES[state] : "ERR!";
    }

    /** Only ESTABLISHED associations count as ActiveConn. */
    public static boolean active(int state) {
        return state == ESTABLISHED;
    }

    /** The next state for a packet whose deciding chunk is {@code chunkType}. */
    public static int next(int state, int direction, int chunkType) {
        int event = chunkType >= 0 && chunkType < EVENT_OF_CHUNK.length ? EVENT_OF_CHUNK[chunkType] : EV_DATA;
        byte[][] t = direction == ConnTable.OUTPUT ? OUTPUT : direction == ConnTable.INPUT_ONLY ? INPUT_ONLY : INPUT;
        return t[event][state];
    }

    private static byte[][] table(String... rows) {
        return StateTable.parse(COUNT, SctpState::code, rows);
    }

    private static int code(String s) {
        return switch (s) {
            case "NO" -> NONE;
            case "I1" -> INIT1;
            case "IN" -> INIT;
            case "CS" -> COOKIE_SENT;
            case "CR" -> COOKIE_REPLIED;
            case "CW" -> COOKIE_WAIT;
            case "CO" -> COOKIE;
            case "CE" -> COOKIE_ECHOED;
            case "ES" -> ESTABLISHED;
            case "SS" -> SHUTDOWN_SENT;
            case "SR" -> SHUTDOWN_RECEIVED;
            case "SA" -> SHUTDOWN_ACK_SENT;
            case "RJ" -> REJECTED;
            case "CL" -> CLOSED;
            default -> throw new IllegalStateException("unknown state code " + s);
        };
    }
}
