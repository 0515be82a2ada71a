package io.jlvs.sys;

import io.jlvs.core.io.FrameHandler;
import io.jlvs.core.io.PacketIo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@link PacketIo} over an AF_PACKET socket bound to one interface, with a receive ring shared with the
 * kernel ({@link RingVersion}: TPACKET_V2 frame slots or TPACKET_V3 blocks): {@link #receive} walks the ring
 * and hands each frame to the handler as a slice of the mapping (no copy, no allocation), then gives the slot
 * or block back. Transmit goes through a transmit ring flushed by one {@code sendto}, or one {@code sendto}
 * per frame ({@link TxMode}). One owning thread.
 */
public final class AfPacketIo implements PacketIo {
    /** {@link #send}: the interface is gone or down. */
    private static final long GONE = -2;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
    // tpacket_block_desc / tpacket_hdr_v1
    private static final int BLOCK_STATUS = 8;
    private static final int BLOCK_NUM_PKTS = 12;
    private static final int BLOCK_FIRST_PKT = 16;
    // tpacket3_hdr
    private static final int H_NEXT = 0;
    private static final int H_SNAPLEN = 12;
    private static final int H_LEN = 16;
    private static final int H_STATUS = 20;
    private static final int H_MAC = 24;
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where transmit data starts in a slot. */
    private static final int TX_DATA = 48;
    // tpacket2_hdr
    private static final int H2_STATUS = 0;
    private static final int H2_LEN = 4;
    private static final int H2_SNAPLEN = 8;
    private static final int H2_MAC = 12;
    private static final int H2_VLAN_TCI = 24;
    private static final int H2_VLAN_TPID = 26;
    private static final int H_VLAN_TCI = 32;
    private static final int H_VLAN_TPID = 36;
    /** Bytes of an 802.1Q tag. */
    private static final int VLAN_TAG = 4;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    /** TPACKET_ALIGN(sizeof(struct tpacket2_hdr)): where transmit data starts in a V2 slot. */
    private static final int TX2_DATA = 32;
    private static final int TX_BLOCK = 1 << 16;
    /** struct virtio_net_hdr: before each frame with PACKET_VNET_HDR. */
    private static final int VNET_HDR = 10;
    private static final int VNET_GSO_TYPE = 1;
    private static final int VNET_GSO_SIZE = 4;
    private static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    private static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** Where a whole super-packet is read to in {@link #superPacket}: room to put a VLAN tag back before it. */
    private static final int SUPER_AT = VLAN_TAG;
    /** The largest super-packet: 64 KiB of IPv4 and an Ethernet header. */
    private static final int SUPER_MAX = VNET_HDR + 65536 + 64;
    /** The receive buffer a socket asks for, so that a few whole super-packets can wait in it. */
    private static final int SUPER_RCVBUF = 4 << 20;

    private final AfPacketConfig config;
    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int ifindex;
    private final long mac;
    private final int mtu;
    private final MemorySegment mapping;
    private final MemorySegment ring;
    private final long rxBytes;
    private final long txBase;
    private final int txSlots;
    private final MemorySegment pollfd;
    private final MemorySegment txBuffer;
    private final MemorySegment statsBuf;
    private final MemorySegment statsLen;
    private final boolean v2;
    private final int rxFrames;
    private final int txStatus;
    private final int txData;
    private final boolean outgoingSeen;
    /** PACKET_VNET_HDR: the header's length before each frame, received and transmitted (0 without). */
    private final int vnet;
    /** TPACKET_V2 with PACKET_VNET_HDR: a super-packet too long for its slot is read whole into this. */
    private final MemorySegment superPacket;
    private final MemorySegment superPacketTail;
    /** The socket {@link #transmitSuperPacket} sends with (opened at its first use; -1 before), and its buffer. */
    private int superFd = -1;
    private MemorySegment superTx;
    /** sockaddr_ll of {@link #transmitSuperPacket}'s frames: IPv4, this interface. */
    private MemorySegment superTo;
    private long superPacketsSent;
    private boolean closed;
    /** The segment size of the frame being handed to the handler (a TCP super-packet), else 0. */
    private int segmentSize;

    /** V2: the next frame slot; V3: the current block. */
    private int rxIndex;
    private int remaining;
    private long framePos;
    private int txIndex;
    private int txPending;
    private long received;
    private long transmitted;
    private long txRejected;
    private long statPackets;
    private long statDrops;
    private long statFreezes;

    private AfPacketIo(AfPacketConfig config) {
        this.config = config;
        this.v2 = config.ringVersion() == RingVersion.TPACKET_V2;
        this.txStatus = v2 ? H2_STATUS : H_STATUS;
        this.txData = v2 ? TX2_DATA : TX_DATA;
        this.vnet = config.segmentationOffload() ? VNET_HDR : 0;
        this.ifindex = sys.ifNameToIndex(config.interfaceName());
        // protocol 0: nothing is queued until bind, so the filter and ring are in place before the first frame
        this.fd = sys.socket(Abi.AF_PACKET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        MemorySegment mapped = null;
        try {
            this.mac = Ifreq.macAddress(sys, fd, config.interfaceName());
            this.mtu = Ifreq.mtu(sys, fd, config.interfaceName());
            setInt(Abi.SOL_PACKET, Abi.PACKET_VERSION, config.ringVersion().abi(), "PACKET_VERSION");
            if (config.txMode() == TxMode.TX_RING) {
                // a transmit slot the kernel finds malformed is marked and skipped, not left blocking the
                // ring (before any ring exists, or the kernel says EBUSY)
                setInt(Abi.SOL_PACKET, Abi.PACKET_LOSS, 1, "PACKET_LOSS");
            }
            if (config.ignoreOutgoing()) {
                setInt(Abi.SOL_PACKET, Abi.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            if (vnet > 0) {
                // before the rings (the kernel says EBUSY after): every frame in and out gets the header
                setInt(Abi.SOL_PACKET, Abi.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
                if (v2) {
                    // a frame longer than its slot: the slot gets it cut short and marked, and the whole
                    // frame waits in the socket's queue, which must hold a few of 64 KiB
                    setInt(Abi.SOL_PACKET, Abi.PACKET_COPY_THRESH, 1, "PACKET_COPY_THRESH");
                    try {
                        setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, SUPER_RCVBUF, "SO_RCVBUFFORCE");
                    } catch (NativeIoException e) {
                        setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUF, SUPER_RCVBUF, "SO_RCVBUF");
                    }
                }
            }
            if (config.filter() != null) {
                try (Arena a = Arena.ofConfined()) {
                    sys.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_ATTACH_FILTER, config.filter().toSockFprog(a),
                            "SO_ATTACH_FILTER");
                }
            }
            int framesPerBlock = config.blockSize() / config.frameSize();
            this.rxFrames = framesPerBlock * config.blockCount();
            this.rxBytes = (long) config.blockSize() * config.blockCount();
            try (Arena a = Arena.ofConfined()) {
                // tpacket_req3 (28 bytes); V2 reads only its first four words (tpacket_req)
                MemorySegment req = a.allocate(28, 4);
                req.set(U32, 0, config.blockSize());
                req.set(U32, 4, config.blockCount());
                req.set(U32, 8, config.frameSize());
                req.set(U32, 12, rxFrames);
                if (!v2) {
                    req.set(U32, 16, config.blockTimeoutMillis());
                }
                sys.setsockopt(fd, Abi.SOL_PACKET, Abi.PACKET_RX_RING, v2 ? req.asSlice(0, 16) : req,
                        "PACKET_RX_RING");
            }
            long txBytes = 0;
            if (config.txMode() == TxMode.TX_RING) {
                int txBlock = Math.max(TX_BLOCK, config.frameSize());
                int perBlock = txBlock / config.frameSize();
                int blocks = Math.max(1, (config.txFrames() + perBlock - 1) / perBlock);
                this.txSlots = blocks * perBlock;
                txBytes = (long) txBlock * blocks;
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment req = a.allocate(28, 4);
                    req.set(U32, 0, txBlock);
                    req.set(U32, 4, blocks);
                    req.set(U32, 8, config.frameSize());
                    req.set(U32, 12, txSlots);
                    sys.setsockopt(fd, Abi.SOL_PACKET, Abi.PACKET_TX_RING, v2 ? req.asSlice(0, 16) : req,
                            "PACKET_TX_RING");
                }
            } else {
                this.txSlots = 0;
            }
            mapped = sys.mmap(rxBytes + txBytes, Abi.PROT_READ | Abi.PROT_WRITE, Abi.MAP_SHARED, fd, 0);
            this.mapping = mapped;
            this.ring = mapped.reinterpret(arena, null);
            this.txBase = rxBytes;
            try (Arena a = Arena.ofConfined()) {
                sys.bind(fd, linkAddress(a, config.ethertype(), ifindex));
            }
            if (config.qdiscBypass()) {
                setInt(Abi.SOL_PACKET, Abi.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            if (config.fanoutGroup() >= 0) {
                this.outgoingSeen = !joinFanout(config);
            } else {
                this.outgoingSeen = !config.ignoreOutgoing();
            }
            this.pollfd = arena.allocate(8, 4);
            pollfd.set(U32, 0, fd);
            this.txBuffer = arena.allocate(Math.max(config.frameSize(), 65536) + vnet, 16);
            if (vnet > 0 && v2) {
                this.superPacket = arena.allocate(SUPER_AT + SUPER_MAX, 16);
                this.superPacketTail = superPacket.asSlice(SUPER_AT);
            } else {
                this.superPacket = null;
                this.superPacketTail = null;
            }
            this.statsBuf = arena.allocate(12, 4);
            this.statsLen = arena.allocate(4, 4);
        } catch (RuntimeException e) {
            if (mapped != null) {
                sys.munmap(mapped);
            }
            arena.close();
            sys.close(fd);
            throw e;
        }
    }

    /**
     * Joins the hash fanout group. The kernel hands a group's members the frames its shared hook sees, and
     * that hook ignores the sockets' own PACKET_IGNORE_OUTGOING: only the group flag keeps this host's
     * outgoing frames (our own transmissions among them) from being cloned, hashed and filtered once more.
     * Kernels before 6.8 refuse the flag (EINVAL); the group is then joined without it. Returns whether
     * outgoing frames are ignored.
     */
    private boolean joinFanout(AfPacketConfig config) {
        int mode = (config.fanoutProgram() != null ? Abi.PACKET_FANOUT_CBPF : Abi.PACKET_FANOUT_HASH)
                | Abi.PACKET_FANOUT_FLAG_DEFRAG;
        int group = config.fanoutGroup() & 0xffff;
        boolean ignored = false;
        joined: {
            if (config.ignoreOutgoing()) {
                try {
                    setInt(Abi.SOL_PACKET, Abi.PACKET_FANOUT,
                            group | ((mode | Abi.PACKET_FANOUT_FLAG_IGNORE_OUTGOING) << 16), "PACKET_FANOUT");
                    ignored = true;
                    break joined;
                } catch (NativeIoException e) {
                    if (e.errno() != Errno.EINVAL.number()) {
                        throw e;
                    }
                }
            }
            setInt(Abi.SOL_PACKET, Abi.PACKET_FANOUT, group | (mode << 16), "PACKET_FANOUT");
        }
        if (config.fanoutProgram() != null) {
            replaceFanoutProgram(config.fanoutProgram());
        }
        return ignored;
    }

    /**
     * Gives the socket's PACKET_FANOUT_CBPF group a new program (PACKET_FANOUT_DATA): the whole group's, so
     * every member may set it; the kernel swaps it atomically.
     */
    public void replaceFanoutProgram(BpfFilter program) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, Abi.SOL_PACKET, Abi.PACKET_FANOUT_DATA, program.toSockFprog(a), "PACKET_FANOUT_DATA");
        }
    }

    /**
     * Replaces the socket filter in place ({@code null}: every frame), as the kernel swaps it atomically: each
     * frame meets the old or the new one, none is lost, the socket keeps its ring and its fanout group.
     */
    public void replaceFilter(BpfFilter filter) {
        if (filter != null) {
            try (Arena a = Arena.ofConfined()) {
                sys.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_ATTACH_FILTER, filter.toSockFprog(a), "SO_ATTACH_FILTER");
            }
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_DETACH_FILTER, a.allocate(4, 4), "SO_DETACH_FILTER");
        } catch (NativeIoException e) {
            if (!e.is(Errno.ENOENT)) { // no filter was attached
                throw e;
            }
        }
    }

    /** Opens, configures and binds the socket; throws {@link NativeIoException} naming the refused call. */
    public static AfPacketIo open(AfPacketConfig config) {
        return new AfPacketIo(config);
    }

    private void setInt(int level, int option, int value, String label) {
        setInt(fd, level, option, value, label);
    }

    private void setInt(int socket, int level, int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(socket, level, option, a.allocateFrom(ValueLayout.JAVA_INT, value), label);
        }
    }

    /** A sockaddr_ll for {@code ethertype} (0: none) on interface {@code index}, allocated in {@code arena}. */
    private static MemorySegment linkAddress(Arena arena, int ethertype, int index) {
        MemorySegment sll = arena.allocate(Abi.SOCKADDR_LL_SIZE, 4);
        sll.set(U16, 0, (short) Abi.AF_PACKET);
        sll.set(U16, 2, Abi.htons(ethertype));
        sll.set(U32, 4, index);
        return sll;
    }

    /**
     * Hands up to {@code max} frames to {@code handler}; when none is ready, waits once, at most
     * {@code pollTimeoutMillis}, then hands over what arrived.
     */
    @Override
    public int receive(FrameHandler handler, int max) {
        int n = receiveReady(handler, max);
        if (n == 0 && max > 0) {
            pollfd.set(U16, 4, (short) (Abi.POLLIN | Abi.POLLERR));
            pollfd.set(U16, 6, (short) 0);
            sys.poll(pollfd, 1, config.pollTimeoutMillis());
            n = receiveReady(handler, max);
        }
        return n;
    }

    /** Hands up to {@code max} frames already in the ring to {@code handler}, never waiting. */
    public int receiveReady(FrameHandler handler, int max) {
        return v2 ? receiveV2(handler, max) : receiveV3(handler, max);
    }

    private int receiveV2(FrameHandler handler, int max) {
        int n = 0;
        while (n < max) {
            long slot = (long) rxIndex * config.frameSize();
            int status = (int) INT.getAcquire(ring, slot + H2_STATUS);
            if ((status & Abi.TP_STATUS_USER) == 0) {
                break;
            }
            int snap = ring.get(U32, slot + H2_SNAPLEN);
            int macOff = ring.get(U16, slot + H2_MAC) & 0xffff;
            if (vnet > 0) {
                segmentSize = segmentSize(ring, slot + macOff - VNET_HDR);
                if ((status & Abi.TP_STATUS_COPY) != 0) {
                    int tci = (status & Abi.TP_STATUS_VLAN_VALID) != 0 ? ring.get(U16, slot + H2_VLAN_TCI) & 0xffff : -1;
                    int tpid = (status & Abi.TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(U16, slot + H2_VLAN_TPID) & 0xffff : 0;
                    INT.setRelease(ring, slot + H2_STATUS, Abi.TP_STATUS_KERNEL);
                    rxIndex = rxIndex + 1 == rxFrames ? 0 : rxIndex + 1;
                    receiveWhole(handler, tci, tpid);
                    n++;
                    received++;
                    continue;
                }
            }
            if ((status & Abi.TP_STATUS_VLAN_VALID) != 0) {
                int tagged = retag(slot, macOff, snap, ring.get(U16, slot + H2_VLAN_TCI) & 0xffff,
                        (status & Abi.TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(U16, slot + H2_VLAN_TPID) & 0xffff : 0);
                snap += macOff - tagged;
                macOff = tagged;
            }
            handler.onFrame(ring, slot + macOff, snap);
            n++;
            received++;
            INT.setRelease(ring, slot + H2_STATUS, Abi.TP_STATUS_KERNEL);
            rxIndex = rxIndex + 1 == rxFrames ? 0 : rxIndex + 1;
        }
        return n;
    }

    private int receiveV3(FrameHandler handler, int max) {
        int n = 0;
        while (n < max) {
            if (remaining == 0) {
                long base = (long) rxIndex * config.blockSize();
                int status = (int) INT.getAcquire(ring, base + BLOCK_STATUS);
                if ((status & Abi.TP_STATUS_USER) == 0) {
                    break;
                }
                remaining = ring.get(U32, base + BLOCK_NUM_PKTS);
                framePos = base + Integer.toUnsignedLong(ring.get(U32, base + BLOCK_FIRST_PKT));
                if (remaining == 0) {
                    releaseBlock();
                    continue;
                }
            }
            int snap = ring.get(U32, framePos + H_SNAPLEN);
            int macOff = ring.get(U16, framePos + H_MAC) & 0xffff;
            int next = ring.get(U32, framePos + H_NEXT);
            int status = ring.get(U32, framePos + H_STATUS);
            if (vnet > 0) {
                segmentSize = segmentSize(ring, framePos + macOff - VNET_HDR);
            }
            if ((status & Abi.TP_STATUS_VLAN_VALID) != 0) {
                int tagged = retag(framePos, macOff, snap, ring.get(U32, framePos + H_VLAN_TCI) & 0xffff,
                        (status & Abi.TP_STATUS_VLAN_TPID_VALID) != 0 ? ring.get(U16, framePos + H_VLAN_TPID) & 0xffff : 0);
                snap += macOff - tagged;
                macOff = tagged;
            }
            handler.onFrame(ring, framePos + macOff, snap);
            n++;
            received++;
            if (--remaining == 0) {
                releaseBlock();
            } else {
                framePos += next;
            }
        }
        return n;
    }

    /**
     * A TCP super-packet's segment size from the virtio-net header at {@code at}, 0 for any other frame
     * (the kernel reports TCP over IPv4 and IPv6 and UFO; TCP is ours to cut, or to send whole over IPv4).
     */
    private static int segmentSize(MemorySegment s, long at) {
        int type = s.get(ValueLayout.JAVA_BYTE, at + VNET_GSO_TYPE) & 0x7f;
        if (type != VIRTIO_NET_HDR_GSO_TCPV4 && type != VIRTIO_NET_HDR_GSO_TCPV6) {
            return 0;
        }
        return s.get(LE16, at + VNET_GSO_SIZE) & 0xffff;
    }

    /**
     * A frame whose slot holds it cut short: reads it whole from the socket's queue (virtio-net header
     * first), puts back a VLAN tag ({@code tci} -1: none) and hands it over. (The kernel queues the whole
     * frame before it marks the slot, so it is there.)
     */
    private void receiveWhole(FrameHandler handler, int tci, int tpid) {
        long n = sys.recvfrom(fd, superPacketTail, Abi.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        if (n < VNET_HDR + 14) {
            segmentSize = 0;
            return;
        }
        segmentSize = segmentSize(superPacket, SUPER_AT);
        long frame = SUPER_AT + VNET_HDR;
        int length = (int) n - VNET_HDR;
        if (tci >= 0) {
            MemorySegment.copy(superPacket, frame, superPacket, frame - VLAN_TAG, 12);
            frame -= VLAN_TAG;
            length += VLAN_TAG;
            superPacket.set(BE16, frame + 12, (short) (tpid != 0 ? tpid : 0x8100));
            superPacket.set(BE16, frame + 14, (short) tci);
        }
        handler.onFrame(superPacket, frame, length);
        segmentSize = 0;
    }

    /**
     * Sends a TCP/IPv4 super-packet whole and lets the kernel cut it into {@code segmentSize}-byte segments on
     * its way out (GSO: in software, or by the card's TSO), as it does for IPVS: its TCP checksum field must
     * hold the pseudo-header sum only (left for the card). {@code l4Offset} is where TCP starts in the frame,
     * {@code headerLength} where its payload starts. Frames transmitted before go out first. False when the
     * socket was opened without {@link AfPacketConfig#segmentationOffload} or the kernel refuses (the caller
     * then segments it itself). Through a second socket on the interface that receives nothing: a transmit
     * ring's socket sends only from its ring, whose slots are sized for the MTU.
     */
    @Override
    public boolean transmitSuperPacket(MemorySegment frame, long offset, int length, int l4Offset, int headerLength,
                                       int segmentSize) {
        if (vnet == 0 || length + VNET_HDR > SUPER_MAX || segmentSize <= 0) {
            return false;
        }
        if (superFd < 0 && !openSuperSocket()) {
            return false;
        }
        flush();
        MemorySegment b = superTx;
        boolean cwr = (frame.get(ValueLayout.JAVA_BYTE, offset + l4Offset + 13) & 0x80) != 0;
        b.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // VIRTIO_NET_HDR_F_NEEDS_CSUM
        b.set(ValueLayout.JAVA_BYTE, VNET_GSO_TYPE, (byte) (VIRTIO_NET_HDR_GSO_TCPV4 | (cwr ? 0x80 : 0)));
        b.set(LE16, 2, (short) headerLength);
        b.set(LE16, VNET_GSO_SIZE, (short) segmentSize);
        b.set(LE16, 6, (short) l4Offset);
        b.set(LE16, 8, (short) 16); // the TCP checksum field
        MemorySegment.copy(frame, offset, b, VNET_HDR, length);
        long n;
        try {
            n = sys.sendto(superFd, b, VNET_HDR + length, Abi.MSG_DONTWAIT, superTo);
        } catch (NativeIoException e) {
            return false;
        }
        if (n < 0) {
            return false;
        }
        superPacketsSent++;
        transmitted++;
        return true;
    }

    private boolean openSuperSocket() {
        int s = sys.socket(Abi.AF_PACKET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            setInt(s, Abi.SOL_PACKET, Abi.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            if (config.qdiscBypass()) {
                setInt(s, Abi.SOL_PACKET, Abi.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            sys.bind(s, linkAddress(a, 0, ifindex)); // protocol 0: it receives nothing
        } catch (NativeIoException e) {
            sys.close(s);
            return false;
        }
        superFd = s;
        superTx = arena.allocate(SUPER_MAX, 16);
        superTo = linkAddress(arena, 0x0800, ifindex);
        return true;
    }

    /** Super-packets {@link #transmitSuperPacket} handed to the kernel whole. */
    public long superPacketsSent() {
        return superPacketsSent;
    }

    /**
     * During {@link FrameHandler#onFrame}: the segment size of the frame handed over when it is a TCP
     * super-packet (with {@link AfPacketConfig#segmentationOffload}), else 0.
     */
    @Override
    public int receivedSegmentSize() {
        return segmentSize;
    }

    /**
     * Puts back the 802.1Q tag the kernel moved into the packet's metadata (it always does, before a packet
     * socket sees the frame, so a frame received on a trunk's parent interface arrives untagged with its
     * tag in the ring header): the two MAC addresses move 4 bytes towards the header, into the room the
     * ring leaves between its header and the frame, and the tag goes in after them, so the frame is handed
     * over as it was on the wire. Returns the frame's new offset in its slot.
     */
    private int retag(long header, int macOff, int snap, int tci, int tpid) {
        int at = macOff - VLAN_TAG;
        // the ring's own header and sockaddr_ll end here: TPACKET_ALIGN(tpacket2_hdr) or tpacket3_hdr, + 20
        int headerEnd = v2 ? 32 + 20 : 48 + 20;
        if (at < headerEnd || snap < 12) {
            return macOff;
        }
        MemorySegment.copy(ring, header + macOff, ring, header + at, 12);
        ring.set(BE16, header + at + 12, (short) (tpid != 0 ? tpid : 0x8100));
        ring.set(BE16, header + at + 14, (short) tci);
        return at;
    }

    /** The socket's descriptor, for {@link RingPoller}. */
    int fd() {
        return fd;
    }

    private void releaseBlock() {
        INT.setRelease(ring, (long) rxIndex * config.blockSize() + BLOCK_STATUS, Abi.TP_STATUS_KERNEL);
        rxIndex = rxIndex + 1 == config.blockCount() ? 0 : rxIndex + 1;
    }

    @Override
    public boolean transmit(MemorySegment frame, long offset, int length) {
        if (length > config.frameSize() - txData - vnet || length < 14) {
            // the caller checks the MTU; a frame that still does not fit is refused, never sent cut short
            txRejected++;
            return false;
        }
        if (config.txMode() == TxMode.SENDTO) {
            // with PACKET_VNET_HDR the buffer starts with a header of zeros (no offload asked), never written
            MemorySegment.copy(frame, offset, txBuffer, vnet, length);
            if (send(txBuffer, length + vnet) < 0) {
                txRejected++;
                return false;
            }
            transmitted++;
            return true;
        }
        long slot = txBase + (long) txIndex * config.frameSize();
        int status = (int) INT.getAcquire(ring, slot + txStatus);
        if (status != Abi.TP_STATUS_AVAILABLE && status != Abi.TP_STATUS_WRONG_FORMAT && txPending > 0) {
            flush();
            status = (int) INT.getAcquire(ring, slot + txStatus);
        }
        if (status != Abi.TP_STATUS_AVAILABLE && status != Abi.TP_STATUS_WRONG_FORMAT) {
            txRejected++;
            return false;
        }
        if (vnet > 0) {
            ring.set(ValueLayout.JAVA_LONG_UNALIGNED, slot + txData, 0L);
            ring.set(ValueLayout.JAVA_SHORT_UNALIGNED, slot + txData + 8, (short) 0);
        }
        MemorySegment.copy(frame, offset, ring, slot + txData + vnet, length);
        int sent = length + vnet;
        if (v2) {
            ring.set(U32, slot + H2_SNAPLEN, sent);
            ring.set(U32, slot + H2_LEN, sent);
        } else {
            ring.set(U32, slot + H_NEXT, 0);
            ring.set(U32, slot + H_SNAPLEN, sent);
            ring.set(U32, slot + H_LEN, sent);
        }
        INT.setRelease(ring, slot + txStatus, Abi.TP_STATUS_SEND_REQUEST);
        txIndex = txIndex + 1 == txSlots ? 0 : txIndex + 1;
        txPending++;
        transmitted++;
        return true;
    }

    @Override
    public void flush() {
        if (txPending == 0) {
            return;
        }
        int pending = txPending;
        txPending = 0;
        if (send(MemorySegment.NULL, 0) == GONE) { // (when the kernel is only busy, the next flush sends them)
            txRejected += pending;
            transmitted -= pending;
        }
    }

    /**
     * sendto: -1 when the kernel cannot take it now (full), {@link #GONE} when it cannot any more: the
     * interface was deleted (ENXIO, ENODEV) or is down (ENETDOWN). Never throws: a worker keeps running and
     * reopens its sockets when the link is back.
     */
    private long send(MemorySegment data, int length) {
        try {
            return sys.sendto(fd, data, length, Abi.MSG_DONTWAIT, MemorySegment.NULL);
        } catch (NativeIoException e) {
            return GONE;
        }
    }

    @Override
    public long macAddress() {
        return mac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /**
     * Whether frames this host sends reach the ring's filter: false when outgoing frames are ignored
     * (PACKET_IGNORE_OUTGOING, or in a fanout group the group flag, which older kernels lack).
     */
    public boolean seesOutgoing() {
        return outgoingSeen;
    }

    /**
     * Has the interface take every multicast frame while this socket is open (PACKET_ADD_MEMBERSHIP,
     * PACKET_MR_ALLMULTI; {@code ip link} then shows ALLMULTI, and the kernel drops it with the socket): a card
     * filters multicast by the groups the host joined, and a neighbour solicitation for an address the host
     * does not have goes to a solicited-node group it never joined.
     */
    public void receiveAllMulticast() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mreq = a.allocate(Abi.PACKET_MREQ_SIZE, 4);
            mreq.set(U32, 0, ifindex);
            mreq.set(U16, 4, (short) Abi.PACKET_MR_ALLMULTI);
            sys.setsockopt(fd, Abi.SOL_PACKET, Abi.PACKET_ADD_MEMBERSHIP, mreq, "PACKET_ADD_MEMBERSHIP ALLMULTI");
        }
    }

    /** The bound interface's index. */
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

    /** Frames {@link #transmit} refused because the queue was full. */
    public long transmitRejected() {
        return txRejected;
    }

    /** The kernel's counters for this socket, summed since open. */
    public PacketStats statistics() {
        sys.getsockopt(fd, Abi.SOL_PACKET, Abi.PACKET_STATISTICS, statsBuf, statsLen, "PACKET_STATISTICS");
        statPackets += Integer.toUnsignedLong(statsBuf.get(U32, 0));
        statDrops += Integer.toUnsignedLong(statsBuf.get(U32, 4));
        statFreezes += Integer.toUnsignedLong(statsBuf.get(U32, 8));
        return new PacketStats(statPackets, statDrops, statFreezes);
    }

    /** Formats a MAC held as the low 48 bits, e.g. {@code 02:00:5e:00:01:02}. */
    public static String formatMac(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xff));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        sys.munmap(mapping);
        sys.close(fd);
        if (superFd >= 0) {
            sys.close(superFd);
        }
    }
}
