package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.core.io.FrameHandler;
import io.jlvs.core.io.PacketIo;
import io.jlvs.sys.AfPacketConfig;
import io.jlvs.sys.AfPacketIo;
import io.jlvs.sys.BpfFilter;
import io.jlvs.sys.RingPoller;
import io.jlvs.sys.RingVersion;
import io.jlvs.sys.TxMode;
import io.jlvs.sys.XdpSteering;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One worker's AF_PACKET sockets, one per interface of the director, seen by its {@link Dataplane} as a
 * single {@link PacketIo}: {@link #receive} hands over the frames ready on every link in turn without
 * waiting; when there were none the worker calls {@link #awaitFrames}, which waits on all the links' sockets
 * with one {@code poll} ({@link RingPoller}), so that it picks up a new snapshot after waking and before
 * handling what woke it. A transmitted frame leaves on
 * the link where its destination MAC was resolved ({@link KernelNeighbours#linkOf}), else on the link the
 * frame being handled came in on (ARP replies, ICMP errors), with that link's MAC as Ethernet source.
 *
 * <p>Every socket joins a PACKET_FANOUT group per interface, even with one worker. A new packet filter
 * replaces the old one in place on each socket ({@link #replaceFilter}): the kernel swaps it atomically, so
 * no frame is lost or duplicated and the fanout group keeps its members in the same order. Owner: the worker
 * thread.
 */
final class LinkGroupIo implements WorkerLinks, FrameHandler, FastPathLinks.SendingLink {
    /** Transmit ring slots per socket (TX_RING): 2 MiB of 2 KiB slots, a few receive batches' worth. */
    private static final int TX_FRAMES = 1024;
    /**
     * TPACKET_V2 receive ring: 32 blocks of 256 KiB = 4,096 slots of 2 KiB (a V2 slot holds one frame
     * whatever its size, so the V3 default of 16 blocks would hold only 2,048 frames).
     */
    private static final int V2_BLOCKS = 32;

    private final List<String> interfaces;
    private final int fanoutBase;
    private BpfFilter fanoutProgram;
    private final int pollMillis;
    private final RingVersion ringVersion;
    private final TxMode txMode;
    private final boolean qdiscBypass;
    private final RingPoller poller;
    private final AfPacketIo[] current;
    /** Per link, how many times it was re-created (its fanout group changes each time). */
    private final int[] generations;
    private final long primaryMac;
    private final LinkEgress egress;
    private int mtu;
    private BpfFilter filter;
    private FrameHandler handler;
    private int receivingLink;
    /** The link the last transmitted frame left by. */
    private int sendingLink;
    private long rxSwaps;
    /** Every socket, re-created ones too, has its link take all multicast ({@link #receiveAllMulticast}). */
    private boolean allMulticast;

    /**
     * @param fanoutProgram with more than one worker, the program that keeps a NAT connection's two directions
     *                      on one worker ({@link io.jlvs.sys.ClientFanout}); null: the kernel's flow hash
     */
    LinkGroupIo(List<String> interfaces, int fanoutBase, int pollMillis, RingVersion ringVersion, TxMode txMode,
                boolean qdiscBypass, BpfFilter filter, BpfFilter fanoutProgram, KernelNeighbours neighbours) {
        this.interfaces = List.copyOf(interfaces);
        this.fanoutBase = fanoutBase;
        this.fanoutProgram = fanoutProgram;
        this.pollMillis = pollMillis;
        this.ringVersion = ringVersion;
        this.txMode = txMode;
        this.qdiscBypass = qdiscBypass;
        this.poller = new RingPoller(interfaces.size());
        int n = interfaces.size();
        this.filter = filter;
        this.current = new AfPacketIo[n];
        this.generations = new int[n];
        long[] macs = new long[n];
        int minMtu = Integer.MAX_VALUE;
        try {
            for (int i = 0; i < n; i++) {
                current[i] = open(i, filter);
                macs[i] = current[i].macAddress();
                minMtu = Math.min(minMtu, current[i].mtu());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.primaryMac = macs[0];
        this.egress = new LinkEgress(neighbours, macs);
        this.mtu = minMtu;
    }

    /**
     * The fanout group of link {@code link}: one per link, and a new one each time the link is re-created
     * (a group stays tied to the interface it was made on while any worker's old socket is still in it).
     */
    private int fanoutGroup(int link) {
        return (fanoutBase + link + (generations[link] << 4)) & 0xffff;
    }

    private AfPacketIo open(int link, BpfFilter filter) {
        AfPacketConfig.Builder b = AfPacketConfig.forInterface(interfaces.get(link))
                .frameSizeForMtu(linkMtu(interfaces.get(link)))
                .fanout(fanoutGroup(link))
                .pollTimeoutMillis(pollMillis)
                .ringVersion(ringVersion)
                .txMode(txMode)
                .qdiscBypass(qdiscBypass)
                .txFrames(TX_FRAMES)
                .blockTimeoutMillis(1)
                .segmentationOffload(true);
        if (ringVersion == RingVersion.TPACKET_V2) {
            b.ring(1 << 18, V2_BLOCKS);
        }
        if (filter != null) {
            b.filter(filter);
        }
        if (fanoutProgram != null) {
            b.fanoutProgram(fanoutProgram);
        }
        AfPacketIo io = AfPacketIo.open(b.build());
        if (allMulticast) {
            try {
                io.receiveAllMulticast();
            } catch (RuntimeException e) {
                io.close();
                throw e;
            }
        }
        return io;
    }

    /**
     * Every link takes all multicast frames while its sockets are open (answering neighbour solicitations for
     * virtual addresses the host does not have: they go to solicited-node groups the host never joined, which
     * a card's multicast filter would drop).
     */
    void receiveAllMulticast() {
        allMulticast = true;
        for (AfPacketIo io : current) {
            io.receiveAllMulticast();
        }
    }

    /** The MTU of {@code name} ({@code /sys/class/net/NAME/mtu}), 1500 when unreadable. */
    static int linkMtu(String name) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "mtu")).strip());
        } catch (IOException | NumberFormatException e) {
            return 1500;
        }
    }

    /** The interface index of {@code name} now (its {@code /sys/class/net/NAME/ifindex}); 0 when it is gone. */
    static int linkIndex(String name) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "ifindex")).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The interface index of link {@code i} (to match neighbours). */
    int interfaceIndex(int i) {
        return current[i].interfaceIndex();
    }

    int links() {
        return current.length;
    }

    /** Worker thread: every socket gets {@code filter} in place (null: every frame). */
    void replaceFilter(BpfFilter filter) {
        this.filter = filter;
        for (AfPacketIo io : current) {
            io.replaceFilter(filter);
        }
        rxSwaps++;
    }

    @Override
    public void relink(int link, int generation) {
        generations[link] = generation & 0xf;
        AfPacketIo fresh = open(link, filter);
        current[link].close();
        current[link] = fresh;
        egress.mac(link, fresh.macAddress());
        int min = Integer.MAX_VALUE;
        for (AfPacketIo io : current) {
            min = Math.min(min, io.mtu());
        }
        mtu = min;
    }

    @Override
    public void steer(Set<IpAddress> destinations, Set<IpAddress> masqServers, Set<XdpSteering.ServerPort> masqPorts,
                      BpfFilter filter) {
        replaceFilter(filter);
    }

    long filterSwaps() {
        return rxSwaps;
    }

    /** Kernel ring drops summed over the current sockets. */
    @Override
    public long ringDrops() {
        long sum = 0;
        for (AfPacketIo io : current) {
            sum += io.statistics().drops();
        }
        return sum;
    }

    @Override
    public int receive(FrameHandler h, int max) {
        this.handler = h;
        int n = 0;
        for (int i = 0; i < current.length; i++) {
            receivingLink = i;
            n += current[i].receiveReady(this, max);
        }
        return n;
    }

    /** Waits until a frame is ready on one of the links, at most the poll interval. */
    @Override
    public void awaitFrames() {
        poller.clear();
        for (AfPacketIo io : current) {
            poller.add(io);
        }
        poller.await(pollMillis);
    }

    @Override
    public void onFrame(MemorySegment frame, long offset, int length) {
        if (egress.accepts(frame, offset, length, receivingLink)) {
            handler.onFrame(frame, offset, length);
        }
    }

    @Override
    public int receivedSegmentSize() {
        return current[receivingLink].receivedSegmentSize();
    }

    @Override
    public void fanoutProgram(BpfFilter program, boolean install) {
        if (fanoutProgram == null || program == null) {
            return; // one worker: the kernel's flow hash, no program to replace
        }
        fanoutProgram = program;
        if (install) {
            for (AfPacketIo io : current) {
                io.replaceFanoutProgram(program);
            }
        }
    }

    @Override
    public LinkEgress egress() {
        return egress;
    }

    @Override
    public boolean transmit(MemorySegment frame, long offset, int length) {
        sendingLink = egress.route(frame, offset, length, receivingLink);
        return current[sendingLink].transmit(frame, offset, length);
    }

    @Override
    public boolean transmitSuperPacket(MemorySegment frame, long offset, int length, int l4Offset, int headerLength,
                                       int segmentSize) {
        sendingLink = egress.route(frame, offset, length, receivingLink);
        return current[sendingLink].transmitSuperPacket(frame, offset, length, l4Offset, headerLength, segmentSize);
    }

    /** The interface index of the link the last transmitted frame left by. */
    @Override
    public int sendingIfindex() {
        return current[sendingLink].interfaceIndex();
    }

    @Override
    public void flush() {
        for (AfPacketIo io : current) {
            io.flush();
        }
    }

    @Override
    public long macAddress() {
        return primaryMac;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** Names of the interfaces, in link order. */
    List<String> interfaces() {
        return new ArrayList<>(interfaces);
    }

    @Override
    public void close() {
        poller.close();
        for (int i = 0; i < current.length; i++) {
            if (current[i] != null) {
                current[i].close();
                current[i] = null;
            }
        }
    }
}
