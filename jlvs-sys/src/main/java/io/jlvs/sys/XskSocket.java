package io.jlvs.sys;

import io.jlvs.core.io.FrameHandler;
import io.jlvs.core.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@link PacketIo} over an AF_XDP socket bound to one receive queue of one interface in copy mode (veth has
 * no zero-copy). It owns its UMEM: the first {@code ringSize} frames circulate through the fill and receive
 * rings, the next {@code ringSize} through the transmit and completion rings. {@link #receive} hands each
 * frame to the handler as a slice of the UMEM and gives the frame straight back to the fill ring;
 * {@link #transmit} copies a frame into a free transmit frame, {@link #flush} kicks the kernel with one
 * {@code sendto}. The kernel sees only what an {@link XdpSteering} program redirects to this socket.
 *
 * <p>Ring words are shared with the kernel: a consumer reads the producer index with acquire semantics and
 * publishes its consumer index with release semantics, a producer the other way round. One owning thread.
 */
public final class XskSocket implements PacketIo {
    /** One UMEM frame; a page holds two. */
    public static final int FRAME_SIZE = 2048;
    private static final VarHandle WORD = ValueLayout.JAVA_INT.varHandle();
    private static final int DESC = 16;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final String interfaceName;
    private final int queue;
    private final int ringSize;
    private final int mask;
    private final int pollTimeoutMillis;
    private final int fd;
    private final int ifindex;
    private final long mac;
    private final int mtu;
    private final MemorySegment umem;
    private final Ring rx;
    private final Ring tx;
    private final Ring fill;
    private final Ring completion;
    private final MemorySegment pollfd;
    private final MemorySegment statsBuf;
    private final MemorySegment statsLen;
    /** UMEM addresses of free transmit frames, a stack. */
    private final long[] txFree;
    private int txFreeCount;
    private int txPending;
    private long received;
    private long transmitted;
    private long txRejected;
    private boolean closed;

    /** One mmapped ring: its producer and consumer words, its descriptors, and this side's cached index. */
    private static final class Ring {
        final MemorySegment map;
        final long producer;
        final long consumer;
        final long desc;
        /** Our own index (the consumer's for RX/completion, the producer's for fill/TX). */
        int local;

        Ring(MemorySegment map, long producer, long consumer, long desc) {
            this.map = map;
            this.producer = producer;
            this.consumer = consumer;
            this.desc = desc;
        }
    }

    private XskSocket(String interfaceName, int queue, int ringSize, int pollTimeoutMillis) {
        if (Integer.bitCount(ringSize) != 1 || ringSize < 64) {
            throw new IllegalArgumentException("ring size must be a power of two >= 64: " + ringSize);
        }
        this.interfaceName = interfaceName;
        this.queue = queue;
        this.ringSize = ringSize;
        this.mask = ringSize - 1;
        this.pollTimeoutMillis = pollTimeoutMillis;
        this.ifindex = sys.ifNameToIndex(interfaceName);
        int probe = sys.socket(Abi.AF_INET, 2 | Abi.SOCK_CLOEXEC, 0);
        try {
            this.mac = Ifreq.macAddress(sys, probe, interfaceName);
            this.mtu = Ifreq.mtu(sys, probe, interfaceName);
        } finally {
            sys.close(probe);
        }
        this.fd = sys.socket(Abi.AF_XDP, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        Ring r = null;
        Ring t = null;
        Ring f = null;
        Ring c = null;
        try {
            this.umem = arena.allocate((long) FRAME_SIZE * 2 * ringSize, 4096);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment reg = a.allocate(32, 8); // xdp_umem_reg: addr, len, chunk_size, headroom, flags, tx_metadata_len
                reg.set(ValueLayout.JAVA_LONG, 0, umem.address());
                reg.set(ValueLayout.JAVA_LONG, 8, umem.byteSize());
                reg.set(ValueLayout.JAVA_INT, 16, FRAME_SIZE);
                sys.setsockopt(fd, Abi.SOL_XDP, Abi.XDP_UMEM_REG, reg, "XDP_UMEM_REG");
            }
            setInt(Abi.XDP_UMEM_FILL_RING, ringSize, "XDP_UMEM_FILL_RING");
            setInt(Abi.XDP_UMEM_COMPLETION_RING, ringSize, "XDP_UMEM_COMPLETION_RING");
            setInt(Abi.XDP_RX_RING, ringSize, "XDP_RX_RING");
            setInt(Abi.XDP_TX_RING, ringSize, "XDP_TX_RING");
            MemorySegment off = arena.allocate(128, 8); // xdp_mmap_offsets: rx, tx, fr, cr x {producer, consumer, desc, flags}
            MemorySegment len = arena.allocate(4, 4);
            sys.getsockopt(fd, Abi.SOL_XDP, Abi.XDP_MMAP_OFFSETS, off, len, "XDP_MMAP_OFFSETS");
            r = map(off, 0, DESC, Abi.XDP_PGOFF_RX_RING);
            t = map(off, 32, DESC, Abi.XDP_PGOFF_TX_RING);
            f = map(off, 64, 8, Abi.XDP_UMEM_PGOFF_FILL_RING);
            c = map(off, 96, 8, Abi.XDP_UMEM_PGOFF_COMPLETION_RING);
            for (int i = 0; i < ringSize; i++) {
                f.map.set(ValueLayout.JAVA_LONG, f.desc + 8L * i, (long) i * FRAME_SIZE);
            }
            f.local = ringSize;
            WORD.setRelease(f.map, f.producer, ringSize);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment sxdp = a.allocate(16, 4);
                sxdp.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_XDP);
                sxdp.set(ValueLayout.JAVA_SHORT, 2, (short) Abi.XDP_COPY);
                sxdp.set(ValueLayout.JAVA_INT, 4, ifindex);
                sxdp.set(ValueLayout.JAVA_INT, 8, queue);
                sys.bind(fd, sxdp);
            }
            this.statsBuf = arena.allocate(48, 8);
            this.statsLen = arena.allocate(4, 4);
            this.pollfd = arena.allocate(8, 4);
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        } catch (RuntimeException e) {
            for (Ring ring : new Ring[] {r, t, f, c}) {
                if (ring != null) {
                    sys.munmap(ring.map);
                }
            }
            sys.close(fd);
            arena.close();
            throw e;
        }
        this.rx = r;
        this.tx = t;
        this.fill = f;
        this.completion = c;
        this.txFree = new long[ringSize];
        for (int i = 0; i < ringSize; i++) {
            txFree[i] = (long) (ringSize + i) * FRAME_SIZE;
        }
        this.txFreeCount = ringSize;
    }

    /**
     * Opens an AF_XDP socket on queue {@code queue} of {@code interfaceName} with rings of {@code ringSize}
     * entries (a power of two); throws {@link NativeIoException} naming the refused call.
     */
    public static XskSocket open(String interfaceName, int queue, int ringSize, int pollTimeoutMillis) {
        return new XskSocket(interfaceName, queue, ringSize, pollTimeoutMillis);
    }

    /** Whether this kernel lets this process make AF_XDP sockets and eBPF maps, and if not, which call failed. */
    public static ProbeResult probe() {
        Syscalls sys = new Syscalls();
        try {
            sys.close(sys.socket(Abi.AF_XDP, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0));
        } catch (NativeIoException e) {
            return ProbeResult.cannot("AF_XDP: " + e.getMessage());
        }
        try (Arena a = Arena.ofConfined()) {
            sys.close(BpfMaps.create(sys, a.allocate(128, 8), Abi.BPF_MAP_TYPE_XSKMAP, 4, 4, 1, "xskmap"));
        } catch (NativeIoException e) {
            return ProbeResult.cannot("AF_XDP: " + e.getMessage());
        }
        return new ProbeResult(true, "AF_XDP sockets and XSKMAP available");
    }

    private Ring map(MemorySegment off, long at, int descSize, long pgoff) {
        long producer = off.get(ValueLayout.JAVA_LONG, at);
        long consumer = off.get(ValueLayout.JAVA_LONG, at + 8);
        long desc = off.get(ValueLayout.JAVA_LONG, at + 16);
        long length = desc + (long) ringSize * descSize;
        MemorySegment m = sys.mmap(length, Abi.PROT_READ | Abi.PROT_WRITE, Abi.MAP_SHARED | Abi.MAP_POPULATE, fd,
                pgoff);
        return new Ring(m, producer, consumer, desc);
    }

    private void setInt(int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, Abi.SOL_XDP, option, a.allocateFrom(ValueLayout.JAVA_INT, value), label);
        }
    }

    /** The socket's descriptor, for the XSKMAP entry. */
    int fd() {
        return fd;
    }

    /** Hands up to {@code max} frames to {@code handler}; when none is ready, waits once (poll), then retries. */
    @Override
    public int receive(FrameHandler handler, int max) {
        int n = receiveReady(handler, max);
        if (n == 0 && max > 0) {
            pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) (Abi.POLLIN | Abi.POLLERR));
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            sys.poll(pollfd, 1, pollTimeoutMillis);
            n = receiveReady(handler, max);
        }
        return n;
    }

    /** Hands up to {@code max} frames already in the receive ring to {@code handler}, never waiting. */
    public int receiveReady(FrameHandler handler, int max) {
        int produced = (int) WORD.getAcquire(rx.map, rx.producer);
        int cons = rx.local;
        int n = Math.min(max, produced - cons);
        if (n <= 0) {
            return 0;
        }
        int fillProd = fill.local;
        for (int i = 0; i < n; i++) {
            long d = rx.desc + (long) ((cons + i) & mask) * DESC;
            long addr = rx.map.get(ValueLayout.JAVA_LONG, d);
            int length = rx.map.get(ValueLayout.JAVA_INT, d + 8);
            handler.onFrame(umem, addr, length);
            // the fill ring holds every RX frame at most once, so it always has room for this one
            fill.map.set(ValueLayout.JAVA_LONG, fill.desc + 8L * ((fillProd + i) & mask), addr & ~(FRAME_SIZE - 1L));
        }
        rx.local = cons + n;
        fill.local = fillProd + n;
        WORD.setRelease(rx.map, rx.consumer, cons + n);
        WORD.setRelease(fill.map, fill.producer, fillProd + n);
        received += n;
        return n;
    }

    /** Takes back the transmit frames the kernel has sent. */
    private void reapCompletions() {
        int produced = (int) WORD.getAcquire(completion.map, completion.producer);
        int cons = completion.local;
        if (produced == cons) {
            return;
        }
        for (int i = cons; i != produced; i++) {
            txFree[txFreeCount++] = completion.map.get(ValueLayout.JAVA_LONG, completion.desc + 8L * (i & mask));
        }
        completion.local = produced;
        WORD.setRelease(completion.map, completion.consumer, produced);
    }

    @Override
    public boolean transmit(MemorySegment frame, long offset, int length) {
        if (length > FRAME_SIZE || length < 14) {
            throw new IllegalArgumentException("frame of " + length + " bytes does not fit a " + FRAME_SIZE
                    + "-byte UMEM frame");
        }
        if (txFreeCount == 0) {
            reapCompletions();
            if (txFreeCount == 0) {
                flush();
                reapCompletions();
                if (txFreeCount == 0) {
                    txRejected++;
                    return false;
                }
            }
        }
        long addr = txFree[--txFreeCount];
        MemorySegment.copy(frame, offset, umem, addr, length);
        long d = tx.desc + (long) (tx.local & mask) * DESC;
        tx.map.set(ValueLayout.JAVA_LONG, d, addr);
        tx.map.set(ValueLayout.JAVA_INT, d + 8, length);
        tx.map.set(ValueLayout.JAVA_INT, d + 12, 0);
        tx.local++;
        txPending++;
        transmitted++;
        return true;
    }

    /**
     * Publishes the queued descriptors and kicks the kernel; in copy mode it sends a bounded batch per kick,
     * so this kicks until the ring is drained or the kernel says to come back later. While the link is down
     * the kick is refused (ENETDOWN): nothing is thrown, and the next flush kicks again.
     */
    @Override
    public void flush() {
        if (txPending == 0) {
            return;
        }
        txPending = 0;
        WORD.setRelease(tx.map, tx.producer, tx.local);
        try {
            for (int i = 0; i < 64; i++) {
                if (!sys.kick(fd) || (int) WORD.getAcquire(tx.map, tx.consumer) == tx.local) {
                    break;
                }
            }
        } catch (NativeIoException e) {
            // the link is down (ENETDOWN) or gone: the frames wait in the ring, kicked again at the next flush
            txPending = 1;
        }
        reapCompletions();
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int queue() {
        return queue;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    /** Frames handed to handlers so far. */
    public long framesReceived() {
        return received;
    }

    /** Frames accepted by {@link #transmit} so far. */
    public long framesTransmitted() {
        return transmitted;
    }

    /** Frames {@link #transmit} refused because every transmit frame was still in flight. */
    public long transmitRejected() {
        return txRejected;
    }

    /** The kernel's counters for this socket. */
    public XdpStatistics statistics() {
        sys.getsockopt(fd, Abi.SOL_XDP, Abi.XDP_STATISTICS, statsBuf, statsLen, "XDP_STATISTICS");
        return new XdpStatistics(statsBuf.get(ValueLayout.JAVA_LONG, 0), statsBuf.get(ValueLayout.JAVA_LONG, 8),
                statsBuf.get(ValueLayout.JAVA_LONG, 16), statsBuf.get(ValueLayout.JAVA_LONG, 24),
                statsBuf.get(ValueLayout.JAVA_LONG, 32), statsBuf.get(ValueLayout.JAVA_LONG, 40));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Ring ring : new Ring[] {rx, tx, fill, completion}) {
            sys.munmap(ring.map);
        }
        sys.close(fd);
        arena.close();
    }
}
