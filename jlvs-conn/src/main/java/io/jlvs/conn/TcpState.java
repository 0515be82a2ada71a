package io.jlvs.conn;

import io.jlvs.core.view.Timeouts;

/**
 * IPVS's TCP connection states, their default timeouts and the three transition tables (packets
 * from the client, replies from the real server, and client packets of a connection whose replies
 * bypass the director, as in DR and TUN). Facts from the kernel's {@code ip_vs_proto_tcp.c}.
 *
 * <p>A packet's event is chosen by its flags in the kernel's order: RST, else SYN, else FIN, else ACK;
 * a packet with none of them moves the connection to CLOSE.
 */
public final class TcpState {
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    static final int COUNT = 11;

    /** TCP header flag bits as they sit in the 13th byte of the header. */
    public static final int FLAG_FIN = 0x01;
    public static final int FLAG_SYN = 0x02;
    public static final int FLAG_RST = 0x04;
    public static final int FLAG_ACK = 0x10;

    private static final String[] NAMES = {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "SYNACK",
    };

    /** Default timeouts in seconds, by state. ESTABLISHED and FIN_WAIT follow --set tcp / tcpfin. */
    static final int[] DEFAULT_TIMEOUTS = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};

    /** States counted as ActiveConn (the kernel has counted handshake states as active since 4.7). */
    private static final boolean[] ACTIVE = {
        false, true, true, true, false, false, false, false, false, false, true,
    };

    private static final int EV_SYN = 0;
    private static final int EV_FIN = 1;
    private static final int EV_ACK = 2;
    private static final int EV_RST = 3;

    // Columns in state order: NO ES SS SR FW TW CL CW LA LI SA. Rows: syn, fin, ack, rst.
    private static final byte[][] INPUT = table(
            "SR ES ES SR SR SR SR SR SR SR SR",
            "CL CW SS TW TW TW CL CW LA LI TW",
            "ES ES SS ES FW TW CL CW CL LI ES",
            "CL CL CL SR CL CL CL CL LA LI SR");
    private static final byte[][] OUTPUT = table(
            "SS ES SS SR SS SS SS SS SS LI SR",
            "TW FW SS TW FW TW CL TW LA LI TW",
            "ES ES SS ES FW TW CL CW LA ES ES",
            "CL CL SS CL CL TW CL CL CL CL CL");
    private static final byte[][] INPUT_ONLY = table(
            "SR ES ES SR SR SR SR SR SR SR SR",
            "CL FW SS TW FW TW CL CW LA LI TW",
            "ES ES SS ES FW TW CL CW CL LI ES",
            "CL CL CL SR CL CL CL CL LA LI CL");

    // secure_tcp's tables (the kernel's tcp_states_dos): same columns and rows
    private static final byte[][] SECURE_INPUT = table(
            "SR ES ES SR SR SR SR SR SR SR SA",
            "CL CW SS TW TW TW CL CW LA LI SA",
            "ES ES SS SR FW TW CL CW CL LI SA",
            "CL CL CL SR CL CL CL CL LA LI CL");
    private static final byte[][] SECURE_OUTPUT = table(
            "SS ES SS SA SS SS SS SS SS LI SA",
            "TW FW SS TW FW TW CL TW LA LI TW",
            "ES ES SS ES FW TW CL CW LA ES ES",
            "CL CL SS CL CL TW CL CL CL CL CL");
    private static final byte[][] SECURE_INPUT_ONLY = table(
            "SA ES ES SR SA SA SA SA SA SA SA",
            "CL FW SS TW FW TW CL CW LA LI TW",
            "ES ES SS ES FW TW CL CW CL LI ES",
            "CL CL CL SR CL CL CL CL LA LI CL");

    private TcpState() {
    }

    /** As ipvsadm -Lc prints it. */
    public static String name(int state) {
        return state >= 0 && state < COUNT ? NAMES[state] : "ERR!";
    }

    /**
     * How long a connection may stay in {@code state}, in seconds: the kernel's tcp_timeouts, where
     * {@code --set tcp tcpfin udp} changes only ESTABLISHED and FIN_WAIT (CLOSE_WAIT keeps its 60 s).
     */
    public static int timeoutSeconds(int state, Timeouts t) {
        return switch (state) {
            case ESTABLISHED -> t.tcp();
            case FIN_WAIT -> t.tcpFin();
            default -> DEFAULT_TIMEOUTS[state];
        };
    }

    /** True for the states the kernel counts as ActiveConn. */
    public static boolean active(int state) {
        return ACTIVE[state];
    }

    /**
     * The next state for a packet with {@code flags} in {@code direction}.
     *
     * @param direction {@link ConnTable#INPUT}, {@link ConnTable#OUTPUT} or {@link ConnTable#INPUT_ONLY}
     */
    public static int next(int state, int direction, int flags) {
        return next(state, direction, flags, false);
    }

    /**
     * The next state, from secure_tcp's stricter tables when {@code secure}: a client's ACK no longer makes
     * SYN_RECV ESTABLISHED; the real server's SYN-ACK moves it to SYNACK and its next reply to ESTABLISHED
     * (NAT); DR/TUN entries open in SYNACK.
     */
    public static int next(int state, int direction, int flags, boolean secure) {
        int event;
        if ((flags & FLAG_RST) != 0) {
            event = EV_RST;
        } else if ((flags & FLAG_SYN) != 0) {
            event = EV_SYN;
        } else if ((flags & FLAG_FIN) != 0) {
            event = EV_FIN;
        } else if ((flags & FLAG_ACK) != 0) {
            event = EV_ACK;
        } else {
            return CLOSE;
        }
        byte[][] t;
        if (secure) {
            t = direction == ConnTable.OUTPUT ? SECURE_OUTPUT
                    : direction == ConnTable.INPUT_ONLY ? SECURE_INPUT_ONLY : SECURE_INPUT;
        } else {
            t = direction == ConnTable.OUTPUT ? OUTPUT : direction == ConnTable.INPUT_ONLY ? INPUT_ONLY : INPUT;
        }
        return t[event][state];
    }

    private static byte[][] table(String... rows) {
        return StateTable.parse(COUNT, TcpState::code, rows);
    }

    private static int code(String s) {
        return switch (s) {
            case "NO" -> NONE;
            case "ES" -> ESTABLISHED;
            case "SS" -> SYN_SENT;
            case "SR" -> SYN_RECV;
            case "FW" -> FIN_WAIT;
            case "TW" -> TIME_WAIT;
            case "CL" -> CLOSE;
            case "CW" -> CLOSE_WAIT;
            case "LA" -> LAST_ACK;
            case "LI" -> LISTEN;
            case "SA" -> SYNACK;
            default -> throw new IllegalStateException("unknown state code " + s);
        };
    }
}
