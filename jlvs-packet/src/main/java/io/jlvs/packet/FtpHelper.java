package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.TcpState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * IPVS's FTP helper, as the kernel's {@code ip_vs_ftp} module loaded with {@code ports=...}: for MASQ
 * connections to one of its ports (the FTP control connections) it watches the commands and replies, so that
 * the data connections an FTP server behind NAT opens or expects get to the right place.
 * The same for IPv6 NAT connections, as the kernel's helper does (its commands and replies by address family
 * below).
 * <ul>
 *   <li>IPv4: a client's {@code PASV} (anywhere in a segment) makes the real server's next {@code 227 Entering
 *       Passive Mode (h1,h2,h3,h4,p1,p2)} reply expected: it gets a connection entry client:0 → VIP:port on
 *       the address:port it names (the client port is filled in by the client's first packet), in LISTEN,
 *       and the address in the reply becomes the virtual address. The reply's length may change: the
 *       connection's later server segments have their sequence number shifted by the difference, and the
 *       client's acknowledgements (SACK blocks too) shifted back, as netfilter's sequence adjustment does
 *       for the kernel's helper.</li>
 *   <li>{@code EPSV} (or {@code EPSV 1}; over IPv6 {@code EPSV} or {@code EPSV 2}) makes {@code 229 Entering
 *       Extended Passive Mode (|||port|)} expected: the same entry, on the real server's address (or the one
 *       the reply names, {@code |1|a.b.c.d|port|} or over IPv6 {@code |2|address|port|}), the reply rewritten
 *       to {@code |||port|}: usually the same bytes, shorter when it named an address. IPv6 has no PASV.</li>
 *   <li>{@code PORT h1,h2,h3,h4,p1,p2} and {@code EPRT |1|address|port|} (over IPv6 only
 *       {@code EPRT |2|address|port|}, RFC 2428) at the start of a client segment make an entry address:port
 *       → VIP:(port - 1) on the real server's (port - 1), in LISTEN, so the real server's connection from
 *       port 20 reaches the client from VIP:20. The command is not changed.</li>
 * </ul>
 * Data entries are controlled by their control connection, which outlives them; they count in the real
 * server's connections and the service's traffic, not in its connection count (none was scheduled). Only
 * ESTABLISHED control connections are looked at, and only a whole line in one segment. A line that starts
 * like one of these but does not parse is left alone and counted ({@link #ignoredLines}), as is an EPRT
 * naming the other address family (the kernel takes the control connection's own only). Unlike the kernel, a
 * PORT/EPRT naming another address than the client's gets no entry and is counted ({@link #foreignAddresses}):
 * it would let a client have the real server connect to a third party from VIP:20 (FTP bounce).
 *
 * <p><b>Owner: the worker thread</b> of the {@link Dataplane} that made it; one per worker, sized as its
 * connection table. Nothing is allocated per packet: a reply whose length changes is rebuilt in a buffer
 * made once.
 */
final class FtpHelper {
    /** The kernel's IP_VS_APP_MAX_PORTS: the most ports the helper watches. */
    static final int MAX_PORTS = 8;
    /** {@link #fromServer}: the segment is as it was, or changed in place. */
    static final int IN_PLACE = 0;
    /** {@link #fromServer}: the segment is now in {@link #frame()}, {@link #total()} bytes of IP after the same link header. */
    static final int MOVED = 1;
    /** No room for the data connection's entry: the segment is dropped, as the kernel does (it is sent again). */
    static final int NO_ROOM = 2;

    private static final byte NONE = 0;
    private static final byte CONTROL = 1;
    private static final byte PASV = 2;
    private static final byte EPSV = 3;
    /**
     * The most expected data connections (entries still in LISTEN, made by PASV/EPSV replies or PORT/EPRT
     * commands) one control connection may have at once. The kernel has no such bound (its table is bounded
     * by memory only), but the worker's table is fixed: without one, a single control connection sending
     * PORT after PORT would fill it for 120 s (the LISTEN timeout). An FTP client uses one data connection
     * at a time (RFC 959); a few more cover a client that asks again before connecting (PASV twice, a
     * retried PORT). Entries whose data connection has started are not counted, so a session doing many
     * transfers is never refused.
     */
    static final int MAX_EXPECTED = 16;
    /** The longest link header plus IP packet rebuilt (an IPv6 header and a payload of 64 KiB). */
    private static final int FRAME_ROOM = 18 + Ipv6Header.LENGTH + 0xffff;
    private static final int TCP_OPTION_SACK = 5;
    /** {@link #passiveEntry}: {@link #MAX_EXPECTED} reached. */
    private static final int REFUSED = -2;

    /** Makes the entry of an expected data connection with its worker's per-connection fields. */
    interface DataConnections {
        /**
         * A connection {@code client:clientPort → virtual address of control:virtualPort} to {@code server:serverPort},
         * controlled by {@code control}, on its real server, of the control connection's address family (an
         * IPv4 address as (0, its 32 bits)); its id, or a negative value when the table is full.
         */
        int open(int control, long clientHi, long clientLo, int clientPort, int virtualPort, long serverHi,
                 long serverLo, int serverPort, boolean noClientPort);
    }

    private final int[] ports;
    private final ConnTable table;
    private final DataConnections connections;
    /** Per connection id: NONE, or a control connection and what it waits for. */
    private final byte[] mode;
    /** Per control connection: the server's sequence number where its last size change was, the shifts before and after. */
    private final int[] correctionPos;
    private final int[] offsetBefore;
    private final int[] offsetAfter;
    private final MemorySegment frame = Arena.ofAuto().allocate(FRAME_ROOM);
    private final byte[] text = new byte[32];
    private int newTotal;
    private long passiveReplies;
    private long dataConnections;
    private long ignoredLines;
    private long foreignAddresses;
    private long expectedRefused;
    private long outsidePassiveRange;
    /** The passive ports given ({@code --ftp-passive-ports}), or null. */
    private final FtpPassivePorts passive;
    /**
     * Per control connection id, made on its first expected data connection and kept for the id's later
     * users: the ids of the entries it expects (some may have started or gone since; checked when counted).
     */
    private final int[][] expected;
    private final int[] expectedCount;

    // what the last parse found (an IPv4 address as (0, its 32 bits))
    private long parsedHi;
    private long parsedLo;
    /** The groups of an IPv6 address being parsed. */
    private final int[] groups = new int[8];
    private int parsedPort;
    private long parsedStart;
    private long parsedEnd;

    FtpHelper(int[] ports, int capacity, ConnTable table, DataConnections connections) {
        this(ports, capacity, table, connections, null);
    }

    /**
     * @param passive the FTP servers' passive ports, or null: a 227/229 naming a port outside them is
     *                still rewritten (as the kernel) but counted ({@link #outsidePassiveRange})
     */
    FtpHelper(int[] ports, int capacity, ConnTable table, DataConnections connections, FtpPassivePorts passive) {
        this.passive = passive;
        if (ports.length == 0 || ports.length > MAX_PORTS) {
            throw new IllegalArgumentException("1 to " + MAX_PORTS + " FTP ports, got " + ports.length);
        }
        this.ports = ports.clone();
        this.table = table;
        this.connections = connections;
        this.mode = new byte[capacity];
        this.correctionPos = new int[capacity];
        this.offsetBefore = new int[capacity];
        this.offsetAfter = new int[capacity];
        this.expected = new int[capacity][];
        this.expectedCount = new int[capacity];
    }

    /** Whether connections to this virtual port are FTP control connections (when they are MASQ and TCP). */
    boolean watches(int virtualPort) {
        for (int p : ports) {
            if (p == virtualPort) {
                return true;
            }
        }
        return false;
    }

    /** A new entry {@code id}: a control connection or not (the kernel binds the helper to MASQ TCP ones). */
    void created(int id, boolean control) {
        mode[id] = control ? CONTROL : NONE;
        correctionPos[id] = 0;
        offsetBefore[id] = 0;
        offsetAfter[id] = 0;
        expectedCount[id] = 0;
    }

    boolean isControl(int id) {
        return mode[id] != NONE;
    }

    /** 227/229 replies rewritten for a passive data connection. */
    long passiveReplies() {
        return passiveReplies;
    }

    /** Data connection entries made (passive and active). */
    long dataConnections() {
        return dataConnections;
    }

    /** 227/229 replies and PORT/EPRT commands that did not parse, left as they were. */
    long ignoredLines() {
        return ignoredLines;
    }

    /**
     * PORT/EPRT commands naming another address than the control connection's client (FTP bounce): they pass
     * unchanged, without an entry, so a real server that obeys one cannot reach a third party from VIP:20.
     */
    long foreignAddresses() {
        return foreignAddresses;
    }

    /** PORT/EPRT commands and 227/229 replies whose data connection was refused: {@link #MAX_EXPECTED} waiting. */
    long expectedRefused() {
        return expectedRefused;
    }

    /**
     * 227/229 replies naming a port outside the passive ports given: rewritten and their entry made, but the
     * data plane does not take that port of the virtual address from the kernel, which answers the client's
     * SYN with a RST.
     */
    long outsidePassiveRange() {
        return outsidePassiveRange;
    }

    MemorySegment frame() {
        return frame;
    }

    int total() {
        return newTotal;
    }

    // ---------------------------------------------------------------- client to real server

    /**
     * A client segment of control connection {@code id} (its state after the segment applied), before the NAT
     * rewrite: acknowledgements of rewritten server data shifted back; PASV/EPSV noted; PORT/EPRT open the
     * active data connection's entry.
     *
     * @return false when that entry could not be made (the table is full): drop the segment
     */
    boolean fromClient(MemorySegment s, long l4, int l4len, int id, int state, long now) {
        if ((offsetBefore[id] | offsetAfter[id]) != 0 && (TcpHeader.flags(s, l4) & TcpState.FLAG_ACK) != 0) {
            adjustAcknowledgements(s, l4, id);
        }
        long data = l4 + TcpHeader.headerLength(s, l4);
        long limit = l4 + l4len;
        if (state != TcpState.ESTABLISHED || data >= limit) {
            return true;
        }
        boolean v6 = table.isV6(id);
        for (long at = data; at <= limit - 6; at++) {
            if (!v6 && matches(s, at, limit, "PASV\r\n")) {
                mode[id] = PASV;
                return true;
            }
            if (matches(s, at, limit, "EPSV") && (Wire.u8(s, at + 4) == ' ' || Wire.u8(s, at + 4) == '\r')) {
                // EPSV, or EPSV with the control connection's own network protocol (1: IPv4, 2: IPv6)
                if (Wire.u8(s, at + 4) == ' ' && (at + 7 > limit || Wire.u8(s, at + 6) != '\r'
                        || Wire.u8(s, at + 5) != family(v6))) {
                    return true;
                }
                mode[id] = EPSV;
                return true;
            }
        }
        int r = v6 ? 0 : parsePlain(s, data, limit, "PORT", ' ');
        if (r == 0) {
            r = parseExtended(s, data, limit, "EPRT", ' ', false, v6);
        }
        if (r < 0) {
            ignoredLines++;
        }
        if (r <= 0) {
            return true;
        }
        mode[id] = CONTROL;
        if (parsedHi != table.clientHi(id) || parsedLo != table.clientLo(id)) {
            // FTP bounce: no entry would let the real server reach another host from VIP:20 through us
            foreignAddresses++;
            return true;
        }
        int port = parsedPort;
        int vport = (table.virtualPort(id) - 1) & 0xffff;
        int entry = table.lookupIn(Ipv4Header.PROTO_TCP, v6, parsedHi, parsedLo, port, table.virtualHi(id),
                table.virtualLo(id), vport);
        if (entry < 0) {
            if (!roomForExpected(id)) {
                expectedRefused++;
                return true; // the command passes; its data connection is not prepared
            }
            entry = connections.open(id, parsedHi, parsedLo, port, vport, table.destinationHi(id),
                    table.destinationLo(id), (table.destinationPort(id) - 1) & 0xffff, false);
            if (entry < 0) {
                return false;
            }
            dataConnections++;
            addExpected(id, entry);
        } else if (!isExpected(id, entry)) {
            if (!roomForExpected(id)) {
                expectedRefused++;
                return true;
            }
            addExpected(id, entry);
        }
        table.restore(entry, TcpState.LISTEN, 0, now);
        return true;
    }

    /** Acknowledgement and SACK blocks back into the real server's sequence space (nf_ct_seq_adjust's other way). */
    private void adjustAcknowledgements(MemorySegment s, long l4, int id) {
        int ack = Wire.u32(s, l4 + 8);
        int adjusted = ack - shiftBack(ack, id);
        replace32(s, l4, l4 + 8, ack, adjusted);
        int doff = TcpHeader.headerLength(s, l4);
        long at = l4 + TcpHeader.MIN_LENGTH;
        long end = l4 + doff;
        while (at < end) {
            int kind = Wire.u8(s, at);
            if (kind == 0) {
                return;
            }
            if (kind == 1) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return;
            }
            int length = Wire.u8(s, at + 1);
            if (length < 2 || at + length > end) {
                return;
            }
            if (kind == TCP_OPTION_SACK && length >= 10 && (length - 2) % 8 == 0) {
                for (long b = at + 2; b < at + length; b += 4) {
                    int edge = Wire.u32(s, b);
                    replace32(s, l4, b, edge, edge - shiftBack(edge, id));
                }
            }
            at += length;
        }
    }

    /** The shift of a client's acknowledgement (or SACK edge) {@code v} of server data. */
    private int shiftBack(int v, int id) {
        return v - offsetBefore[id] - correctionPos[id] > 0 ? offsetAfter[id] : offsetBefore[id];
    }

    // ---------------------------------------------------------------- real server to client

    /**
     * A real server's segment of control connection {@code id} (its state before the segment applied, as the
     * kernel's handle_response looks at it before ip_vs_set_state), before
     * the NAT rewrite: an expected 227/229 reply opens the passive data connection's entry and names the
     * virtual address; the sequence number is shifted by the size changes so far.
     *
     * @param ip    offset of the IP header ({@code off + l2})
     * @param ihl   bytes from the IP header to the TCP header: the IPv4 header's length, or for IPv6 40 and
     *              the extension headers
     * @param total the IP packet's length (IPv6: 40 and the payload length)
     * @return {@link #IN_PLACE}, {@link #MOVED} or {@link #NO_ROOM}
     */
    int fromServer(MemorySegment s, long off, int l2, long ip, int ihl, int total, int id, int state, long now) {
        long l4 = ip + ihl;
        int l4len = total - ihl;
        int seq = Wire.u32(s, l4 + 4);
        int result = IN_PLACE;
        byte m = mode[id];
        long data = l4 + TcpHeader.headerLength(s, l4);
        long limit = l4 + l4len;
        if (state == TcpState.ESTABLISHED && (m == PASV || m == EPSV) && data < limit) {
            boolean v6 = table.isV6(id);
            int r;
            if (m == PASV) {
                r = parsePlain(s, data, limit, "227 ", '(');
            } else {
                // a reply that names no address means the real server's
                parsedHi = table.destinationHi(id);
                parsedLo = table.destinationLo(id);
                r = parseExtended(s, data, limit, "229 ", '(', true, v6);
            }
            if (r < 0) {
                ignoredLines++;
            }
            if (r > 0) {
                int entry = passiveEntry(id, now);
                if (entry == REFUSED) {
                    // too many expected already: the reply passes as it is (its data connection fails)
                    expectedRefused++;
                    mode[id] = CONTROL;
                } else if (entry < 0) {
                    return NO_ROOM;
                } else {
                    int length = m == PASV ? plainText((int) table.virtualLo(entry), table.virtualPort(entry))
                            : extendedText(table.virtualPort(entry));
                    int diff = length - (int) (parsedEnd - parsedStart);
                    if (total + diff - (v6 ? Ipv6Header.LENGTH : 0) > 0xffff) {
                        // as the kernel, whose mangling fails: dropped (sent again)
                        return NO_ROOM;
                    }
                    mode[id] = CONTROL;
                    passiveReplies++;
                    if (passive != null && !passive.contains(parsedPort)) {
                        outsidePassiveRange++;
                    }
                    if (diff == 0) {
                        MemorySegment.copy(text, 0, s, ValueLayout.JAVA_BYTE, parsedStart, length);
                        fillTcpChecksum(s, ip, ihl, total, v6);
                    } else {
                        rebuild(s, off, l2, ip, ihl, total, length, v6);
                        s = frame;
                        ip = l2;
                        l4 = ip + ihl;
                        total += diff;
                        newTotal = total;
                        result = MOVED;
                        if (offsetBefore[id] == offsetAfter[id] || correctionPos[id] - seq < 0) {
                            correctionPos[id] = seq;
                            offsetBefore[id] = offsetAfter[id];
                            offsetAfter[id] += diff;
                        }
                    }
                }
            }
        }
        if ((offsetBefore[id] | offsetAfter[id]) != 0) {
            int shift = seq - correctionPos[id] > 0 ? offsetAfter[id] : offsetBefore[id];
            replace32(s, l4, l4 + 4, seq, seq + shift);
        }
        return result;
    }

    /** The entry of the passive data connection the parsed reply announces: found (client port still 0) or made. */
    private int passiveEntry(int control, long now) {
        long clientHi = table.clientHi(control);
        long clientLo = table.clientLo(control);
        int port = parsedPort;
        int entry = table.lookupOut(Ipv4Header.PROTO_TCP, table.isV6(control), parsedHi, parsedLo, port, clientHi,
                clientLo, 0);
        if (entry < 0) {
            if (!roomForExpected(control)) {
                return REFUSED;
            }
            entry = connections.open(control, clientHi, clientLo, 0, port, parsedHi, parsedLo, port, true);
            if (entry < 0) {
                return -1;
            }
            dataConnections++;
            addExpected(control, entry);
        } else if (!isExpected(control, entry)) {
            if (!roomForExpected(control)) {
                return REFUSED;
            }
            addExpected(control, entry);
        }
        table.restore(entry, TcpState.LISTEN, 0, now);
        return entry;
    }

    /**
     * Whether control connection {@code control} may expect one more data connection: fewer than
     * {@link #MAX_EXPECTED} of the entries it expected are still waiting (in use, its own, in LISTEN); the
     * others are forgotten.
     */
    private boolean roomForExpected(int control) {
        int[] ids = expected[control];
        int n = expectedCount[control];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int e = ids[i];
            if (table.inUse(e) && table.controller(e) == control && table.state(e) == TcpState.LISTEN) {
                ids[kept++] = e;
            }
        }
        expectedCount[control] = kept;
        return kept < MAX_EXPECTED;
    }

    private boolean isExpected(int control, int entry) {
        int[] ids = expected[control];
        for (int i = 0; i < expectedCount[control]; i++) {
            if (ids[i] == entry) {
                return true;
            }
        }
        return false;
    }

    /** After {@link #roomForExpected} said yes. */
    private void addExpected(int control, int entry) {
        if (expected[control] == null) {
            expected[control] = new int[MAX_EXPECTED]; // once per id, kept for its later control connections
        }
        expected[control][expectedCount[control]++] = entry;
    }

    /**
     * Copies the frame into {@link #frame} with the parsed text replaced by {@link #text}; the length (IPv4: total
     * length and header checksum; IPv6: payload length) and the TCP checksum fixed.
     */
    private void rebuild(MemorySegment s, long off, int l2, long ip, int ihl, int total, int length, boolean v6) {
        long head = parsedStart - off;
        MemorySegment.copy(s, off, frame, 0, head);
        MemorySegment.copy(text, 0, frame, ValueLayout.JAVA_BYTE, head, length);
        long tail = ip + total - parsedEnd;
        MemorySegment.copy(s, parsedEnd, frame, head + length, tail);
        int newLength = total + length - (int) (parsedEnd - parsedStart);
        if (v6) {
            Ipv6Header.payloadLength(frame, l2, newLength - Ipv6Header.LENGTH);
        } else {
            Wire.u16(frame, l2 + Ipv4Header.TOTAL_LENGTH, newLength);
            Ipv4Header.fillChecksum(frame, l2, ihl);
        }
        fillTcpChecksum(frame, l2, ihl, newLength, v6);
    }

    /** The TCP checksum computed in full, over the IPv4 or IPv6 (RFC 8200 §8.1) pseudo-header. */
    private static void fillTcpChecksum(MemorySegment s, long ip, int ihl, int total, boolean v6) {
        long l4 = ip + ihl;
        int l4len = total - ihl;
        TcpHeader.checksum(s, l4, 0);
        int pseudo = v6
                ? Ipv6Header.pseudoHeader(Ipv6Header.srcHi(s, ip), Ipv6Header.srcLo(s, ip), Ipv6Header.dstHi(s, ip),
                        Ipv6Header.dstLo(s, ip), l4len, Ipv4Header.PROTO_TCP)
                : InternetChecksum.pseudoHeader(Ipv4Header.src(s, ip), Ipv4Header.dst(s, ip), Ipv4Header.PROTO_TCP,
                        l4len);
        TcpHeader.checksum(s, l4, InternetChecksum.finish(InternetChecksum.sum(s, l4, l4len, pseudo)));
    }

    private static void replace32(MemorySegment s, long l4, long at, int old, int updated) {
        if (old == updated) {
            return;
        }
        Wire.u32(s, at, updated);
        TcpHeader.checksum(s, l4, InternetChecksum.update32(TcpHeader.checksum(s, l4), old, updated));
    }

    // ---------------------------------------------------------------- text

    /** "h1,h2,h3,h4,p1,p2" into {@link #text}; its length. */
    private int plainText(int address, int port) {
        int n = 0;
        for (int shift = 24; shift >= 0; shift -= 8) {
            n = decimal(address >>> shift & 0xff, n);
            text[n++] = ',';
        }
        n = decimal(port >>> 8, n);
        text[n++] = ',';
        return decimal(port & 0xff, n);
    }

    /** "|||port|" into {@link #text}; its length. */
    private int extendedText(int port) {
        text[0] = '|';
        text[1] = '|';
        text[2] = '|';
        int n = decimal(port, 3);
        text[n++] = '|';
        return n;
    }

    private int decimal(int v, int at) {
        int digits = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
        for (int i = digits - 1, x = v; i >= 0; i--, x /= 10) {
            text[at + i] = (byte) ('0' + x % 10);
        }
        return at + digits;
    }

    // ---------------------------------------------------------------- parsing (ip_vs_ftp_get_addrport's rules)

    /** Whether {@code pattern} (ASCII, case-insensitive) is at {@code at}, wholly before {@code limit}. */
    private static boolean matches(MemorySegment s, long at, long limit, String pattern) {
        if (limit - at < pattern.length()) {
            return false;
        }
        for (int i = 0; i < pattern.length(); i++) {
            int c = Wire.u8(s, at + i);
            int p = pattern.charAt(i);
            if (c != p && !(Character.isLetter(p) && (c | 0x20) == (p | 0x20))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code pattern} at {@code data}, then (after anything up to the first {@code skip}, or a digit, and more
     * {@code skip}s) six decimal numbers of at most 255 separated by commas and ended by any other character,
     * before {@code limit}: the address and port they give. 1 parsed, 0 no such line, -1 one that does not parse.
     */
    private int parsePlain(MemorySegment s, long data, long limit, String pattern, int skip) {
        if (!matches(s, data, limit, pattern)) {
            return 0;
        }
        long at = data + pattern.length();
        boolean found = false;
        for (;; at++) {
            if (at == limit) {
                return -1;
            }
            int c = Wire.u8(s, at);
            if (!found) {
                if (c >= '0' && c <= '9') {
                    break;
                }
                found = c == skip;
            } else if (c != skip) {
                break;
            }
        }
        long start = at;
        int address = 0;
        int value = 0;
        int field = 0;
        int port = 0;
        for (;; at++) {
            if (at == limit) {
                return -1;
            }
            int c = Wire.u8(s, at);
            if (c >= '0' && c <= '9') {
                value = value * 10 + c - '0';
                if (value > 255) {
                    return -1;
                }
            } else if (c == ',' && field < 5) {
                if (field < 4) {
                    address = address << 8 | value;
                } else {
                    port = value << 8;
                }
                field++;
                value = 0;
            } else {
                break;
            }
        }
        if (field != 5) {
            return -1;
        }
        parsedHi = 0;
        parsedLo = address & 0xffffffffL;
        parsedPort = port | value;
        parsedStart = start;
        parsedEnd = at;
        return 1;
    }

    /** The network protocol number of RFC 2428 (EPRT, EPSV) for the control connection's family. */
    private static int family(boolean v6) {
        return v6 ? '2' : '1';
    }

    /**
     * The extended form (RFC 2428): {@code pattern}, anything up to the first {@code skip} and more of them,
     * then {@code <d>1<d>a.b.c.d<d>port<d>} (for an IPv6 control connection {@code <d>2<d>IPv6 address<d>port<d>})
     * with any delimiter d from 33 to 126, or, for a 229 reply ({@code reply}), {@code <d><d><d>port<d>} (the
     * address is the one already in {@link #parsedHi}/{@link #parsedLo}). 1 parsed, 0 no such line, -1 one that
     * does not parse (another family's address too); the parsed text is the delimiters and what they hold.
     */
    private int parseExtended(MemorySegment s, long data, long limit, String pattern, int skip, boolean reply,
                              boolean v6) {
        if (!matches(s, data, limit, pattern)) {
            return 0;
        }
        long at = data + pattern.length();
        boolean found = false;
        for (;; at++) {
            if (at == limit) {
                return -1;
            }
            int c = Wire.u8(s, at);
            if (!found) {
                found = c == skip;
            } else if (c != skip) {
                break;
            }
        }
        long start = at;
        int delimiter = Wire.u8(s, at++);
        if (delimiter < 33 || delimiter > 126 || at == limit) {
            return -1;
        }
        long hi = parsedHi;
        long lo = parsedLo;
        if (Wire.u8(s, at) == delimiter) {
            if (!reply || ++at == limit || Wire.u8(s, at) != delimiter) {
                return -1;
            }
            at++;
        } else {
            if (Wire.u8(s, at) != family(v6) || ++at == limit || Wire.u8(s, at) != delimiter) {
                return -1;
            }
            at = v6 ? ipv6Address(s, at + 1, limit, delimiter) : ipv4Address(s, at + 1, limit, delimiter);
            if (at < 0) {
                return -1;
            }
            at++;
            hi = parsedHi;
            lo = parsedLo;
        }
        int port = 0;
        for (;; at++) {
            if (at == limit) {
                return -1;
            }
            int c = Wire.u8(s, at);
            if (c < '0' || c > '9') {
                break;
            }
            port = port * 10 + c - '0';
            if (port > 65535) {
                return -1;
            }
        }
        if (port == 0 || Wire.u8(s, at) != delimiter) {
            return -1;
        }
        parsedHi = hi;
        parsedLo = lo;
        parsedPort = port;
        parsedStart = start;
        parsedEnd = at + 1;
        return 1;
    }

    /**
     * A dotted IPv4 address (four decimal numbers of at most three digits, each up to 255) at {@code at} ended by
     * {@code end} before {@code limit}: where {@code end} is, the address in {@link #parsedLo}; -1 when there is
     * none.
     */
    private long ipv4Address(MemorySegment s, long at, long limit, int end) {
        int address = 0;
        for (int part = 0; part < 4; part++) {
            int value = 0;
            int digits = 0;
            while (at < limit && Wire.u8(s, at) >= '0' && Wire.u8(s, at) <= '9' && digits < 3) {
                value = value * 10 + Wire.u8(s, at++) - '0';
                digits++;
            }
            if (digits == 0 || value > 255 || at == limit) {
                return -1;
            }
            address = address << 8 | value;
            if (Wire.u8(s, at) != (part < 3 ? '.' : end)) {
                return -1;
            }
            if (part < 3) {
                at++;
            }
        }
        parsedHi = 0;
        parsedLo = address & 0xffffffffL;
        return at;
    }

    /**
     * An IPv6 address in text (RFC 4291 §2.2: up to eight groups of one to four hexadecimal digits separated by
     * colons, one {@code ::} standing for one or more groups of zeros, the last 32 bits possibly a dotted IPv4
     * address) at {@code at} ended by {@code end} before {@code limit}: where {@code end} is, the address in
     * {@link #parsedHi}/{@link #parsedLo}; -1 when there is none (the kernel's in6_pton takes the same forms).
     */
    private long ipv6Address(MemorySegment s, long at, long limit, int end) {
        int n = 0;
        int gap = -1;
        if (at + 1 < limit && Wire.u8(s, at) == ':') {
            if (Wire.u8(s, at + 1) != ':') {
                return -1;
            }
            gap = 0;
            at += 2;
        }
        while (true) {
            if (at == limit) {
                return -1;
            }
            if (Wire.u8(s, at) == end && (gap == n && n > 0 || gap == 0 && n == 0)) {
                break; // ended right after "::"
            }
            long start = at;
            int value = 0;
            int digits = 0;
            while (at < limit && digits <= 4 && hex(Wire.u8(s, at)) >= 0) {
                value = value << 4 | hex(Wire.u8(s, at++));
                digits++;
            }
            if (at < limit && Wire.u8(s, at) == '.') {
                // the last 32 bits as a dotted IPv4 address
                if (n > 6) {
                    return -1;
                }
                at = ipv4Address(s, start, limit, end);
                if (at < 0) {
                    return -1;
                }
                groups[n++] = (int) (parsedLo >>> 16);
                groups[n++] = (int) (parsedLo & 0xffff);
                break;
            }
            if (digits == 0 || digits > 4 || n == 8 || at == limit) {
                return -1;
            }
            groups[n++] = value;
            int c = Wire.u8(s, at);
            if (c == end) {
                break;
            }
            if (c != ':') {
                return -1;
            }
            at++;
            if (at < limit && Wire.u8(s, at) == ':') {
                if (gap >= 0) {
                    return -1;
                }
                gap = n;
                at++;
            }
        }
        if (gap < 0 ? n != 8 : n > 7) {
            return -1;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            int g = gap < 0 || i < gap ? groups[i] : i >= 8 - (n - gap) ? groups[i - (8 - n)] : 0;
            if (i < 4) {
                hi = hi << 16 | g;
            } else {
                lo = lo << 16 | g;
            }
        }
        parsedHi = hi;
        parsedLo = lo;
        return at;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }
}
