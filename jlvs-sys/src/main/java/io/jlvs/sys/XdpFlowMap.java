package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The flow table of the XDP fast path ({@link XdpSteering#attach(String, XdpMode, XdpFlowMap)}): a BPF hash
 * map from one direction of a connection, as its frames arrive (protocol, source and destination address
 * and port), to the rewrite the worker chose for it (Ethernet addresses, IPv4 addresses, ports, the link to
 * leave by) with the two checksum adjustments computed here once, plus the frames and bytes the program
 * forwarded, and an owner number the program ignores (the worker's name for the connection direction). The
 * program adds the counts; this side writes and removes entries and reads the counts, one key at a time or
 * all of them in a few calls ({@link #readAll}). Owner: one thread; other threads use a {@link #handle}.
 *
 * <p>Layout (little-endian host). Key, 16 bytes: source address, destination address, source port,
 * destination port (all as on the wire), protocol, 3 zero bytes. Value, 64 bytes: new source address, new
 * destination address, new ports (as on the wire), egress ifindex, destination MAC, source MAC, IPv4 and
 * transport checksum adjustments (RFC 1624 one's-complement sums, stored so that the program's
 * little-endian 16-bit loads of both field and adjustment add up right), frames, bytes, owner, the largest
 * frame, the encapsulation ({@link #V_ENCAP}: for a tunnel the addresses and ports are the outer headers'),
 * 4 zero bytes.
 */
public final class XdpFlowMap implements AutoCloseable {
    static final int KEY_SIZE = 16;
    static final int VALUE_SIZE = 64;
    static final int V_SRC = 0;
    static final int V_DST = 4;
    static final int V_PORTS = 8;
    static final int V_IFINDEX = 12;
    static final int V_DST_MAC = 16;
    static final int V_SRC_MAC = 22;
    static final int V_IP_DELTA = 28;
    static final int V_L4_DELTA = 30;
    static final int V_FRAMES = 32;
    static final int V_BYTES = 40;
    static final int V_OWNER = 48;
    /** The largest frame the entry forwards (the leaving link's MTU plus 14); a larger one goes to the worker. */
    static final int V_MAX_FRAME = 52;
    /**
     * How the frame leaves ({@link #putTunnel}): 0, rewritten in place; {@link #ENCAP_IPIP}, {@link #ENCAP_GUE}
     * or {@link #ENCAP_GRE}, inside a new outer IPv4 header (and UDP and GUE headers, or a GRE header) from {@link #V_SRC} to
     * {@link #V_DST} ({@link #V_PORTS}: the UDP ports), the inner datagram only losing one from its TTL.
     */
    static final int V_ENCAP = 56;
    /** {@link #V_ENCAP}: IPv4 in IPv4 (protocol 4). */
    public static final int ENCAP_IPIP = 4;
    /** {@link #V_ENCAP}: GUE (UDP, a 4-byte GUE header, then IPv4), UDP checksum 0. */
    public static final int ENCAP_GUE = 17;
    /** {@link #V_ENCAP}: GRE (protocol 47) with a 4-byte header (no checksum, key or sequence), then IPv4. */
    public static final int ENCAP_GRE = 47;
    /** No limit: an IPv4 datagram of 65,535 bytes and its Ethernet header. */
    public static final int ANY_FRAME = 65_535 + 14;
    /** Entries {@link #readAll} asks for per call at first (it doubles this when a hash bucket holds more). */
    private static final int FIRST_BATCH = 256;
    /** A TTL decrement as a change of the TTL/protocol word: one's-complement minus 0x0100. */
    private static final int TTL_DECREMENT = 0xfeff;

    /** The kernel's internal "operation not supported" errno, which bpf(2) may return. */
    private static final int ENOTSUPP = 524;

    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment attr;
    private final MemorySegment key;
    private final MemorySegment value;
    private final int fd;
    private final int capacity;
    /** False for a {@link #handle}: the table is the creator's to close. */
    private final boolean owner;
    private boolean closed;
    /** False once the kernel refused BPF_MAP_LOOKUP_AND_DELETE_ELEM on a hash map (before 5.14). */
    private boolean takeSupported = true;
    /** {@link #readAll}'s batch position tokens (a hash map's is a bucket number) and buffers. */
    private final MemorySegment batchIn;
    private final MemorySegment batchOut;
    private MemorySegment batchKeys;
    private MemorySegment batchValues;
    private int batchEntries;

    /** Receives {@link #readAll}'s entries. */
    @FunctionalInterface
    public interface CountSink {
        /** The entry put with {@code owner} has forwarded {@code frames} frames of {@code bytes} bytes so far. */
        void counted(int owner, long frames, long bytes);
    }

    private XdpFlowMap(int capacity, int sharedFd) {
        this.capacity = capacity;
        this.owner = sharedFd < 0;
        this.attr = arena.allocate(128, 8);
        this.key = arena.allocate(KEY_SIZE, 8);
        this.value = arena.allocate(VALUE_SIZE, 8);
        this.batchIn = arena.allocate(8, 8);
        this.batchOut = arena.allocate(8, 8);
        batchBuffers(Math.min(FIRST_BATCH, capacity));
        if (sharedFd >= 0) {
            this.fd = sharedFd;
            return;
        }
        try {
            this.fd = BpfMaps.create(sys, attr, Abi.BPF_MAP_TYPE_HASH, KEY_SIZE, VALUE_SIZE, capacity, "jlvs_flows");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A table for at most {@code capacity} flow directions. */
    public static XdpFlowMap create(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        return new XdpFlowMap(capacity, -1);
    }

    /**
     * Another view of the same table for another thread, with buffers of its own (this class is not safe for
     * concurrent use). Valid while this one is open; closing it leaves the table alone.
     */
    public XdpFlowMap handle() {
        if (closed) {
            throw new IllegalStateException("jlvs_flows is closed");
        }
        return new XdpFlowMap(capacity, fd);
    }

    int fd() {
        return fd;
    }

    public int capacity() {
        return capacity;
    }

    private void key(int protocol, int src, int sport, int dst, int dport) {
        key.set(BE32, 0, src);
        key.set(BE32, 4, dst);
        key.set(BE16, 8, (short) sport);
        key.set(BE16, 10, (short) dport);
        key.set(ValueLayout.JAVA_INT, 12, protocol & 0xff);
    }

    private void attr(boolean withValue, long flags) {
        attr.fill((byte) 0);
        attr.set(ValueLayout.JAVA_INT, 0, fd);
        attr.set(ValueLayout.JAVA_LONG, 8, key.address());
        if (withValue) {
            attr.set(ValueLayout.JAVA_LONG, 16, value.address());
            attr.set(ValueLayout.JAVA_LONG, 24, flags);
        }
    }

    /**
     * Frames of {@code protocol} (TCP or UDP) from {@code src:sport} to {@code dst:dport} leave from now on as
     * {@code newSrc:newSport} to {@code newDst:newDport}, TTL less one, with Ethernet destination
     * {@code dstMac} and source {@code srcMac} (48 bits each), out of interface {@code ifindex}. Replaces an
     * entry of the same key (its counts restart at 0). {@link #readAll} reports the entry with {@code owner}.
     *
     * @return false when the table is full
     */
    public boolean put(int protocol, int src, int sport, int dst, int dport, int newSrc, int newSport, int newDst,
                       int newDport, int ifindex, long dstMac, long srcMac, int owner) {
        return put(protocol, src, sport, dst, dport, newSrc, newSport, newDst, newDport, ifindex, dstMac, srcMac, owner,
                ANY_FRAME);
    }

    /**
     * As {@link #put(int, int, int, int, int, int, int, int, int, int, long, long, int)}, forwarding frames of
     * at most {@code maxFrame} bytes (Ethernet header included): a larger one goes to the worker, which
     * answers fragmentation-needed; redirected, the kernel would drop it without a word.
     */
    public boolean put(int protocol, int src, int sport, int dst, int dport, int newSrc, int newSport, int newDst,
                       int newDport, int ifindex, long dstMac, long srcMac, int owner, int maxFrame) {
        entry(protocol, src, sport, dst, dport, newSrc, newSport, newDst, newDport, ifindex, dstMac, srcMac);
        int addresses = change(src, newSrc) + change(dst, newDst);
        value.set(BE16, V_IP_DELTA, (short) fold(addresses + TTL_DECREMENT));
        value.set(BE16, V_L4_DELTA, (short) fold(addresses + word(sport, newSport) + word(dport, newDport)));
        value.set(ValueLayout.JAVA_INT, V_OWNER, owner);
        value.set(ValueLayout.JAVA_INT, V_MAX_FRAME, maxFrame);
        return update();
    }

    private boolean update() {
        attr(true, 0);
        try {
            sys.bpf(Abi.BPF_MAP_UPDATE_ELEM, attr, "BPF_MAP_UPDATE_ELEM jlvs_flows");
            return true;
        } catch (NativeIoException e) {
            if (e.is(Errno.E2BIG) || e.is(Errno.ENOMEM)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Tunnels the later frames of a flow direction to a TUN real server: with {@code encap}
     * {@link #ENCAP_IPIP}, a new outer IPv4 header from {@code outerSrc} to {@code outerDst}; with
     * {@link #ENCAP_GUE}, that header, UDP from {@code gueSport} to {@code guePort} (checksum 0) and a GUE
     * header for IPv4; with {@link #ENCAP_GRE}, that header and a 4-byte GRE header for IPv4 (the ports
     * unused). The outer header takes the inner one's TOS and TTL (after the decrement) and DF, with
     * identification 0; only datagrams with DF set are tunnelled, the others go to the worker. Frames of at
     * most {@code maxFrame} bytes as they arrive (the leaving link's MTU plus 14, less the headers added).
     */
    public boolean putTunnel(int protocol, int src, int sport, int dst, int dport, int encap, int outerSrc,
                             int outerDst, int gueSport, int guePort, int ifindex, long dstMac, long srcMac, int owner,
                             int maxFrame) {
        if (encap != ENCAP_IPIP && encap != ENCAP_GUE && encap != ENCAP_GRE) {
            throw new IllegalArgumentException("encapsulation must be IPIP (4), GUE (17) or GRE (47): " + encap);
        }
        entry(protocol, src, sport, dst, dport, outerSrc, gueSport, outerDst, guePort, ifindex, dstMac, srcMac);
        value.set(BE16, V_IP_DELTA, (short) fold(TTL_DECREMENT));
        value.set(ValueLayout.JAVA_INT, V_OWNER, owner);
        value.set(ValueLayout.JAVA_INT, V_MAX_FRAME, maxFrame);
        value.set(ValueLayout.JAVA_INT, V_ENCAP, encap);
        return update();
    }

    /** The key, and a zeroed value with the addresses, ports, link and MACs the frames leave with. */
    private void entry(int protocol, int src, int sport, int dst, int dport, int newSrc, int newSport, int newDst,
                       int newDport, int ifindex, long dstMac, long srcMac) {
        key(protocol, src, sport, dst, dport);
        value.fill((byte) 0);
        value.set(BE32, V_SRC, newSrc);
        value.set(BE32, V_DST, newDst);
        value.set(BE16, V_PORTS, (short) newSport);
        value.set(BE16, V_PORTS + 2, (short) newDport);
        value.set(ValueLayout.JAVA_INT, V_IFINDEX, ifindex);
        mac(V_DST_MAC, dstMac);
        mac(V_SRC_MAC, srcMac);
    }

    private void mac(int at, long mac) {
        for (int i = 0; i < 6; i++) {
            value.set(ValueLayout.JAVA_BYTE, at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    /** One's-complement sum of the changes of the two 16-bit words of an address. */
    private static int change(int from, int to) {
        return word(from >>> 16, to >>> 16) + word(from & 0xffff, to & 0xffff);
    }

    /** ~from + to, the RFC 1624 contribution of one 16-bit word changing. */
    private static int word(int from, int to) {
        return (~from & 0xffff) + (to & 0xffff);
    }

    private static int fold(int sum) {
        int s = sum;
        while (s >>> 16 != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return s;
    }

    /**
     * The frames and bytes forwarded for the key, into {@code counts[0]} and {@code counts[1]}.
     *
     * @return false when the key has no entry
     */
    public boolean counters(int protocol, int src, int sport, int dst, int dport, long[] counts) {
        key(protocol, src, sport, dst, dport);
        attr(true, 0);
        try {
            sys.bpf(Abi.BPF_MAP_LOOKUP_ELEM, attr, "BPF_MAP_LOOKUP_ELEM jlvs_flows");
        } catch (NativeIoException e) {
            if (e.is(Errno.ENOENT)) {
                return false;
            }
            throw e;
        }
        counts[0] = value.get(U64, V_FRAMES);
        counts[1] = value.get(U64, V_BYTES);
        return true;
    }

    /**
     * Removes the key's entry and leaves its last frames and bytes in {@code counts[0]} and {@code counts[1]},
     * in one step (BPF_MAP_LOOKUP_AND_DELETE_ELEM, Linux 5.14+; before, a lookup then a delete).
     *
     * @return false when the key had no entry
     */
    public boolean take(int protocol, int src, int sport, int dst, int dport, long[] counts) {
        if (takeSupported) {
            key(protocol, src, sport, dst, dport);
            attr(true, 0);
            try {
                sys.bpf(Abi.BPF_MAP_LOOKUP_AND_DELETE_ELEM, attr, "BPF_MAP_LOOKUP_AND_DELETE_ELEM jlvs_flows");
                counts[0] = value.get(U64, V_FRAMES);
                counts[1] = value.get(U64, V_BYTES);
                return true;
            } catch (NativeIoException e) {
                if (e.is(Errno.ENOENT)) {
                    return false;
                }
                if (!e.is(Errno.EINVAL) && e.errno() != ENOTSUPP) {
                    throw e;
                }
                takeSupported = false;
            }
        }
        boolean found = counters(protocol, src, sport, dst, dport, counts);
        return remove(protocol, src, sport, dst, dport) && found;
    }

    /**
     * Hands every entry's owner, frames and bytes to {@code sink}, read {@value #FIRST_BATCH} or more entries
     * per system call (BPF_MAP_LOOKUP_BATCH, Linux 5.6+; the fast path's BPF link needs 5.9 anyway). The
     * sink must not change the table. Allocates nothing unless a hash bucket holds more entries than a batch
     * (then the batch doubles, once).
     *
     * @return the entries read
     */
    public int readAll(CountSink sink) {
        int total = 0;
        boolean first = true;
        while (true) {
            attr.fill((byte) 0);
            attr.set(ValueLayout.JAVA_LONG, 0, first ? 0 : batchIn.address());
            attr.set(ValueLayout.JAVA_LONG, 8, batchOut.address());
            attr.set(ValueLayout.JAVA_LONG, 16, batchKeys.address());
            attr.set(ValueLayout.JAVA_LONG, 24, batchValues.address());
            attr.set(ValueLayout.JAVA_INT, 32, batchEntries);
            attr.set(ValueLayout.JAVA_INT, 36, fd);
            boolean last = false;
            try {
                sys.bpf(Abi.BPF_MAP_LOOKUP_BATCH, attr, "BPF_MAP_LOOKUP_BATCH jlvs_flows");
            } catch (NativeIoException e) {
                if (e.is(Errno.ENOSPC) && batchEntries < capacity) {
                    // a bucket holds more entries than one batch: nothing was read, ask again with room
                    batchBuffers(Math.min(capacity, batchEntries * 2));
                    continue;
                }
                if (!e.is(Errno.ENOENT)) {
                    throw e;
                }
                last = true; // the end of the table; what this call read is still in the buffers
            }
            int n = attr.get(ValueLayout.JAVA_INT, 32);
            for (int i = 0; i < n; i++) {
                long at = (long) i * VALUE_SIZE;
                sink.counted(batchValues.get(ValueLayout.JAVA_INT, at + V_OWNER), batchValues.get(U64, at + V_FRAMES),
                        batchValues.get(U64, at + V_BYTES));
            }
            total += n;
            if (last) {
                return total;
            }
            batchIn.copyFrom(batchOut);
            first = false;
        }
    }

    private void batchBuffers(int entries) {
        batchEntries = entries;
        batchKeys = arena.allocate((long) entries * KEY_SIZE, 8);
        batchValues = arena.allocate((long) entries * VALUE_SIZE, 8);
    }

    /** Removes the key's entry; false when there was none. */
    public boolean remove(int protocol, int src, int sport, int dst, int dport) {
        key(protocol, src, sport, dst, dport);
        attr(false, 0);
        try {
            sys.bpf(Abi.BPF_MAP_DELETE_ELEM, attr, "BPF_MAP_DELETE_ELEM jlvs_flows");
            return true;
        } catch (NativeIoException e) {
            if (e.is(Errno.ENOENT)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner) {
            sys.close(fd);
        }
        arena.close();
    }
}
