package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.core.io.FrameHandler;
import io.jlvs.sys.BpfFilter;
import io.jlvs.sys.RingPoller;
import io.jlvs.sys.XdpFlowMap;
import io.jlvs.sys.XdpMode;
import io.jlvs.sys.XdpSteering;
import io.jlvs.sys.XskSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One worker's AF_XDP sockets (copy mode), one per receive queue of each interface of the director, behind
 * one {@link XdpSteering} program per interface that redirects to the socket of the frame's queue only the
 * frames user space must see: those to a virtual address, and those from a NAT real server unless they are
 * for the director itself. The kernel's stack never sees them (no skb, no netfilter); everything else
 * passes. A received frame is handed over in its socket's UMEM; a transmitted one is copied into a free
 * transmit frame of the leaving link's queue-0 socket (the link chosen as {@link LinkGroupIo} does). Every
 * queue of every link is served by this one worker. Owner: the worker thread.
 *
 * <p>With a flow capacity the programs share one {@link XdpFlowMap} and this is the worker's
 * {@link FlowOffload}: an offloaded flow direction is rewritten and sent on by the program, its frames never
 * reach the socket.
 */
final class XdpLinkGroupIo implements WorkerLinks, FrameHandler, FlowOffload {
    /** Ring entries per socket: as many frames in flight as the AF_PACKET V2 ring holds. */
    static final int RING_SIZE = 4096;

    /** The largest MTU a link may have: a frame and its Ethernet header (and a VLAN tag) fit a UMEM frame. */
    static final int MAX_MTU = XskSocket.FRAME_SIZE - EthernetHeader.LENGTH - 4;

    private final List<String> interfaces;
    private final int pollMillis;
    private Set<IpAddress> local;
    private final XdpMode wantedMode;
    private final XdpSteering[] steering;
    /** Per link, one socket per receive queue; frames leaving by the link are sent on its queue 0's. */
    private final XskSocket[][] sockets;
    private RingPoller poller;
    private final long primaryMac;
    private final LinkEgress egress;
    private int mtu;
    private final XdpFlowMap flows;
    private final int[] ifindex;
    /** Ring drops of the sockets closed at a relink, so the sum never goes back. */
    private long retiredDrops;
    /** What the last {@link #steer} asked for, for the program of a re-created link. */
    private Set<IpAddress> destinations = Set.of();
    private Set<IpAddress> masqServers = Set.of();
    private Set<XdpSteering.ServerPort> masqPorts = Set.of();
    private FrameHandler handler;
    private int receivingLink;
    /** The link the last transmitted frame left by. */
    private int sendingLink;

    XdpLinkGroupIo(List<String> interfaces, int pollMillis, Set<IpAddress> local, KernelNeighbours neighbours) {
        this(interfaces, pollMillis, local, neighbours, null, 0);
    }

