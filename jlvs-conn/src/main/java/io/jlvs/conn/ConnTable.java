package io.jlvs.conn;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The IPVS connection table: entries keyed by (protocol, client addr:port, virtual addr:port), a
 * reverse index by (protocol, real server addr:port, client addr:port) for replies, the TCP, UDP and
 * SCTP state machines with the kernel's timeouts, persistence templates, and expiry on a timer wheel.
 *
 * <p><b>Owner: one data-plane thread.</b> The table is not thread-safe; it belongs to the thread that
 * forwards its flows, and every other thread (listing, --set, flush) must go through that thread. It
 * reads no clock: every method that needs the time takes {@code nowNanos} from the owner.
 *
 * <p>Entries are int ids into parallel arrays sized at construction (a hard capacity; a full table
 * refuses {@link #create} and counts a drop). Lookups take primitives and allocate nothing. The key
 * fields of an entry share one 64-byte record, so a lookup hit reads one index slot and one cache line.
 *
 * <p>Connection lifecycle as in the kernel: {@link #create} binds the entry to its real server as
 * inactive with a 3 s timeout, then the caller applies the first packet with {@link #onPacket} (and
 * every later one); each packet moves the state and re-arms the timeout of the new state. TCP entries
 * in ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK count as ActiveConn (the kernel's table since 4.7),
 * SCTP only in ESTABLISHED, UDP never. Templates count as PersistConn.
 *
 * <p>A template of a service with a persistence engine (IPVS has one, {@link #PE_NAME sip}) also keys on the
 * engine's data, the SIP Call-ID, as the kernel's ct_match compares {@code pe_data}: such IPv4 templates
 * carry a seeded 64-bit hash of the data in the high half of their client address (0 in every other IPv4
 * key) and a flag in the key word, and keep the bytes themselves beside the entry ({@link PersistenceData}),
 * compared on every hit.
 */
public final class ConnTable {
    /** The persistence engine whose data templates may carry, as ipvsadm -Lc names it. */
    public static final String PE_NAME = "sip";
    /** No entry: lookup miss, or create refused because the table is full. */
    public static final int NO_ENTRY = -1;
    /** Packet direction: from the client. */
    public static final int INPUT = 0;
    /** Packet direction: a reply from the real server. */
    public static final int OUTPUT = 1;
    /** Client packet of an entry whose replies bypass the director (DR/TUN); chosen by the table. */
    public static final int INPUT_ONLY = 2;

    // Record layout: 8 longs per entry, aligned so that a record is one 64-byte line when the
    // array's data starts 16 bytes past a 64-byte boundary (large arrays on HotSpot do).
    static final int STRIDE = 8;
    private static final int ALIGN = 6;
    static final int CLIENT = 0;
    static final int VIRTUAL = 2;
    static final int WORD = 4;
    static final int DEST = 5;
    private static final int DEADLINE = 7;

    // Key word: cport 0-15, vport 16-31, dport 32-47, protocol 48-55, v6 56, template 57, pe data 58.
    private static final int VPORT_SHIFT = 16;
    private static final int DPORT_SHIFT = 32;
    private static final int PROTO_SHIFT = 48;
    private static final long V6_BIT = 1L << 56;
    private static final long TEMPLATE_BIT = 1L << 57;
    /** Template keyed on persistence-engine data too: the client's high half is the data's hash. */
    private static final long PE_BIT = 1L << 58;
    private static final long NO_DPORT = ~(0xffffL << DPORT_SHIFT);
    private static final long NO_VPORT = ~(0xffffL << VPORT_SHIFT);

    // Meta: state 0-3 and flags.
    private static final int STATE_MASK = 0xf;
    private static final int USED = 1 << 4;
    private static final int TEMPLATE = 1 << 5;
    private static final int NO_OUTPUT = 1 << 6;
    private static final int INACTIVE = 1 << 7;
    private static final int UNHASHED = 1 << 8;
    private static final int DEST_V6 = 1 << 9;
    /** The client port is not known yet (the kernel's IP_VS_CONN_F_NO_CPORT): 0 until the first client packet. */
    private static final int NO_CPORT = 1 << 10;

    private static final long SECOND = 1_000_000_000L;
    private static final long NEW_CONN_TIMEOUT = 3 * SECOND;
    private static final int TEMPLATE_REARM_SECONDS = 60;
    private static final int INVALID_PORT = 0xffff;

    private final int capacity;
    private final long[] rec;
    private final int[] meta;
    private final DestinationState[] dest;
    /** Controlling template of a connection, or -1; for a free id, the next free id. */
    private final int[] control;
    /** Templates: how many connections they control. */
    private final int[] controlled;
    /**
     * Every entry's own timeout in seconds, as the kernel's {@code cp->timeout}: a template's persistence
     * timeout; a connection's 3 s before its first packet, then the timeout of the state its last packet
     * (or a sync message) put it in — a later --set changes it only at the connection's next packet.
     */
    private final int[] entryTimeout;
    private final ConnIndex forward;
    private final ConnIndex reverse;
    private final ExpiryWheel wheel;
    private final PersistenceData peData;
    private final long peSeed;
    private final WheelCallback wheelCallback = new WheelCallback();
    private IntConsumer removeListener;

    private int freeHead = -1;
    /** Connections waiting for their client port: while there are any, a missed lookup tries client port 0. */
    private int noClientPort;
    private int highWater;
    private int size;
    private long drops;
    private ConnTableSettings settings;
    private Timeouts timeouts;
    private final long[] tcpTimeout = new long[TcpState.COUNT];
    private boolean secureTcp;
    private final long[] sctpTimeout = new long[SctpState.COUNT];
    private long udpTimeout;

    /**
     * @param capacity  the most entries (connections and templates) the table holds
     * @param seed      hash seed (pick it at random in production, fixed in tests)
     * @param nowNanos  the owner's clock now
     */
    public ConnTable(int capacity, ConnTableSettings settings, Timeouts timeouts, long seed, long nowNanos) {
        if (capacity < 1 || capacity > ConnIndex.MAX_ID) {
            throw new IllegalArgumentException("capacity must be 1.." + ConnIndex.MAX_ID + ", got " + capacity);
        }
        this.capacity = capacity;
        this.rec = new long[capacity * STRIDE + ALIGN];
        this.meta = new int[capacity];
        this.dest = new DestinationState[capacity];
        this.control = new int[capacity];
        this.controlled = new int[capacity];
        this.entryTimeout = new int[capacity];
        this.forward = new ConnIndex(rec, capacity, CLIENT, VIRTUAL, NO_DPORT, seed);
        this.reverse = new ConnIndex(rec, capacity, DEST, CLIENT, NO_VPORT, seed * 31 + 17);
        this.wheel = new ExpiryWheel(capacity, nowNanos);
        this.peData = new PersistenceData(capacity);
        this.peSeed = seed * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L;
        this.settings = settings;
        for (int i = 0; i < SctpState.COUNT; i++) {
            sctpTimeout[i] = SctpState.TIMEOUTS[i] * SECOND;
        }
        timeouts(timeouts);
    }

    static int base(int id) {
        return id * STRIDE + ALIGN;
    }

    // ---------------------------------------------------------------- settings

    /** --set tcp tcpfin udp: applies to every packet from now on (pass the merged values). */
    public void timeouts(Timeouts t) {
        this.timeouts = t;
        for (int i = 0; i < TcpState.COUNT; i++) {
            tcpTimeout[i] = TcpState.timeoutSeconds(i, t) * SECOND;
        }
        udpTimeout = t.udp() * SECOND;
    }

    public Timeouts timeouts() {
        return timeouts;
    }

    public void settings(ConnTableSettings s) {
        this.settings = s;
    }

    /**
     * secure_tcp in effect or not (the defence level decides, {@link DefenseSettings}): TCP entries follow the
     * kernel's stricter state table from their next packet on.
     */
    public void secureTcp(boolean on) {
        secureTcp = on;
    }

    public boolean secureTcp() {
        return secureTcp;
    }

    public ConnTableSettings settings() {
        return settings;
    }

    /**
     * Called with an entry's id just before the entry is removed (expiry, {@link #expireNow}, a
     * reschedule), connections and templates alike, while its fields still read as they were; null
     * for none. Replaces the previous listener. The listener must not change this table.
     */
    public void onRemove(IntConsumer listener) {
        this.removeListener = listener;
    }

    public int capacity() {
        return capacity;
    }

    /** Entries in use (connections and templates). */
    public int size() {
        return size;
    }

    /** How many creates were refused because the table was full. */
    public long drops() {
        return drops;
    }

    // ---------------------------------------------------------------- lookups

    /**
     * The connection a client packet belongs to, or {@link #NO_ENTRY}. Templates never match. As the kernel's
     * ip_vs_conn_in_get, a miss looks again with client port 0 while connections wait for their client port
     * ({@link #createExpected}): the caller fills it in ({@link #fillClientPort}) when it forwards the packet.
     */
    public int lookupIn(int protocol, boolean v6, long clientHi, long clientLo, int clientPort,
                        long virtualHi, long virtualLo, int virtualPort) {
        long word = (clientPort & 0xffffL) | (virtualPort & 0xffffL) << VPORT_SHIFT
                | (long) (protocol & 0xff) << PROTO_SHIFT | (v6 ? V6_BIT : 0);
        int id = forward.find(clientHi, clientLo, virtualHi, virtualLo, word);
        if (id < 0 && noClientPort > 0 && clientPort != 0) {
            id = forward.find(clientHi, clientLo, virtualHi, virtualLo, word & ~0xffffL);
        }
        return id;
    }

    /** {@link #lookupIn} with the packet's source as client and destination as virtual address. */
    public int lookupIn(FlowKey f) {
        return lookupIn(f.protocol(), f.v6(), f.srcHi(), f.srcLo(), f.srcPort(), f.dstHi(), f.dstLo(), f.dstPort());
    }

    /** The connection a reply from real server {@code dest} to the client belongs to, or {@link #NO_ENTRY}. */
    public int lookupOut(int protocol, boolean v6, long destHi, long destLo, int destPort,
                         long clientHi, long clientLo, int clientPort) {
        long word = (clientPort & 0xffffL) | (destPort & 0xffffL) << DPORT_SHIFT
                | (long) (protocol & 0xff) << PROTO_SHIFT | (v6 ? V6_BIT : 0);
        return reverse.find(destHi, destLo, clientHi, clientLo, word);
    }

    /**
     * The valid persistence template for this key, re-armed with its timeout, or {@link #NO_ENTRY}.
     * As the kernel's check_template: a template whose real server was removed, or has weight 0 while
     * expire_quiescent_template is on, is invalidated (it stays listed with ports 65535 until it
     * expires, still controlling its connections) and not returned.
     *
     * @param protocol    the service's protocol, or {@link PersistenceKeys#FWMARK_PROTOCOL}
     * @param clientHi    client address already masked ({@link PersistenceKeys})
     * @param virtualPort the service port (0 for port-zero and fwmark services)
     */
    public int findTemplate(int protocol, boolean v6, long clientHi, long clientLo,
                            long virtualHi, long virtualLo, int virtualPort, long nowNanos) {
        long word = templateWord(protocol, v6, virtualPort);
        return valid(forward.find(clientHi, clientLo, virtualHi, virtualLo, word), nowNanos);
    }

    /**
     * {@link #findTemplate} for an IPv4 service with a persistence engine: the template of this client
     * network, virtual address and port and engine data ({@code peLength} bytes of {@code pe} at
     * {@code peOffset}, the Call-ID), as the kernel's ct_match; allocates nothing.
     */
    public int findTemplate(int protocol, long clientLo, long virtualLo, int virtualPort,
                            MemorySegment pe, long peOffset, int peLength, long nowNanos) {
        return valid(lookupTemplate(protocol, clientLo, virtualLo, virtualPort, pe, peOffset, peLength), nowNanos);
    }

    /** The template {@code id} re-armed, or {@link #NO_ENTRY} (and invalidated) when its server cannot take it. */
    private int valid(int id, long nowNanos) {
        if (id < 0) {
            return NO_ENTRY;
        }
        DestinationState d = dest[id];
        if (d == null || d.removed() || (settings.expireQuiescentTemplate() && d.weight() == 0)) {
            invalidateTemplate(id);
            return NO_ENTRY;
        }
        setDeadline(id, nowNanos + entryTimeout[id] * SECOND);
        return id;
    }

    private static long templateWord(int protocol, boolean v6, int virtualPort) {
        return (virtualPort & 0xffffL) << VPORT_SHIFT | (long) (protocol & 0xff) << PROTO_SHIFT
                | (v6 ? V6_BIT : 0) | TEMPLATE_BIT;
    }

    /**
     * The template for this exact key, valid or not, without re-arming it, or {@link #NO_ENTRY}: for
     * connection synchronisation, which refreshes templates the master sends.
     */
    public int lookupTemplate(int protocol, boolean v6, long clientHi, long clientLo,
                              long virtualHi, long virtualLo, int virtualPort) {
        return forward.find(clientHi, clientLo, virtualHi, virtualLo, templateWord(protocol, v6, virtualPort));
    }

    /**
     * {@link #lookupTemplate} with persistence-engine data (IPv4): the template for this exact key and data,
     * valid or not, without re-arming it. A template whose data only shares the hash is not it (a miss: a new
     * template then shadows it until it expires).
     */
    public int lookupTemplate(int protocol, long clientLo, long virtualLo, int virtualPort,
                              MemorySegment pe, long peOffset, int peLength) {
        long hash = peHash(pe, peOffset, peLength);
        int id = forward.find(hash, clientLo, 0, virtualLo, templateWord(protocol, false, virtualPort) | PE_BIT);
        return id >= 0 && peData.equals(id, pe, peOffset, peLength) ? id : NO_ENTRY;
    }

    /** A seeded 64-bit hash of persistence-engine data (the kernel hashes pe_data alone with jhash). */
    private long peHash(MemorySegment pe, long offset, int length) {
        long h = peSeed ^ length;
        for (int i = 0; i < length; i++) {
            h = (h ^ (pe.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    // ---------------------------------------------------------------- create

    /**
     * Creates a connection bound to {@code destination} (counted inactive), in state NONE (UDP: "UDP")
     * with a 3 s timeout until its first packet is applied with {@link #onPacket}.
     *
     * @param inputOnly  replies do not pass the director (DR, TUN): the INPUT-ONLY table is used until
     *                   a reply is seen
     * @param templateId the persistence template that chose the real server, or {@link #NO_ENTRY}
     * @return the entry id, or {@link #NO_ENTRY} when the table is full (counted in {@link #drops})
     */
    public int create(int protocol, boolean v6, long clientHi, long clientLo, int clientPort,
                      long virtualHi, long virtualLo, int virtualPort,
                      boolean destV6, long destHi, long destLo, int destPort,
                      DestinationState destination, boolean inputOnly, int templateId, long nowNanos) {
        if (templateId >= 0 && (meta[templateId] & (USED | TEMPLATE)) != (USED | TEMPLATE)) {
            throw new IllegalArgumentException("entry " + templateId + " is not a template");
        }
        return createEntry(protocol, v6, clientHi, clientLo, clientPort, virtualHi, virtualLo, virtualPort, destV6,
                destHi, destLo, destPort, destination, inputOnly, templateId, false, nowNanos);
    }

    /**
     * Creates a connection an application helper expects (the kernel's FTP data connections,
     * {@code ip_vs_conn_new} from ip_vs_ftp.c), as {@link #create} does, controlled by the connection
     * {@code controller} (its FTP control connection): the controller is not removed while it controls one
     * (its timer is re-armed for 60 s, as a template's), and a controlled connection is never rescheduled by
     * conn_reuse_mode. With {@code noClientPort} the client port is unknown (0, as ipvsadm -Lc lists it):
     * the client's first packet to the virtual address and port finds it ({@link #lookupIn}), and the caller
     * fills the port in ({@link #fillClientPort}), as the kernel's IP_VS_CONN_F_NO_CPORT.
     *
     * @return the entry id, or {@link #NO_ENTRY} when the table is full (counted in {@link #drops})
     */
    public int createExpected(int protocol, boolean v6, long clientHi, long clientLo, int clientPort,
                              long virtualHi, long virtualLo, int virtualPort,
                              boolean destV6, long destHi, long destLo, int destPort,
                              DestinationState destination, int controller, boolean noClientPort, long nowNanos) {
        if ((meta[controller] & (USED | TEMPLATE)) != USED) {
            throw new IllegalArgumentException("entry " + controller + " is not a connection");
        }
        return createEntry(protocol, v6, clientHi, clientLo, noClientPort ? 0 : clientPort, virtualHi, virtualLo,
                virtualPort, destV6, destHi, destLo, destPort, destination, false, controller, noClientPort,
                nowNanos);
    }

    private int createEntry(int protocol, boolean v6, long clientHi, long clientLo, int clientPort,
                            long virtualHi, long virtualLo, int virtualPort,
                            boolean destV6, long destHi, long destLo, int destPort,
                            DestinationState destination, boolean inputOnly, int controller, boolean noClientPort,
                            long nowNanos) {
        if (protocol != Protocol.TCP.number() && protocol != Protocol.UDP.number()
                && protocol != Protocol.SCTP.number()) {
            throw new IllegalArgumentException("connections are TCP, UDP or SCTP, not protocol " + protocol);
        }
        int id = allocate();
        if (id < 0) {
            return NO_ENTRY;
        }
        fill(id, protocol, v6, clientHi, clientLo, clientPort, virtualHi, virtualLo, virtualPort,
                destV6, destHi, destLo, destPort, false);
        meta[id] = USED | INACTIVE | (inputOnly ? NO_OUTPUT : 0) | (destV6 ? DEST_V6 : 0)
                | (noClientPort ? NO_CPORT : 0);
        if (noClientPort) {
            this.noClientPort++;
        }
        dest[id] = destination;
        control[id] = NO_ENTRY;
        controlled[id] = 0;
        if (controller >= 0) {
            control[id] = controller;
            controlled[controller]++;
        }
        if (destination != null) {
            destination.bind(false);
        }
        forward.insert(id);
        reverse.insert(id);
        entryTimeout[id] = (int) (NEW_CONN_TIMEOUT / SECOND);
        rec[base(id) + DEADLINE] = nowNanos + NEW_CONN_TIMEOUT;
        wheel.schedule(id, nowNanos + NEW_CONN_TIMEOUT);
        return id;
    }

    /** {@link #create} with the client and virtual address taken from the packet's flow key. */
    public int create(FlowKey f, boolean destV6, long destHi, long destLo, int destPort,
                      DestinationState destination, boolean inputOnly, int templateId, long nowNanos) {
        return create(f.protocol(), f.v6(), f.srcHi(), f.srcLo(), f.srcPort(), f.dstHi(), f.dstLo(), f.dstPort(),
                destV6, destHi, destLo, destPort, destination, inputOnly, templateId, nowNanos);
    }

    /** True while the connection waits for its client port ({@link #createExpected}). */
    public boolean isNoClientPort(int id) {
        return (meta[id] & NO_CPORT) != 0;
    }

    /**
     * Gives a connection waiting for its client port the port of its client's first packet, as the kernel's
     * ip_vs_conn_fill_cport: from now on only that port's packets find it. Nothing for any other entry.
     */
    public void fillClientPort(int id, int clientPort) {
        if ((meta[id] & NO_CPORT) == 0) {
            return;
        }
        forward.remove(id);
        reverse.remove(id);
        int b = base(id) + WORD;
        rec[b] = rec[b] & ~0xffffL | (clientPort & 0xffffL);
        meta[id] &= ~NO_CPORT;
        noClientPort--;
        forward.insert(id);
        reverse.insert(id);
    }

    /**
     * Creates a persistence template: state NONE, client port 0, timeout {@code timeoutSeconds} (the
     * service's persistence timeout), counted as PersistConn of {@code destination}.
     *
     * @return the entry id, or {@link #NO_ENTRY} when the table is full (counted in {@link #drops})
     */
    public int createTemplate(int protocol, boolean v6, long clientHi, long clientLo,
                              long virtualHi, long virtualLo, int virtualPort,
                              boolean destV6, long destHi, long destLo, int destPort,
                              DestinationState destination, int timeoutSeconds, long nowNanos) {
        int id = allocate();
        if (id < 0) {
            return NO_ENTRY;
        }
        fill(id, protocol, v6, clientHi, clientLo, 0, virtualHi, virtualLo, virtualPort,
                destV6, destHi, destLo, destPort, true);
        return template(id, destV6, destination, timeoutSeconds, nowNanos);
    }

    /**
     * {@link #createTemplate} for an IPv4 service with a persistence engine: the template also keys on (and
     * keeps a copy of) {@code peLength} bytes of {@code pe} at {@code peOffset}, 1 to 255 of them, shown by
     * ipvsadm -Lc after the engine's name. No allocation once the data slots have grown to the number of such
     * templates.
     */
    public int createTemplate(int protocol, long clientLo, long virtualLo, int virtualPort,
                              MemorySegment pe, long peOffset, int peLength,
                              boolean destV6, long destHi, long destLo, int destPort,
                              DestinationState destination, int timeoutSeconds, long nowNanos) {
        if (peLength < 1 || peLength > PersistenceData.MAX_LENGTH) {
            throw new IllegalArgumentException("persistence-engine data of " + peLength + " bytes");
        }
        int id = allocate();
        if (id < 0) {
            return NO_ENTRY;
        }
        fill(id, protocol, false, peHash(pe, peOffset, peLength), clientLo, 0, 0, virtualLo, virtualPort,
                destV6, destHi, destLo, destPort, true);
        rec[base(id) + WORD] |= PE_BIT;
        peData.put(id, pe, peOffset, peLength);
        return template(id, destV6, destination, timeoutSeconds, nowNanos);
    }

    private int template(int id, boolean destV6, DestinationState destination, int timeoutSeconds,
                         long nowNanos) {
        meta[id] = USED | TEMPLATE | (destV6 ? DEST_V6 : 0);
        dest[id] = destination;
        control[id] = NO_ENTRY;
        controlled[id] = 0;
        entryTimeout[id] = timeoutSeconds;
        if (destination != null) {
            destination.bind(true);
        }
        forward.insert(id);
        long deadline = nowNanos + timeoutSeconds * SECOND;
        rec[base(id) + DEADLINE] = deadline;
        wheel.schedule(id, deadline);
        return id;
    }

    // ---------------------------------------------------------------- packets

    /** True when the packet opens a new flow: a TCP SYN, an SCTP INIT. */
    public static boolean isNewConnection(int protocol, int tcpFlagsOrChunkType) {
        if (protocol == Protocol.TCP.number()) {
            return (tcpFlagsOrChunkType & TcpState.FLAG_SYN) != 0;
        }
        if (protocol == Protocol.SCTP.number()) {
            return tcpFlagsOrChunkType == SctpState.CHUNK_INIT;
        }
        return false;
    }

    /**
     * Decides, as the kernel's input hook does, whether a client packet that found entry {@code id}
     * may use it. With conn_reuse_mode, a new connection (SYN/INIT) hitting an entry in TIME_WAIT or
     * CLOSE (SCTP: CLOSED) that no template controls expires the entry and is scheduled anew; so does
     * one whose real server has weight 0 when expire_nodest_conn is on. An entry whose real server
     * was removed is expired (expire_nodest_conn on) or its packets dropped (off).
     */
    public InboundVerdict admitInbound(int id, boolean newConnection, long nowNanos) {
        DestinationState d = dest[id];
        if (newConnection) {
            boolean reschedule = settings.expireNodestConn() && d != null && d.weight() == 0
                    || settings.connReuseMode() != 0 && newConnectionExpected(id);
            if (reschedule) {
                expireNow(id, nowNanos);
                return InboundVerdict.RESCHEDULE;
            }
        }
        if (d != null && d.removed()) {
            if (settings.expireNodestConn()) {
                expireNow(id, nowNanos);
                return InboundVerdict.RESCHEDULE;
            }
            return InboundVerdict.DROP;
        }
        return InboundVerdict.FORWARD;
    }

    private boolean newConnectionExpected(int id) {
        if (control[id] >= 0) {
            return false;
        }
        int state = meta[id] & STATE_MASK;
        int protocol = protocol(id);
        if (protocol == Protocol.TCP.number()) {
            return state == TcpState.TIME_WAIT || state == TcpState.CLOSE
                    || (settings.connReuseMode() & 2) != 0 && state == TcpState.FIN_WAIT
                    && (meta[id] & NO_OUTPUT) != 0;
        }
        return protocol == Protocol.SCTP.number() && state == SctpState.CLOSED;
    }

    /**
     * Applies one packet of entry {@code id}: moves its state and re-arms its timeout, and moves the
     * real server's active/inactive counts when the state crosses the active line.
     *
     * @param direction {@link #INPUT} (from the client) or {@link #OUTPUT} (a reply)
     * @param info      TCP: the header's flag byte ({@link TcpState#FLAG_SYN} ...); SCTP: the deciding
     *                  chunk type; UDP: ignored
     */
    public void onPacket(int id, int direction, int info, long nowNanos) {
        int m = meta[id];
        if ((m & TEMPLATE) != 0) {
            return;
        }
        int dir = direction;
        if ((m & NO_OUTPUT) != 0) {
            if (dir == OUTPUT) {
                m &= ~NO_OUTPUT;
            } else {
                dir = INPUT_ONLY;
            }
        }
        int protocol = protocol(id);
        int old = m & STATE_MASK;
        int next;
        boolean active;
        long timeout;
        if (protocol == Protocol.TCP.number()) {
            next = TcpState.next(old, dir, info, secureTcp);
            active = TcpState.active(next);
            timeout = tcpTimeout[next];
        } else if (protocol == Protocol.SCTP.number()) {
            next = SctpState.next(old, dir, info);
            active = SctpState.active(next);
            timeout = sctpTimeout[next];
        } else {
            next = 0;
            active = false;
            timeout = udpTimeout;
        }
        boolean wasActive = (m & INACTIVE) == 0;
        if (active != wasActive) {
            m = active ? m & ~INACTIVE : m | INACTIVE;
            DestinationState d = dest[id];
            if (d != null) {
                d.activate(active);
            }
        }
        meta[id] = (m & ~STATE_MASK) | next;
        entryTimeout[id] = seconds(timeout);
        setDeadline(id, nowNanos + timeout);
    }

    /**
     * Sets an entry's state and timeout as a sync message from the master says (the kernel's backup
     * does the same in ip_vs_proc_conn): the real server's active/inactive counts follow the state, and
     * the entry expires {@code timeoutSeconds} from now; 0 means the state's own timeout (a template:
     * 180 s). A template's timeout also becomes its persistence timeout.
     */
    public void restore(int id, int state, int timeoutSeconds, long nowNanos) {
        int m = meta[id];
        if ((m & TEMPLATE) != 0) {
            int t = timeoutSeconds > 0 ? timeoutSeconds : 180;
            entryTimeout[id] = t;
            setDeadline(id, nowNanos + t * SECOND);
            return;
        }
        int protocol = protocol(id);
        boolean active;
        long timeout;
        if (protocol == Protocol.TCP.number()) {
            if (state < 0 || state >= TcpState.COUNT) {
                throw new IllegalArgumentException("bad TCP state " + state);
            }
            active = TcpState.active(state);
            timeout = tcpTimeout[state];
        } else if (protocol == Protocol.SCTP.number()) {
            if (state < 0 || state >= SctpState.COUNT) {
                throw new IllegalArgumentException("bad SCTP state " + state);
            }
            active = SctpState.active(state);
            timeout = sctpTimeout[state];
        } else {
            state = 0;
            active = false;
            timeout = udpTimeout;
        }
        boolean wasActive = (m & INACTIVE) == 0;
        if (active != wasActive) {
            m = active ? m & ~INACTIVE : m | INACTIVE;
            DestinationState d = dest[id];
            if (d != null) {
                d.activate(active);
            }
        }
        meta[id] = (m & ~STATE_MASK) | state;
        if (timeoutSeconds > 0) {
            timeout = timeoutSeconds * SECOND;
        }
        entryTimeout[id] = seconds(timeout);
        setDeadline(id, nowNanos + timeout);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Runs the timers up to {@code nowNanos}, examining at most {@code budget} entries (call again to
     * go on). Due connections are removed; a due template (or FTP control connection) that still
     * controls connections is re-armed for 60 s, as the kernel does.
     *
     * @return entries examined; less than {@code budget} means the timers are up to date
     */
    public int expire(long nowNanos, int budget) {
        return wheel.step(nowNanos, budget, wheelCallback);
    }

    /**
     * Expires {@code id} now (the kernel's expire_now): a connection is removed and unbound; a
     * template (or connection, {@link #createExpected}) that controls connections is kept and re-armed for
     * 60 s, as the kernel's ip_vs_conn_expire does while n_control is not 0.
     *
     * @return true when the entry was removed
     */
    public boolean expireNow(int id, long nowNanos) {
        if (controlled[id] > 0) {
            entryTimeout[id] = TEMPLATE_REARM_SECONDS;
            long deadline = nowNanos + TEMPLATE_REARM_SECONDS * SECOND;
            rec[base(id) + DEADLINE] = deadline;
            // relink at once: the wheel may be walking past this entry's slot right now
            wheel.reschedule(id, deadline);
            return false;
        }
        remove(id);
        return true;
    }

    private void remove(int id) {
        IntConsumer listener = removeListener;
        if (listener != null) {
            listener.accept(id);
        }
        int m = meta[id];
        if ((m & UNHASHED) == 0) {
            forward.remove(id);
        }
        if ((m & TEMPLATE) == 0) {
            reverse.remove(id);
        } else {
            peData.release(id);
        }
        wheel.cancel(id);
        int tpl = control[id];
        if (tpl >= 0) {
            controlled[tpl]--;
        }
        if ((m & NO_CPORT) != 0) {
            noClientPort--;
        }
        DestinationState d = dest[id];
        if (d != null) {
            d.unbind((m & TEMPLATE) != 0, (m & (TEMPLATE | INACTIVE)) == 0);
        }
        dest[id] = null;
        meta[id] = 0;
        control[id] = freeHead;
        freeHead = id;
        size--;
    }

    private void invalidateTemplate(int id) {
        forward.remove(id);
        meta[id] |= UNHASHED;
        int b = base(id);
        rec[b + WORD] = rec[b + WORD] & ~(0xffffL << VPORT_SHIFT) & ~(0xffffL << DPORT_SHIFT)
                | (long) INVALID_PORT << VPORT_SHIFT | (long) INVALID_PORT << DPORT_SHIFT;
    }

    private void setDeadline(int id, long deadline) {
        int b = base(id) + DEADLINE;
        long old = rec[b];
        rec[b] = deadline;
        if (deadline - old < 0) {
            // earlier than the slot it sits in: move it now (later deadlines move lazily)
            wheel.reschedule(id, deadline);
        }
    }

    private int allocate() {
        int id;
        if (freeHead >= 0) {
            id = freeHead;
            freeHead = control[id];
        } else if (highWater < capacity) {
            id = highWater++;
        } else {
            drops++;
            return NO_ENTRY;
        }
        size++;
        return id;
    }

    private void fill(int id, int protocol, boolean v6, long cHi, long cLo, int cPort, long vHi, long vLo, int vPort,
                      boolean destV6, long dHi, long dLo, int dPort, boolean template) {
        int b = base(id);
        long[] r = rec;
        r[b + CLIENT] = cHi;
        r[b + CLIENT + 1] = cLo;
        r[b + VIRTUAL] = vHi;
        r[b + VIRTUAL + 1] = vLo;
        r[b + WORD] = (cPort & 0xffffL) | (vPort & 0xffffL) << VPORT_SHIFT | (dPort & 0xffffL) << DPORT_SHIFT
                | (long) (protocol & 0xff) << PROTO_SHIFT | (v6 ? V6_BIT : 0) | (template ? TEMPLATE_BIT : 0);
        r[b + DEST] = dHi;
        r[b + DEST + 1] = dLo;
    }

    // ---------------------------------------------------------------- entry fields

    public boolean inUse(int id) {
        return (meta[id] & USED) != 0;
    }

    /** True when the entry's client and virtual addresses are IPv6. */
    public boolean isV6(int id) {
        return (rec[base(id) + WORD] & V6_BIT) != 0;
    }

    public boolean isTemplate(int id) {
        return (meta[id] & TEMPLATE) != 0;
    }

    /** True while the entry is counted in its real server's ActiveConn. */
    public boolean isActive(int id) {
        return (meta[id] & (USED | TEMPLATE | INACTIVE)) == USED;
    }

    /** True while no reply has been seen on a DR/TUN entry. */
    public boolean isInputOnly(int id) {
        return (meta[id] & NO_OUTPUT) != 0;
    }

    /** Protocol number (0 for a fwmark template). */
    public int protocol(int id) {
        return (int) (rec[base(id) + WORD] >>> PROTO_SHIFT) & 0xff;
    }

    public int state(int id) {
        return meta[id] & STATE_MASK;
    }

    /** The state as ipvsadm -Lc prints it. */
    public String stateName(int id) {
        if ((meta[id] & TEMPLATE) != 0) {
            return "NONE";
        }
        int p = protocol(id);
        int s = state(id);
        if (p == Protocol.TCP.number()) {
            return TcpState.name(s);
        }
        if (p == Protocol.SCTP.number()) {
            return SctpState.name(s);
        }
        return "UDP";
    }

    public DestinationState destination(int id) {
        return dest[id];
    }

    public long destinationHi(int id) {
        return rec[base(id) + DEST];
    }

    public long destinationLo(int id) {
        return rec[base(id) + DEST + 1];
    }

    public int destinationPort(int id) {
        return (int) (rec[base(id) + WORD] >>> DPORT_SHIFT) & 0xffff;
    }

    public int clientPort(int id) {
        return (int) rec[base(id) + WORD] & 0xffff;
    }

    public int virtualPort(int id) {
        return (int) (rec[base(id) + WORD] >>> VPORT_SHIFT) & 0xffff;
    }

    /** High half of the client address (0 for IPv4, also for a template that keys on engine data). */
    public long clientHi(int id) {
        int b = base(id);
        return (rec[b + WORD] & PE_BIT) != 0 ? 0 : rec[b + CLIENT];
    }

    /** Chunks of 256 data slots made so far (tests: data slots are reused). */
    int peDataChunks() {
        return peData.chunks();
    }

    /** True for a template that keys on persistence-engine data ({@link #PE_NAME}: the SIP Call-ID). */
    public boolean hasPeData(int id) {
        return (rec[base(id) + WORD] & PE_BIT) != 0;
    }

    /**
     * Copies a {@link #hasPeData} template's engine data into {@code to} at {@code at} (room for 255 bytes);
     * returns its length.
     */
    public int copyPeData(int id, byte[] to, int at) {
        return peData.copyTo(id, to, at);
    }

    public long clientLo(int id) {
        return rec[base(id) + CLIENT + 1];
    }

    public long virtualHi(int id) {
        return rec[base(id) + VIRTUAL];
    }

    public long virtualLo(int id) {
        return rec[base(id) + VIRTUAL + 1];
    }

    /**
     * The entry's full timeout in seconds, as a sync message carries it and as drop_entry reckons the
     * entry's last activity (deadline minus timeout): a template's persistence timeout, else the timeout
     * the connection's last packet (or sync message) gave it, as the kernel's {@code cp->timeout} — not
     * what a --set made the state's timeout since.
     */
    public int timeoutSeconds(int id) {
        return entryTimeout[id];
    }

    private static int seconds(long nanos) {
        return (int) Math.min(Integer.MAX_VALUE, nanos / SECOND);
    }

    /** The template controlling this connection, or {@link #NO_ENTRY} (none, or a controlling connection). */
    public int controllingTemplate(int id) {
        int c = control[id];
        return (meta[id] & TEMPLATE) != 0 || c < 0 || (meta[c] & TEMPLATE) == 0 ? NO_ENTRY : c;
    }

    /** The template or connection controlling this connection ({@link #createExpected}), or {@link #NO_ENTRY}. */
    public int controller(int id) {
        return (meta[id] & TEMPLATE) != 0 ? NO_ENTRY : control[id];
    }

    /** The connections a template, or a connection ({@link #createExpected}), controls. */
    public int controlledCount(int id) {
        return (meta[id] & USED) != 0 ? controlled[id] : 0;
    }

    public long deadlineNanos(int id) {
        return rec[base(id) + DEADLINE];
    }

    // ---------------------------------------------------------------- listing

    /** Every entry as ipvsadm -Lc shows it (allocates; control plane only, on the owner thread). */
    public List<ConnectionView> list(long nowNanos) {
        List<ConnectionView> out = new ArrayList<>(size);
        for (int id = 0; id < highWater; id++) {
            if (inUse(id)) {
                out.add(view(id, nowNanos));
            }
        }
        return out;
    }

    /** One entry as ipvsadm -Lc shows it. */
    public ConnectionView view(int id, long nowNanos) {
        int b = base(id);
        long word = rec[b + WORD];
        boolean v6 = (word & V6_BIT) != 0;
        int m = meta[id];
        int p = protocol(id);
        Protocol protocol = p == PersistenceKeys.FWMARK_PROTOCOL ? null : Protocol.fromNumber(p);
        long remaining = Math.max(0, rec[b + DEADLINE] - nowNanos) / 1_000_000L;
        boolean pe = (word & PE_BIT) != 0;
        return new ConnectionView(protocol,
                address(v6, clientHi(id), rec[b + CLIENT + 1]), clientPort(id),
                address(v6, rec[b + VIRTUAL], rec[b + VIRTUAL + 1]), virtualPort(id),
                address((m & DEST_V6) != 0, rec[b + DEST], rec[b + DEST + 1]), destinationPort(id),
                stateName(id), remaining, (m & TEMPLATE) != 0, pe ? PE_NAME : null,
                pe ? new String(peData.copy(id), StandardCharsets.ISO_8859_1) : null);
    }

    private static IpAddress address(boolean v6, long hi, long lo) {
        return new IpAddress(v6 ? AddressFamily.INET6 : AddressFamily.INET, hi, lo);
    }

    private final class WheelCallback implements ExpiryWheel.Expirer {
        @Override
        public long deadline(int id) {
            return rec[base(id) + DEADLINE];
        }

        @Override
        public void due(int id, long nowNanos) {
            expireNow(id, nowNanos);
        }
    }
}