    /**
     * @param mode          where the programs run ({@link XdpMode#NATIVE}: natively when the driver can);
     *                      null: chosen per link ({@link #modeFor})
     * @param flowCapacity  flow directions the fast path holds; 0: no fast path
     */
    XdpLinkGroupIo(List<String> interfaces, int pollMillis, Set<IpAddress> local, KernelNeighbours neighbours,
                   XdpMode mode, int flowCapacity) {
        for (String name : interfaces) {
            int m = LinkGroupIo.linkMtu(name);
            if (m > MAX_MTU) {
                throw new IllegalStateException("packet data plane cannot start: AF_XDP I/O takes frames of at most "
                        + XskSocket.FRAME_SIZE + " bytes, but " + name + " has MTU " + m + " (at most " + MAX_MTU
                        + "); use --packet-io af_packet");
            }
        }
        this.interfaces = List.copyOf(interfaces);
        this.pollMillis = pollMillis;
        this.local = Set.copyOf(local);
        this.wantedMode = mode;
        int n = interfaces.size();
        this.steering = new XdpSteering[n];
        this.sockets = new XskSocket[n][];
        long[] macs = new long[n];
        this.ifindex = new int[n];
        this.flows = flowCapacity > 0 ? XdpFlowMap.create(flowCapacity) : null;
        try {
            for (int i = 0; i < n; i++) {
                open(i);
                macs[i] = sockets[i][0].macAddress();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.poller = new RingPoller(socketCount());
        this.primaryMac = macs[0];
        this.egress = new LinkEgress(neighbours, macs);
        this.mtu = currentMtu();
    }

    /**
     * The program and the sockets on link {@code i} as it is now: all or nothing (what was opened is closed
     * again when a step fails); the link's old ones, if any, are closed after the new ones are in place.
     */
    private void open(int i) {
        String name = interfaces.get(i);
        if (sockets[i] != null && LinkGroupIo.linkIndex(name) != ifindex[i]) {
            // the old link is gone: its program and UMEMs go first (UMEM registration counts against the
            // locked-memory limit; the new sockets might not fit beside the old ones)
            retire(i);
        }
        int queues = receiveQueues(name);
        int ring = ringSize(queues);
        XskSocket[] fresh = new XskSocket[queues];
        XdpSteering program = null;
        try {
            program = XdpSteering.attach(name, modeFor(name, wantedMode), flows);
            for (int q = 0; q < queues; q++) {
                fresh[q] = XskSocket.open(name, q, ring, pollMillis);
                program.register(q, fresh[q]);
            }
            program.steerExactly(destinations, masqServers, masqPorts, local);
        } catch (RuntimeException e) {
            for (XskSocket s : fresh) {
                if (s != null) {
                    s.close();
                }
            }
            if (program != null) {
                program.close();
            }
            throw e;
        }
        retire(i);
        steering[i] = program;
        sockets[i] = fresh;
        ifindex[i] = program.ifindex();
    }

    /** Closes link {@code i}'s program and sockets, keeping their ring drops; the link has none after. */
    private void retire(int i) {
        XdpSteering oldProgram = steering[i];
        XskSocket[] oldSockets = sockets[i];
        steering[i] = null;
        sockets[i] = new XskSocket[0];
        if (oldProgram != null) {
            try {
                oldProgram.close();
            } catch (RuntimeException e) {
                // its link is gone with it; nothing else to release
            }
        }
        if (oldSockets != null) {
            for (XskSocket s : oldSockets) {
                try {
                    var st = s.statistics();
                    retiredDrops += st.rxRingFull() + st.fillRingEmpty() + st.rxDropped();
                } catch (RuntimeException e) {
                    // a socket of a deleted link may not answer: its drops are lost, it is closed all the same
                }
                s.close();
            }
        }
    }

    private int socketCount() {
        int total = 0;
        for (XskSocket[] link : sockets) {
            total += link.length;
        }
        return total;
    }

    /** The smallest MTU of the links now (the sockets' frames fit {@link #MAX_MTU} at most). */
    private int currentMtu() {
        int min = Integer.MAX_VALUE;
        for (String name : interfaces) {
            min = Math.min(min, Math.min(MAX_MTU, LinkGroupIo.linkMtu(name)));
        }
        return min;
    }

    /** The receive queues of {@code name} (its {@code /sys/class/net/NAME/queues/rx-N}), at least 1. */
    static int receiveQueues(String name) {
        try (Stream<Path> q = Files.list(Path.of("/sys/class/net", name, "queues"))) {
            return (int) Math.max(1, q.filter(p -> p.getFileName().toString().startsWith("rx-")).count());
        } catch (IOException | UncheckedIOException e) {
            return 1;
        }
    }

    /**
     * Ring entries per socket with {@code queues} sockets on a link: the link's frames in flight stay
     * about {@link #RING_SIZE} (UMEM 2 × entries × 2 KiB per socket), at least 512 per socket.
     */
    static int ringSize(int queues) {
        return Math.max(512, Integer.highestOneBit(RING_SIZE / Math.max(1, queues)));
    }

    /**
     * Where the program on {@code name} runs when not told ({@code wanted} null): natively when the driver
     * can, except that with the fast path a link with no device behind it (veth and
     * the like: no {@code /sys/class/net/NAME/device}) gets generic mode: a veth takes natively redirected
     * frames only when its peer runs NAPI (an XDP program or GRO on the far end, which the director cannot
     * see or arrange), and drops them otherwise; generic mode sends them as socket buffers, which always
     * works. Steering alone redirects into a socket, not a device, and keeps native mode.
     */
    private XdpMode modeFor(String name, XdpMode wanted) {
        if (wanted != null) {
            return wanted;
        }
        // with the fast path, native only when every link has a device behind it: a native redirect into a
        // link running generic (or a VLAN, bond, bridge) would be dropped without a word
        return flows == null || interfaces.stream().allMatch(i -> Files.exists(Path.of("/sys/class/net", i, "device")))
                ? XdpMode.NATIVE : XdpMode.GENERIC;
    }

    /**
     * Link {@code link} was deleted and created again: a new program and new sockets on it (the old ones
     * went with the old link), steering what the last {@link #steer} asked for. With its interface index
     * unchanged (a new MTU), only the MTU is taken: the UMEM frames already hold {@link #MAX_MTU}, which
     * {@code PacketDirector} checks before it asks. Flows on the fast path that leave by the old link must
     * be forgotten by the caller ({@code Dataplane.linksReopened}).
     */
    @Override
    public void relink(int link, int generation) {
        if (LinkGroupIo.linkIndex(interfaces.get(link)) != ifindex[link] || sockets[link].length == 0) {
            open(link);
            egress.mac(link, sockets[link][0].macAddress());
        }
        mtu = currentMtu();
    }

    @Override
    public void steer(Set<IpAddress> destinations, Set<IpAddress> masqServers, Set<XdpSteering.ServerPort> masqPorts,
                      BpfFilter filter) {
        this.destinations = Set.copyOf(destinations);
        this.masqServers = Set.copyOf(masqServers);
        this.masqPorts = Set.copyOf(masqPorts);
        for (XdpSteering s : steering) {
            if (s != null) {
                s.steerExactly(destinations, masqServers, masqPorts, local);
            }
        }
    }

    @Override
    public void ownAddresses(Set<IpAddress> addresses) {
        local = Set.copyOf(addresses);
        for (XdpSteering s : steering) {
            if (s != null) {
                s.steerExactly(destinations, masqServers, masqPorts, local);
            }
        }
    }

    @Override
    public long ringDrops() {
        long sum = retiredDrops;
        for (XskSocket[] link : sockets) {
            for (XskSocket s : link) {
                var st = s.statistics();
                sum += st.rxRingFull() + st.fillRingEmpty() + st.rxDropped();
            }
        }
        return sum;
    }

    @Override
    public int receive(FrameHandler h, int max) {
        this.handler = h;
        int n = 0;
        for (int i = 0; i < sockets.length; i++) {
            receivingLink = i;
            for (XskSocket s : sockets[i]) {
                n += s.receiveReady(this, max);
            }
        }
        return n;
    }

    @Override
    public void awaitFrames() {
        if (socketCount() > poller.capacity()) {
            // a re-created link with more receive queues
            RingPoller larger = new RingPoller(socketCount());
            poller.close();
            poller = larger;
        }
        poller.clear();
        for (XskSocket[] link : sockets) {
            for (XskSocket s : link) {
                poller.add(s);
            }
        }
        poller.await(pollMillis);
    }

    @Override
    public void onFrame(MemorySegment frame, long offset, int length) {
        if (egress.accepts(frame, offset, length, receivingLink)) {
            handler.onFrame(frame, offset, length);
        }
    }

    /** AF_XDP runs one worker behind the XDP program: there is no fanout group to program. */
    @Override
    public void fanoutProgram(BpfFilter program, boolean install) {
    }

    @Override
    public LinkEgress egress() {
        return egress;
    }

    @Override
    public boolean transmit(MemorySegment frame, long offset, int length) {
        sendingLink = egress.route(frame, offset, length, receivingLink);
        XskSocket[] out = sockets[sendingLink];
        return out.length > 0 && out[0].transmit(frame, offset, length);
    }

    /** The fast path, or null when there is none. */
    FlowOffload flowOffload() {
        return flows != null ? this : null;
    }

    @Override
    public boolean offload(int owner, int protocol, int src, int sport, int dst, int dport, MemorySegment frame,
                           long offset, int encap) {
        return flows != null && FastPathEntry.put(flows, owner, protocol, src, sport, dst, dport, frame, offset,
                encap, ifindex[sendingLink], mtu);
    }

    @Override
    public int readAll(XdpFlowMap.CountSink sink) {
        return flows.readAll(sink);
    }

    @Override
    public boolean forget(int protocol, int src, int sport, int dst, int dport, long[] counts) {
        return flows.take(protocol, src, sport, dst, dport, counts);
    }

    @Override
    public void flush() {
        for (XskSocket[] link : sockets) {
            if (link.length > 0) {
                link[0].flush();
            }
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

    List<String> interfaces() {
        return interfaces;
    }

    /** Closes the sockets and detaches the programs. */
    @Override
    public void close() {
        if (poller != null) {
            poller.close();
        }
        for (int i = 0; i < steering.length; i++) {
            if (steering[i] != null) {
                steering[i].close();
                steering[i] = null;
            }
            if (sockets[i] != null) {
                for (XskSocket s : sockets[i]) {
                    s.close();
                }
                sockets[i] = null;
            }
        }
        if (flows != null) {
            flows.close();
        }
    }
}
