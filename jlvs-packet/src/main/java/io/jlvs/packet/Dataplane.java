package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.InboundVerdict;
import io.jlvs.conn.PersistenceKeys;
import io.jlvs.conn.SctpState;
import io.jlvs.conn.TcpState;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.io.FrameHandler;
import io.jlvs.core.io.PacketIo;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.stats.IpvsCounters;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.engine.ConnectionSource;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncEventRing;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The userspace IPVS data plane (IPv4 here; IPv6 DR and NAT in {@link Ipv6Forwarder}): one instance per worker thread, owning its
 * connection table. Each received frame is validated, matched to a virtual service or to a MASQ
 * connection's reply, and forwarded by the real server's method (MASQ, DROUTE, TUNNEL with IPIP, GUE or
 * GRE), or dropped and counted by {@link DropReason}, or passed (left to the kernel). Frames are rewritten in
 * place; tunnelled packets and ICMP errors are built in a scratch buffer. Nothing is allocated per frame.
 * Given a {@link FlowOffload} ({@link #offloadTo}), the later packets of established MASQ, DROUTE and
 * TUNNEL flows (IPIP, GUE and GRE without checksum) may be forwarded below user space; the worker accounts
 * for them and keeps every IPVS decision.
 *
 * <p><b>Owner: the worker thread</b> that calls {@link #runOnce} / {@link #poll} / {@link #onFrame}.
 * Other threads may call {@link #publish}, {@link #fwmarkClassifier}, {@link #syncTo}, {@link #offerSynced}
 * and {@link #collect} (which asks the worker through a bounded queue). Counter getters read plain fields: from other threads they may lag.
 */
public final class Dataplane implements FrameHandler, ConnectionSource {
    private static final DropReason[] REASONS = DropReason.values();
    private static final int RECEIVE_BATCH = 64;
    private static final long LIST_TIMEOUT_MILLIS = 2000;
    static final byte M_MASQ = 1;
    static final byte M_DROUTE = 2;
    static final byte M_TUNNEL = 3;
    static final byte M_GUE = 4;
    static final byte M_GUE_CSUM = 5;
    static final byte M_GRE = 6;
    static final byte M_GRE_CSUM = 7;
    private static final int IPIP_OVERHEAD = Ipv4Header.MIN_LENGTH;
    private static final int GUE_OVERHEAD = Ipv4Header.MIN_LENGTH + UdpHeader.LENGTH + Egress.GUE_HEADER;
    private static final int GRE_OVERHEAD = Ipv4Header.MIN_LENGTH + Egress.GRE_HEADER;
    private static final int GRE_CSUM_OVERHEAD = Ipv4Header.MIN_LENGTH + Egress.GRE_CSUM_HEADER;
    private static final int SYNC_QUEUE = 4096;
    /** The largest frame a segment of a super-packet can need: an IPv4 packet of 64 KiB, tagged. */
    private static final int MAX_SUPER_PACKET = 65536 + 18;
    private static final int TCP_SYNC_STATES = 1 << TcpState.ESTABLISHED | 1 << TcpState.FIN_WAIT
            | 1 << TcpState.CLOSE | 1 << TcpState.CLOSE_WAIT | 1 << TcpState.TIME_WAIT;
    private static final int SCTP_SYNC_STATES = 1 << SctpState.ESTABLISHED | 1 << SctpState.SHUTDOWN_SENT
            | 1 << SctpState.SHUTDOWN_RECEIVED | 1 << SctpState.SHUTDOWN_ACK_SENT | 1 << SctpState.CLOSED;

    private final PacketIo io;
    private final DataplaneConfig config;
    private final NeighbourTable neighbours;
    private final LongSupplier clock;
    private int mtu;
    /** Owner: the worker thread. */
    private final ConnTable table;
    /** Per connection id: its service's counters, virtual address and forwarding method. */
    private final IpvsCounters[] connService;
    private final int[] connVirtual;
    private final byte[] connMethod;
    /** Per connection id, for the sync master: client packets seen, the state last sent, the fwmark. */
    private final int[] connInPkts;
    private final byte[] connOldState;
    private final int[] connMark;
    /** Records received by the sync backup, applied by the worker at its next poll. */
    private final ArrayBlockingQueue<SyncConn> syncIn = new ArrayBlockingQueue<>(SYNC_QUEUE);
    private final long[] syncDrops = new long[SyncDropReason.values().length];
    private volatile SyncEventRing publishedSync;
    private SyncEventRing sync;
    /** A template's persistence-engine data on its way to {@link #sync}. */
    private final byte[] syncPeData = new byte[SyncProtocol.PE_DATA_MAXLEN];
    private long syncApplied;
    private final Egress egress;
    /** IPv6 frames (EtherType 0x86DD): DR and NAT over this worker's table. */
    private final Ipv6Forwarder ipv6;
    /** With answerArp: neighbour solicitations for IPv6 virtual addresses, answered before {@link #ipv6}. */
    private final NeighbourResponder neighbourResponder;
    /** IPVS's drop_entry, drop_packet and secure_tcp for this worker's table, looked at once a second. */
    private final Defense defense = new Defense();
    private long nextDefenseCheck;
    /** Linux's ICMP rate limits on the errors {@link #egress} originates. */
    private final IcmpRateLimit icmpLimit;
    private NeighbourQueue unresolved;
    private final NeighbourQueue.Sink resolved = new NeighbourQueue.Sink() {
        @Override
        public void send(MemorySegment frames, long offset, int length, long mac, boolean counted) {
            if (egress.inPlace(frames, offset, length, mac)) {
                forwarded += counted ? 1 : 0;
            } else if (counted) {
                drop(DropReason.TX_FULL);
            }
        }

        @Override
        public void expired(boolean counted) {
            if (counted) {
                drop(DropReason.NO_NEIGHBOUR);
            }
        }
    };
    private final FlowKey flow = new FlowKey();
    private final SipPersistence sip;
    private final long[] drops = new long[REASONS.length];
    private final ArrayBlockingQueue<CompletableFuture<List<ConnectionView>>> listRequests =
            new ArrayBlockingQueue<>(8);
    private volatile ServiceTable published = ServiceTable.EMPTY;
    private volatile FwmarkClassifier publishedMarks = FwmarkClassifier.NONE;
    private volatile Thread owner;
    /** The connections a fast path forwards, or null (no fast path). */
    private OffloadedFlows offloaded;
    /** IPVS's FTP helper for MASQ connections to its ports, or null (off, as ip_vs_ftp not loaded). */
    private final FtpHelper ftp;

    private ServiceTable services = ServiceTable.EMPTY;
    private FwmarkClassifier marks = FwmarkClassifier.NONE;
    private long now;
    private long frames;
    private long forwarded;
    private long forwarded6;
    private long routed;
    private volatile boolean routeUnclaimed;
    /** The XDP program takes every fragment to a VIP or from a NAT real server (AF_XDP): the kernel sees none. */
    private volatile boolean fragmentsFromXdp;
    private static final long MULTICAST_BIT = 1L << 40;
    /** The SCTP ABORT chunk type. */
    private static final int SCTP_ABORT = 6;
    private volatile int[] publishedOwn = new int[0];
    /** IPVS sysctls changed while running, taken by the worker at its next poll; null: the config's. */
    private volatile ConnTableSettings publishedSettings;
    private int[] ownAddresses = new int[0];
    private long replied;
    private long passed;
    private long fastPathPackets;
    /** The frame being handled came with a transport checksum left for the card, finished here. */
    private boolean partialChecksum;
    private long checksumsCompleted;
    /** Cuts TCP super-packets from senders on this host into their segments. */
    private final TcpSegmenter segmenter = new TcpSegmenter(MAX_SUPER_PACKET);
    /** The frame being handled is a segment of a super-packet. */
    private boolean superPacket;
    /** The frame being handled is a whole super-packet of segments of this size (0: it is not). */
    private int superSize;
    /** Its IP and TCP header bytes. */
    private int superOverhead;
    private long superPacketsWhole;
    private long segmentedPackets;
    /** Cuts a packet without DF that does not fit the MTU into fragments, as the kernel's IP output. */
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter(MAX_SUPER_PACKET);
    /** The packet being handled left as fragments (its frame is not what went out). */
    private boolean sentAsFragments;
    private long fragmentedPackets;
    /** Puts fragments to virtual services and from NAT real servers together (AF_XDP hands them over as they came). */
    private final Ipv4Reassembly reassembly = new Ipv4Reassembly();
    private long reassembled;
    private Verdict lastVerdict;
    private DropReason lastDrop;
    /** What {@link #pick} found: the template used or made, or why there is no real server. */
    private int pickedTemplate;
    private DropReason pickFailure;

    // The packet being handled (worker thread only).
    private long ip;
    private int ihl;
    private int total;
    private int proto;
    private int src;
    private int dst;
    private long l4;
    private int l4len;
    private int sport;
    private int dport;
    private int info;

    public Dataplane(PacketIo io, DataplaneConfig config, NeighbourTable neighbours, LongSupplier nanoClock) {
        this.io = io;
        this.config = config;
        this.neighbours = neighbours;
        this.clock = nanoClock;
        this.mtu = io.mtu();
        this.now = nanoClock.getAsLong();
        this.table = new ConnTable(config.connCapacity(), config.connSettings(), ServiceTable.EMPTY.timeouts(),
                config.tableSeed(), now);
        this.sip = new SipPersistence(table);
        this.connService = new IpvsCounters[config.connCapacity()];
        this.connVirtual = new int[config.connCapacity()];
        this.connMethod = new byte[config.connCapacity()];
        this.connInPkts = new int[config.connCapacity()];
        this.connOldState = new byte[config.connCapacity()];
        this.connMark = new int[config.connCapacity()];
        this.icmpLimit = new IcmpRateLimit(config.icmpLimits(), now);
        this.egress = new Egress(io, config.firstIpId(), icmpLimit);
        this.unresolved = new NeighbourQueue(mtu + EthernetHeader.LENGTH + 4);
        this.ftp = config.ftpPorts().isEmpty() ? null : new FtpHelper(
                config.ftpPorts().stream().mapToInt(Integer::intValue).toArray(), config.connCapacity(), table,
                this::openDataConnection, config.ftpPassivePorts());
        this.ipv6 = new Ipv6Forwarder(io, table, connService, connMethod, connInPkts, connOldState, connMark,
                neighbours, egress, defense, icmpLimit, this::clientPacket, ftp);
        this.neighbourResponder = new NeighbourResponder(io);
    }

    /** Follows the engine's snapshots and lists this worker's connections in the engine's -Lc. */
    public void attachTo(IpvsEngine engine) {
        engine.addSnapshotListener(this::publish);
        engine.addConnectionSource(this);
    }

    /** Any thread: compiles a snapshot; the worker switches to it at its next batch. */
    public void publish(ForwardingSnapshot snapshot) {
        published = new ServiceTable(snapshot, config.ftpPorts(), config.ftpPassivePorts());
    }

    /** Any thread: the rules that stand in for netfilter marks, used from the next batch. */
    public void fwmarkClassifier(FwmarkClassifier classifier) {
        publishedMarks = classifier;
    }

    /**
     * Any thread: as a sync master, queue created and changed connections on {@code ring} (the kernel's
     * rules: see docs/sync.md); null stops. The worker sees it at its next batch.
     */
    public void syncTo(SyncEventRing ring) {
        publishedSync = ring;
    }

    /**
     * Any thread: a record received by the sync backup, applied by the worker at its next poll.
     *
     * @return false when the queue is full (the record is dropped; count it as QUEUE_FULL)
     */
    public boolean offerSynced(SyncConn conn) {
        return syncIn.offer(conn);
    }

    /** Received sync records applied to the connection table (created or refreshed). */
    public long syncApplied() {
        return syncApplied;
    }

    /** Received sync records this worker could not apply, by reason. */
    public long syncDrops(SyncDropReason reason) {
        return syncDrops[reason.ordinal()];
    }

    /**
     * Before the worker runs: lets {@code offload} forward the later packets of an established MASQ,
     * DROUTE or TUNNEL (IPIP, GUE or GRE without checksum) connection direction (TCP ESTABLISHED or UDP) once
     * {@code afterPackets} packets of the connection passed this worker; null (the default) for none. What the fast path forwarded is added
     * to the statistics and refreshes the connection's timer every second. Every decision stays the
     * worker's: a FIN or RST it sees, the connection's removal, a new snapshot of the services and a
     * drop for a removed real server (or a TUN real server's new tunnel port, type or checksum) forget the
     * connection's directions.
     */
    void offloadTo(FlowOffload offload, int afterPackets) {
        if (offloaded != null) {
            offloaded.forgetAll();
        }
        if (offload == null) {
            offloaded = null;
            table.onRemove(null);
            return;
        }
        OffloadedFlows o = new OffloadedFlows(offload, table, new FastPathSink(), afterPackets, now);
        offloaded = o;
        table.onRemove(o::removed);
    }

    // ---------------------------------------------------------------- worker loop

    /** The worker thread's body: {@link #runOnce} until {@code running} says stop. */
    public void run(BooleanSupplier running) {
        owner = Thread.currentThread();
        while (running.getAsBoolean()) {
            runOnce();
        }
    }

    /** One worker step: receive and handle up to a batch of frames, flush, then {@link #poll}. */
    public int runOnce() {
        long t = clock.getAsLong();
        now = t;
        refresh();
        int n = io.receive(this, RECEIVE_BATCH);
        if (!unresolved.isEmpty()) {
            unresolved.drain(neighbours, t, resolved);
        }
        io.flush();
        poll(t);
        return n;
    }

    /** Housekeeping at {@code nowNanos}: answers listing requests and runs the expiry timers with a budget. */
    public void poll(long nowNanos) {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        now = nowNanos;
        refresh();
        CompletableFuture<List<ConnectionView>> request;
        SyncConn synced;
        int budget = SYNC_QUEUE;
        while (budget-- > 0 && (synced = syncIn.poll()) != null) {
            applySynced(synced);
        }
        if (offloaded != null) {
            offloaded.sweep(nowNanos, neighbours);
        }
        while ((request = listRequests.poll()) != null) {
            request.complete(table.list(nowNanos));
        }
        if (nowNanos - nextDefenseCheck >= 0) {
            nextDefenseCheck = nowNanos + 1_000_000_000L;
            defense.tick(table.settings().defense(), table, connInPkts, nowNanos);
            drops[DropReason.FRAGMENT.ordinal()] += reassembly.expire(nowNanos);
            drops[DropReason.FRAGMENT.ordinal()] += ipv6.fragments().expire(nowNanos);
        }
        table.expire(nowNanos, config.expireBudget());
    }

    /** Connections IPVS's drop_entry defence dropped. */
    public long defenseDroppedEntries() {
        return defense.droppedEntries();
    }

    private void refresh() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        ServiceTable p = published;
        boolean changed = p != services;
        if (changed) {
            services = p;
            table.timeouts(p.timeouts());
        }
        marks = publishedMarks;
        ownAddresses = publishedOwn;
        ConnTableSettings cs = publishedSettings;
        if (cs != null && cs != table.settings()) {
            if (offloaded != null && !cs.forwarding().pmtuDisc() && table.settings().forwarding().pmtuDisc()) {
                // pmtu_disc turned off: offloaded tunnels' outer headers carry DF; back to the worker
                offloaded.forgetAll();
            }
            table.settings(cs);
        }
        sync = publishedSync;
        if (changed && offloaded != null) {
            // a removed real server's connections: expire_nodest_conn (or the drop without it) is the
            // worker's to apply; weights only steer new connections, which the worker schedules anyway
            offloaded.forgetRemovedDestinations();
        }
    }

    /**
     * Lists connections and templates for -Lc. On the worker thread (or before it started) directly;
     * from another thread through the worker, waiting for its next poll (up to 2 s; nothing is added
     * when it does not answer).
     */
    @Override
    public void collect(List<ConnectionView> into) {
        Thread o = owner;
        if (o == null || o == Thread.currentThread()) {
            into.addAll(table.list(now));
            return;
        }
        CompletableFuture<List<ConnectionView>> f = new CompletableFuture<>();
        if (!listRequests.offer(f)) {
            return;
        }
        try {
            into.addAll(f.get(LIST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the worker did not answer in time: list nothing from it
        }
    }

    // ---------------------------------------------------------------- counters

    /**
     * Worker thread: the links' sockets were reopened (a link re-created, or its MTU changed): frames are
     * checked against the MTU the I/O has now; a larger one gets a larger queue for frames waiting for a
     * neighbour (the few waiting in the old one are dropped). Every connection on the XDP fast path comes
     * back to the worker (accounted first), to be offloaded again with the links as they are now.
     */
    public void linksReopened() {
        refreshMtu();
        if (offloaded != null) {
            // the fast path's entries name the interfaces they leave by: a re-created link has a new index
            offloaded.forgetAll();
        }
    }

    private void refreshMtu() {
        int now = io.mtu();
        if (now > mtu) {
            unresolved = new NeighbourQueue(now + EthernetHeader.LENGTH + 4);
        }
        mtu = now;
    }

    public long frames() {
        return frames;
    }

    public long forwarded() {
        return forwarded;
    }

    /** IPv6 frames this worker forwarded (Ipv6Forwarder's FORWARD verdicts; with several workers, its clients'). */
    public long forwardedIpv6() {
        return forwarded6;
    }

    /** Packets the fast path forwarded for this worker's connections, as accounted so far (once a second). */
    public long fastPathPackets() {
        return fastPathPackets;
    }

    /**
     * TCP and UDP segments that arrived with their checksum left for the network card (a sender on this
     * host, over veth or a bridge with checksum offload) and were finished by the worker.
     */
    public long checksumsCompleted() {
        return checksumsCompleted + ipv6.checksumsCompleted();
    }

    /**
     * TCP super-packets (GSO: a sender on this host over veth with TSO/GSO on) cut into the segments their
     * sender meant, each then handled as a frame.
     */
    public long segmentedPackets() {
        return segmentedPackets + ipv6.segmentedPackets();
    }

    /**
     * Datagrams put together from their fragments by this worker: IPv4 with AF_XDP (with AF_PACKET the kernel
     * does it), IPv6 with either.
     */
    public long reassembledPackets() {
        return reassembled + ipv6.fragments().reassembled();
    }

    /**
     * Fragments that went into a datagram put together here but for the last, which took the datagram's
     * verdict: {@code frames} = forwarded + replied + passed + drops + this + fragments still held.
     */
    public long mergedFragments() {
        return reassembly.merged() + ipv6.fragments().merged();
    }

    /**
     * Packets without DF larger than the MTU (datagrams the kernel reassembled for the data plane, a tunnel's
     * outer packet) sent as fragments; IPv6 datagrams put together here and cut again.
     */
    public long fragmentedPackets() {
        return fragmentedPackets + ipv6.fragments().fragmented();
    }

    /** TCP super-packets (as {@link #segmentedPackets}) rewritten and handed to the kernel whole. */
    public long superPacketsWhole() {
        return superPacketsWhole;
    }

    /** Connections with a direction on the fast path now. */
    public int offloadedConnections() {
        OffloadedFlows o = offloaded;
        return o == null ? 0 : o.size();
    }

    public long replied() {
        return replied;
    }

    public long passed() {
        return passed;
    }

    public long icmpSent() {
        return egress.icmpSent() + ipv6.icmpSent();
    }

    /** ICMP errors not sent because of the kernel's ICMP rate limits ({@link IcmpLimits}). */
    public long icmpRateLimited() {
        return icmpLimit.limited();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    public long totalDrops() {
        long sum = 0;
        for (long d : drops) {
            sum += d;
        }
        return sum;
    }

    /** The verdict on the last frame handled (tests). */
    public Verdict lastVerdict() {
        return lastVerdict;
    }

    /** The reason of the last drop (tests). */
    public DropReason lastDropReason() {
        return lastDrop;
    }

    /** The FTP helper, or null when it is off (its counters; worker thread, or tests). */
    FtpHelper ftpHelper() {
        return ftp;
    }

    /** Worker thread only: entries in the connection table. */
    public int connections() {
        return table.size();
    }

    // ---------------------------------------------------------------- per frame

    @Override
    public void onFrame(MemorySegment s, long off, int len) {
        int segmentSize = io.receivedSegmentSize();
        if (segmentSize > 0 && segmenter.start(s, off, len, segmentSize)) {
            if (forwardedInPlace()) {
                // NAT or DR of a known connection: rewritten once and handed to the kernel whole
                superSize = segmentSize;
                superOverhead = segmenter.packetHeaders();
                one(s, off, len);
                superSize = 0;
                return;
            }
            segmentedPackets++;
            superPacket = true;
            while (segmenter.next()) {
                one(segmenter.buffer(), 0, segmenter.length());
            }
            superPacket = false;
            return;
        }
        one(s, off, len);
    }

    /**
     * Whether the super-packet {@link #segmenter} has started on belongs to a MASQ or DROUTE connection (from
     * its client, or a MASQ real server's reply): those are rewritten in place and may leave whole. Anything
     * else (a new connection, a tunnel) is cut into segments first and each handled as a frame.
     */
    private boolean forwardedInPlace() {
        long from = segmenter.source() & 0xffffffffL;
        long to = segmenter.destination() & 0xffffffffL;
        int id = table.lookupIn(Ipv4Header.PROTO_TCP, false, 0, from, segmenter.sourcePort(), 0, to,
                segmenter.destinationPort());
        if (id < 0) {
            id = table.lookupOut(Ipv4Header.PROTO_TCP, false, 0, from, segmenter.sourcePort(), 0, to,
                    segmenter.destinationPort());
            return id >= 0 && connMethod[id] == M_MASQ && !ftpControl(id);
        }
        // an FTP control connection's segments are looked at (and their sequence numbers shifted) one by one
        return (connMethod[id] == M_MASQ || connMethod[id] == M_DROUTE) && !ftpControl(id);
    }

    private void one(MemorySegment s, long off, int len) {
        frames++;
        Verdict v = handle(s, off, len);
        lastVerdict = v;
        switch (v) {
            case FORWARD -> forwarded++;
            case REPLY -> replied++;
            case PASS -> passed++;
            case DROP, QUEUED -> {
                // counted by reason; counted when it leaves
            }
        }
    }

    private Verdict drop(DropReason reason) {
        drops[reason.ordinal()]++;
        lastDrop = reason;
        return Verdict.DROP;
    }

    private Verdict handle(MemorySegment s, long off, int len) {
        partialChecksum = false;
        sentAsFragments = false;
        int l2 = EthernetHeader.headerLength(s, off, len);
        if (l2 < 0) {
            return drop(DropReason.SHORT_FRAME);
        }
        int type = EthernetHeader.payloadType(s, off, l2);
        if (type == EthernetHeader.TYPE_ARP) {
            return arp(s, off, l2, len);
        }
        if (type == EthernetHeader.TYPE_IPV6) {
            if (config.answerArp()) {
                Verdict nd = neighbourResponder.handle(s, off, l2, len, services.v6());
                if (nd != null) {
                    return nd == Verdict.DROP ? drop(neighbourResponder.dropReason()) : nd;
                }
            }
            Verdict v = ipv6.handle(s, off, l2, len, services, mtu, now, routeUnclaimed, unresolved);
            // the fragments of IPv6 datagrams given up on the way (not this frame: its verdict counts it)
            drops[DropReason.FRAGMENT.ordinal()] += ipv6.fragments().takeDropped();
            forwarded6 += v == Verdict.FORWARD ? 1 : 0;
            return v == Verdict.DROP ? drop(ipv6.dropReason()) : v;
        }
        if (type != EthernetHeader.TYPE_IPV4) {
            return drop(DropReason.NOT_IPV4);
        }
        ip = off + l2;
        int avail = len - l2;
        if (avail < Ipv4Header.MIN_LENGTH) {
            return drop(DropReason.SHORT_FRAME);
        }
        if (Ipv4Header.version(s, ip) != 4) {
            return drop(DropReason.NOT_IPV4);
        }
        ihl = Ipv4Header.headerLength(s, ip);
        if (ihl < Ipv4Header.MIN_LENGTH || ihl > avail) {
            return drop(DropReason.BAD_IHL);
        }
        total = Ipv4Header.totalLength(s, ip);
        if (total < ihl) {
            return drop(DropReason.BAD_IP_LENGTH);
        }
        if (total > avail) {
            return drop(total > mtu ? DropReason.OVERSIZED : DropReason.SHORT_FRAME);
        }
        if (!Ipv4Header.checksumValid(s, ip, ihl)) {
            return drop(DropReason.BAD_IP_CHECKSUM);
        }
        proto = Ipv4Header.protocol(s, ip);
        src = Ipv4Header.src(s, ip);
        dst = Ipv4Header.dst(s, ip);
        l4 = ip + ihl;
        l4len = total - ihl;
        boolean fragment = Ipv4Header.isFragment(s, ip);
        int mark = 0;
        if (!fragment && !marks.isEmpty() && isTransport(proto) && l4len >= 4) {
            mark = marks.classify(proto, dst, Wire.u16(s, l4 + 2));
            if (services.fwmark(mark) == null) {
                mark = 0;
            }
        }
        if (mark != 0 || services.isVirtualAddress(dst)) {
            if (fragment) {
                return reassemble(s, off, l2);
            }
            return proto == Ipv4Header.PROTO_ICMP ? inboundIcmp(s, off, l2) : inbound(s, off, l2, mark);
        }
        if (fragment) {
            return services.isMasqServer(src) ? reassemble(s, off, l2) : Verdict.PASS;
        }
        return proto == Ipv4Header.PROTO_ICMP ? outboundIcmp(s, off, l2) : outbound(s, off, l2);
    }

    /**
     * A fragment to a virtual address or from a NAT real server: held until its datagram is whole, which is
     * then handled as one frame, as IPVS sees datagrams the kernel reassembled.
     */
    private Verdict reassemble(MemorySegment s, long off, int l2) {
        Ipv4Reassembly.Result r = reassembly.add(s, off, l2, now);
        // the fragments of datagrams given up on the way (stale ones; with REFUSED, this one among them)
        int givenUp = reassembly.givenUpFragments();
        switch (r) {
            case HELD -> {
                drops[DropReason.FRAGMENT.ordinal()] += givenUp;
                return Verdict.QUEUED;
            }
            case WHOLE -> {
                drops[DropReason.FRAGMENT.ordinal()] += givenUp;
                reassembled++;
                MemorySegment frame = reassembly.frame();
                long at = reassembly.offset();
                Verdict v = handle(frame, at, reassembly.length());
                if (v != Verdict.PASS || !fragmentsFromXdp) {
                    return v;
                }
                // the XDP program took every fragment from the kernel, so what would be the kernel's is not:
                // a NAT real server's own traffic is routed, as the kernel would; anything else is dropped
                return services.isMasqServer(src) && !services.isVirtualAddress(dst)
                        ? routeUnclaimed(frame, at, (int) (ip - at)) : drop(DropReason.FRAGMENT);
            }
            default -> {
                drops[DropReason.FRAGMENT.ordinal()] += givenUp - 1;
                return drop(DropReason.FRAGMENT);
            }
        }
    }

    private static boolean isTransport(int p) {
        return p == Ipv4Header.PROTO_TCP || p == Ipv4Header.PROTO_UDP || p == Ipv4Header.PROTO_SCTP;
    }

    /** Reads ports and the state input (TCP flags, SCTP first chunk); null when well formed. */
    private DropReason parseTransport(MemorySegment s) {
        switch (proto) {
            case Ipv4Header.PROTO_TCP -> {
                if (l4len < TcpHeader.MIN_LENGTH) {
                    return DropReason.SHORT_FRAME;
                }
                int doff = TcpHeader.headerLength(s, l4);
                if (doff < TcpHeader.MIN_LENGTH || doff > l4len) {
                    return DropReason.BAD_TCP_OFFSET;
                }
                info = TcpHeader.flags(s, l4);
                if (superSize > 0) {
                    // left for the card, and left so: sendSuperPacket writes the new pseudo-header sum
                    sport = Wire.u16(s, l4);
                    dport = Wire.u16(s, l4 + 2);
                    partialChecksum = true;
                    return null;
                }
                partialChecksum = InternetChecksum.completePartial(s, l4, l4len, src, dst, proto,
                        TcpHeader.CHECKSUM);
            }
            case Ipv4Header.PROTO_UDP -> {
                if (l4len < UdpHeader.LENGTH) {
                    return DropReason.SHORT_FRAME;
                }
                int ulen = UdpHeader.length(s, l4);
                if (ulen < UdpHeader.LENGTH || ulen > l4len) {
                    return DropReason.BAD_UDP_LENGTH;
                }
                info = 0;
                partialChecksum = InternetChecksum.completePartial(s, l4, ulen, src, dst, proto, UdpHeader.CHECKSUM);
            }
            default -> {
                partialChecksum = false;
                if (l4len < SctpHeader.MIN_WITH_CHUNK) {
                    return DropReason.SHORT_FRAME;
                }
                if (!SctpHeader.checksumValid(s, l4, l4len)) {
                    return DropReason.BAD_SCTP_CHECKSUM;
                }
                info = deciding(s);
            }
        }
        sport = Wire.u16(s, l4);
        dport = Wire.u16(s, l4 + 2);
        if (partialChecksum) {
            checksumsCompleted++;
        }
        return null;
    }

    /** The chunk type that moves SCTP state: the first, unless a COOKIE ECHO/ACK is followed by an ABORT. */
    private int deciding(MemorySegment s) {
        int first = SctpHeader.firstChunkType(s, l4);
        if (first == SctpState.CHUNK_COOKIE_ECHO || first == SctpState.CHUNK_COOKIE_ACK) {
            int chunkLength = Wire.u16(s, l4 + SctpHeader.FIRST_CHUNK_TYPE + 2);
            long next = (long) SctpHeader.LENGTH + ((chunkLength + 3) & ~3);
            if (chunkLength >= 4 && next + 4 <= l4len
                    && Wire.u8(s, l4 + next) == SctpState.CHUNK_ABORT) {
                return SctpState.CHUNK_ABORT;
            }
        }
        return first;
    }

    // ---------------------------------------------------------------- client to service

    private Verdict inbound(MemorySegment s, long off, int l2, int mark) {
        if (!isTransport(proto)) {
            return drop(DropReason.NO_SERVICE);
        }
        DropReason bad = parseTransport(s);
        if (bad != null) {
            return drop(bad);
        }
        long srcL = src & 0xffffffffL;
        long dstL = dst & 0xffffffffL;
        int id = table.lookupIn(proto, false, 0, srcL, sport, 0, dstL, dport);
        if (id >= 0) {
            InboundVerdict v = table.admitInbound(id, ConnTable.isNewConnection(proto, info), now);
            if (v == InboundVerdict.DROP) {
                if (offloaded != null) {
                    offloaded.forget(id, true);
                }
                return drop(DropReason.DESTINATION_REMOVED);
            }
            if (v == InboundVerdict.RESCHEDULE) {
                id = ConnTable.NO_ENTRY;
            }
        }
        if (id >= 0) {
            if (ftp != null) {
                // an FTP data connection expected without its client port gets this one (ip_vs_conn_fill_cport)
                table.fillClientPort(id, sport);
            }
            table.onPacket(id, ConnTable.INPUT, info, now);
            if (sync != null) {
                syncOut(id);
            } else {
                connInPkts[id]++;
            }
            if (ftpControl(id) && !ftp.fromClient(s, l4, l4len, id, table.state(id), now)) {
                return drop(DropReason.TABLE_FULL);
            }
            DestinationState d = table.destination(id);
            connService[id].inbound(1, total);
            d.counters().inbound(1, total);
            if (connMethod[id] >= M_TUNNEL) {
                connMethod[id] = tunnelNow(d, connMethod[id]);
            }
            Verdict sent = toServer(s, off, l2, connMethod[id], d, (int) table.destinationLo(id),
                    table.destinationPort(id));
            if (offloaded != null) {
                afterWorker(id, ConnTable.INPUT, sent, s, off, l2);
            }
            return sent;
        }
        ServiceRuntime svc = mark != 0 ? services.fwmark(mark) : null;
        if (svc == null) {
            svc = services.find(proto, dst, dport);
        }
        if (svc == null) {
            svc = services.find(proto, dst, 0);
        }
        if (svc == null) {
            return drop(DropReason.NO_SERVICE);
        }
        if (!opensConnection()) {
            return drop(DropReason.NO_CONNECTION);
        }
        return schedule(s, off, l2, svc, mark);
    }

    /**
     * Whether the current packet may open a connection: a TCP SYN, an SCTP INIT, any UDP datagram; with
     * sloppy_tcp any TCP segment but a RST, with sloppy_sctp any SCTP packet but an ABORT (as IPVS).
     */
    private boolean opensConnection() {
        ConnTableSettings cs = table.settings();
        if (proto == Ipv4Header.PROTO_TCP) {
            return cs.sloppyTcp() ? (info & TcpState.FLAG_RST) == 0 : (info & TcpState.FLAG_SYN) != 0;
        }
        if (proto == Ipv4Header.PROTO_SCTP) {
            return cs.sloppySctp() ? info != SCTP_ABORT : info == SctpState.CHUNK_INIT;
        }
        return true;
    }

    private Verdict schedule(MemorySegment s, long off, int l2, ServiceRuntime svc, int mark) {
        if (defense.dropNewConnection()) {
            return drop(DropReason.DEFENSE);
        }
        VirtualService cfg = svc.config();
        DestinationState dest = pick(svc, mark, s);
        if (dest == null) {
            return pickFailure == DropReason.NO_DESTINATION ? noDestination(s, off, l2) : drop(pickFailure);
        }
        int template = pickedTemplate;
        RealServer r = dest.config();
        byte method = usableMethod(r);
        if (method == 0) {
            return drop(DropReason.UNSUPPORTED_METHOD);
        }
        int rsAddr = r.address().v4();
        int rsPort = r.port() != 0 ? r.port() : dport;
        if (cfg.onePacket() && proto == Ipv4Header.PROTO_UDP) {
            if (sync != null && template >= 0) {
                // no entry to sync, but its template (ip_vs_sync_conn goes on to cp->control), for every
                // persistent -o service (a --pe sip call keeps its server on the backup)
                emit(template, table.protocol(template) == PersistenceKeys.FWMARK_PROTOCOL
                        ? (int) table.virtualLo(template) : 0);
            }
            svc.counters().connection();
            dest.counters().connection();
            svc.counters().inbound(1, total);
            dest.counters().inbound(1, total);
            return toServer(s, off, l2, method, dest, rsAddr, rsPort);
        }
        int id = newConnection(svc, dest, method, rsAddr, rsPort, template, mark);
        if (id < 0) {
            return drop(DropReason.TABLE_FULL);
        }
        svc.counters().connection();
        dest.counters().connection();
        if (offloaded != null) {
            offloaded.packet(id);
        }
        table.onPacket(id, ConnTable.INPUT, info, now);
        if (sync != null) {
            syncOut(id);
        } else {
            connInPkts[id] = 1;
        }
        svc.counters().inbound(1, total);
        dest.counters().inbound(1, total);
        return toServer(s, off, l2, method, dest, rsAddr, rsPort);
    }

    /**
     * A connection entry for the current tuple (proto, src:sport → dst:dport) to {@code dest} at
     * {@code rsAddr:rsPort}, with the worker's per-connection fields; its id, or a negative value when the
     * table is full.
     */
    private int newConnection(ServiceRuntime svc, DestinationState dest, byte method, int rsAddr, int rsPort,
                              int template, int mark) {
        int id = table.create(proto, false, 0, src & 0xffffffffL, sport, 0, dst & 0xffffffffL, dport, false, 0,
                rsAddr & 0xffffffffL, rsPort, dest, method != M_MASQ, template, now);
        if (id >= 0) {
            connService[id] = svc.counters();
            connVirtual[id] = dst;
            connMethod[id] = method;
            connMark[id] = mark;
            connInPkts[id] = 0;
            connOldState[id] = 0;
            if (ftp != null) {
                ftp.created(id, method == M_MASQ && proto == Ipv4Header.PROTO_TCP && ftp.watches(dport));
            }
        }
        return id;
    }

    /** Whether {@code id} is an FTP control connection ({@link FtpHelper}). */
    private boolean ftpControl(int id) {
        return ftp != null && ftp.isControl(id);
    }

    /**
     * The entry of an FTP data connection {@code client:clientPort → VIP:virtualPort} of control connection
     * {@code control} (its address family, virtual address, real server, service and mark), to
     * {@code server:serverPort}.
     */
    private int openDataConnection(int control, long clientHi, long clientLo, int clientPort, int virtualPort,
                                   long serverHi, long serverLo, int serverPort, boolean noClientPort) {
        boolean v6 = table.isV6(control);
        int id = table.createExpected(Ipv4Header.PROTO_TCP, v6, clientHi, clientLo, clientPort,
                table.virtualHi(control), table.virtualLo(control), virtualPort, v6, serverHi, serverLo, serverPort,
                table.destination(control), control, noClientPort, now);
        if (id >= 0) {
            connService[id] = connService[control];
            connVirtual[id] = connVirtual[control];
            connMethod[id] = M_MASQ;
            connMark[id] = connMark[control];
            connInPkts[id] = 0;
            connOldState[id] = 0;
            ftp.created(id, false);
        }
        return id;
    }

    /**
     * The real server for a new connection of the current tuple (proto, src:sport → dst:dport) of {@code svc}:
     * its persistence template's, or the scheduler's (then a template is made for a persistent service).
     * {@link #pickedTemplate} is the template or {@code NO_ENTRY}; null when there is none
     * ({@link #pickFailure}: NO_DESTINATION, TABLE_FULL, or NO_CALL_ID for --pe sip). {@code s} holds the
     * current packet; null when it is not the flow's own (an ICMP error scheduled for its quoted packet).
     */
    private DestinationState pick(ServiceRuntime svc, int mark, MemorySegment s) {
        VirtualService cfg = svc.config();
        long srcL = src & 0xffffffffL;
        long dstL = dst & 0xffffffffL;
        flow.set(false, proto, 0, srcL, sport, 0, dstL, dport, now);
        pickedTemplate = ConnTable.NO_ENTRY;
        DestinationState dest;
        if (!cfg.persistent()) {
            dest = svc.schedule(flow);
            pickFailure = DropReason.NO_DESTINATION;
            return dest;
        }
        boolean byMark = cfg.key() instanceof FwmarkServiceKey;
        int tplProto = byMark ? PersistenceKeys.FWMARK_PROTOCOL : proto;
        long vLo = byMark ? PersistenceKeys.fwmarkLo(false, mark) : dstL;
        int vPort = cfg.key() instanceof InetServiceKey k ? k.port() : 0;
        long clientNet = (src & cfg.netmask()) & 0xffffffffL;
        boolean byCallId = SipPersistence.applies(cfg);
        if (byCallId && !sip.read(s, proto, l4)) {
            pickFailure = DropReason.NO_CALL_ID;
            return null;
        }
        int template = byCallId ? sip.find(tplProto, clientNet, vLo, vPort, now)
                : table.findTemplate(tplProto, false, 0, clientNet, 0, vLo, vPort, now);
        if (template >= 0) {
            pickedTemplate = template;
            return table.destination(template);
        }
        dest = svc.schedule(flow);
        if (dest == null) {
            pickFailure = DropReason.NO_DESTINATION;
            return null;
        }
        RealServer r = dest.config();
        template = byCallId ? sip.create(tplProto, clientNet, vLo, vPort, dest, cfg.persistenceTimeout(), now)
                : table.createTemplate(tplProto, false, 0, clientNet, 0, vLo, vPort, !r.address().isV4(),
                r.address().hi(), r.address().lo(), r.port(), dest, cfg.persistenceTimeout(), now);
        if (template < 0) {
            pickFailure = DropReason.TABLE_FULL;
            return null;
        }
        pickedTemplate = template;
        return dest;
    }

    /**
     * A tunnelled connection's encapsulation now: its real server's tunnel type and checksum as they are (an
     * edit takes effect at the next packet, as IPVS reads them from the destination for each packet), else
     * {@code method} (the real server is no longer a usable tunnel one: its connections keep theirs).
     */
    private static byte tunnelNow(DestinationState d, byte method) {
        RealServer r = d.config();
        byte m = r.method() == ForwardingMethod.TUNNEL ? methodCode(r) : 0;
        return m != 0 ? m : method;
    }

    /**
     * Whether this data plane takes an IPv4 service's traffic: it has a real server the data plane forwards to
     * (NAT, DR, a tunnel) or none at all (a new connection gets IPVS's port unreachable). One whose real servers
     * are all FULLNAT (the proxy's, which listens in the kernel's stack), LOCAL or otherwise not this data
     * plane's is left to the kernel: not in the guard, nor in the packet filter.
     */
    static boolean forwards(ServiceRuntime rt) {
        return forwardsAny(rt, r -> usableMethod(r) != 0);
    }

    /** True when one of the service's real servers is {@code served}, or it has none (see {@link #forwards}). */
    static boolean forwardsAny(ServiceRuntime rt, java.util.function.Predicate<RealServer> served) {
        List<DestinationState> dests = rt.destinations().asList();
        for (DestinationState d : dests) {
            if (served.test(d.config())) {
                return true;
            }
        }
        return dests.isEmpty();
    }

    /** The forwarding method code of an IPv4 real server this data plane serves, else 0. */
    private static byte usableMethod(RealServer r) {
        return r.address().isV4() ? methodCode(r) : 0;
    }

    private static byte methodCode(RealServer r) {
        ForwardingMethod m = r.method();
        if (m == ForwardingMethod.MASQ) {
            return M_MASQ;
        }
        if (m == ForwardingMethod.DROUTE) {
            return M_DROUTE;
        }
        if (m == ForwardingMethod.TUNNEL && r.tunnelType() == TunnelType.IPIP) {
            return M_TUNNEL;
        }
        if (m == ForwardingMethod.TUNNEL && r.tunnelType() == TunnelType.GUE && r.tunnelPort() != 0) {
            // remcsum sends a UDP checksum as csum does: ip_vs_tunnel_xmit asks udp_set_csum for one when either
            // flag is set (the remote-checksum option itself only for packets with a partial checksum: not ours)
            return r.tunnelChecksum() != TunnelChecksum.NOCSUM ? M_GUE_CSUM : M_GUE;
        }
        if (m == ForwardingMethod.TUNNEL && r.tunnelType() == TunnelType.GRE) {
            // remcsum (which ipvsadm and keepalived refuse for GRE) sends no checksum, as the kernel's GRE
            // encapsulation looks at the csum flag only
            return r.tunnelChecksum() == TunnelChecksum.CSUM ? M_GRE_CSUM : M_GRE;
        }
        return 0;
    }

    /** Sends the current packet to a real server ({@code rsPort} is used by MASQ only). */
    private Verdict toServer(MemorySegment s, long off, int l2, byte method, DestinationState dest, int rsAddr,
                             int rsPort) {
        if (Ipv4Header.ttl(s, ip) <= 1) {
            return ttlExpired(s, off, l2);
        }
        long mac = neighbours.nextHopMac(rsAddr);
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        if (onWire() > mtu && (method == M_MASQ || method == M_DROUTE) && mustNotBeCut(s)) {
            // before the rewrite: fragmentation-needed must quote the packet as its sender sent it, or the
            // sender finds no socket for it and keeps sending full-size packets (as IP forwarding checks the
            // MTU before IPVS's hooks)
            return tooBig(s, off, l2, mtu);
        }
        switch (method) {
            case M_MASQ -> {
                TransportNat.rewrite(s, l4, l4len, proto, dst, rsAddr, 2, rsPort);
                Ipv4Header.rewriteDst(s, ip, rsAddr);
                Ipv4Header.decrementTtl(s, ip);
                return sendInPlace(s, off, l2, mac);
            }
            case M_DROUTE -> {
                Ipv4Header.decrementTtl(s, ip);
                return sendInPlace(s, off, l2, mac);
            }
            case M_TUNNEL, M_GUE, M_GUE_CSUM, M_GRE, M_GRE_CSUM -> {
                return tunnel(s, off, l2, method, dest.config().tunnelPort(), rsAddr, mac);
            }
            default -> {
                return drop(DropReason.UNSUPPORTED_METHOD);
            }
        }
    }

    private Verdict sendInPlace(MemorySegment s, long off, int l2, long dstMac) {
        if (onWire() > mtu) {
            // a datagram the kernel reassembled for us, or one from a link with a larger MTU: without DF it
            // leaves as fragments, as IPVS's leave the kernel's IP output; with DF fragmentation-needed
            return mustNotBeCut(s) ? tooBig(s, off, l2, mtu) : sendFragments(s, off, l2, dstMac);
        }
        if (superSize > 0) {
            return sendSuperPacket(s, off, l2, dstMac);
        }
        return egress.inPlace(s, off, l2 + total, dstMac) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
    }

    /**
     * Whether the current packet, when larger than the MTU, may not be cut into fragments: DF is set, or it is
     * a super-packet (whose segments are cut, not fragmented).
     */
    private boolean mustNotBeCut(MemorySegment s) {
        return superSize > 0 || Ipv4Header.dontFragment(s, ip);
    }

    /** Sends the packet at {@code off + l2} (no DF, larger than the MTU) as fragments that fit the MTU. */
    private Verdict sendFragments(MemorySegment s, long off, int l2, long dstMac) {
        if (!fragmenter.start(s, off, l2, mtu)) {
            return drop(DropReason.TOO_BIG);
        }
        fragmentedPackets++;
        sentAsFragments = true;
        while (fragmenter.next()) {
            if (!egress.inPlace(fragmenter.buffer(), 0, fragmenter.length(), dstMac)) {
                return drop(DropReason.TX_FULL);
            }
        }
        return Verdict.FORWARD;
    }

    /**
     * Keeps the current packet (rewritten, ready to go) until {@code dst}'s next hop resolves; one larger than
     * the MTU waits as its fragments.
     */
    private Verdict queue(MemorySegment s, long off, int l2) {
        if (superSize > 0) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        if (total <= mtu) {
            return unresolved.add(s, off, l2 + total, dst, now) ? Verdict.QUEUED : drop(DropReason.NO_NEIGHBOUR);
        }
        if (!fragmenter.start(s, off, l2, mtu)) {
            return drop(DropReason.TOO_BIG);
        }
        fragmentedPackets++;
        int mark = unresolved.mark();
        boolean first = true;
        while (fragmenter.next()) {
            // the datagram counts once, with its first fragment (forwarded when it leaves, or dropped)
            if (!unresolved.add(fragmenter.buffer(), 0, fragmenter.length(), dst, now, first)) {
                unresolved.removeSince(mark);
                return drop(DropReason.NO_NEIGHBOUR);
            }
            first = false;
        }
        return Verdict.QUEUED;
    }

    /** The bytes of the current packet on the wire: a super-packet's largest segment, else the packet. */
    private int onWire() {
        return superSize > 0 ? superOverhead + superSize : total;
    }

    /**
     * A super-packet rewritten for its connection: handed to the kernel whole, its TCP checksum left for the
     * card (the pseudo-header sum of the new addresses), to be cut on the way out as for IPVS; when the I/O
     * cannot, cut here and sent segment by segment.
     */
    private Verdict sendSuperPacket(MemorySegment s, long off, int l2, long dstMac) {
        int doff = TcpHeader.headerLength(s, l4);
        TcpHeader.checksum(s, l4, InternetChecksum.pseudoHeader(Ipv4Header.src(s, ip), Ipv4Header.dst(s, ip),
                Ipv4Header.PROTO_TCP, l4len));
        int l4Offset = (int) (l4 - off);
        if (egress.superPacket(s, off, l2 + total, dstMac, l4Offset, l4Offset + doff, superSize)) {
            superPacketsWhole++;
            return Verdict.FORWARD;
        }
        if (!segmenter.start(s, off, l2 + total, superSize)) {
            return drop(DropReason.OVERSIZED);
        }
        segmentedPackets++;
        while (segmenter.next()) {
            if (!egress.inPlace(segmenter.buffer(), 0, segmenter.length(), dstMac)) {
                return drop(DropReason.TX_FULL);
            }
        }
        return Verdict.FORWARD;
    }

    /**
     * A packet larger than {@code room} that may not be cut: fragmentation needed back to its sender when DF is
     * set, else dropped.
     */
    private Verdict tooBig(MemorySegment s, long off, int l2, int room) {
        if (Ipv4Header.dontFragment(s, ip)) {
            icmpError(s, off, l2, IcmpHeader.TYPE_DEST_UNREACH, IcmpHeader.CODE_FRAG_NEEDED, room);
            return drop(DropReason.FRAG_NEEDED);
        }
        return drop(DropReason.TOO_BIG);
    }

    /** The bytes a tunnel method puts in front of the datagram: outer IPv4 and the tunnel's own headers. */
    /** The smallest MTU IPv4 allows (RFC 791): the room a tunnel's inner packets need. */
    private static final int MIN_TUNNEL_MTU = 68;

    private static int tunnelOverhead(byte method) {
        return switch (method) {
            case M_TUNNEL -> IPIP_OVERHEAD;
            case M_GRE -> GRE_OVERHEAD;
            case M_GRE_CSUM -> GRE_CSUM_OVERHEAD;
            default -> GUE_OVERHEAD;
        };
    }

    /** Tunnels the packet: inner TTL-1, then IPIP, GUE or GRE unless it no longer fits the MTU. */
    private Verdict tunnel(MemorySegment s, long off, int l2, byte method, int guePort, int rsAddr, long mac) {
        Ipv4Header.decrementTtl(s, ip);
        if (mtu - Ipv4Header.MIN_LENGTH < MIN_TUNNEL_MTU) {
            // as IPVS: a link whose MTU leaves less than IPv4's minimum of 68 under the outer header tunnels nothing
            return drop(DropReason.TOO_BIG);
        }
        int room = mtu - tunnelOverhead(method);
        if (superSize > 0) {
            // whole super-packets go only to connections forwarded in place (onFrame checks): not reached
            return drop(DropReason.OVERSIZED);
        }
        // the outer DF is the inner's; with pmtu_disc off the TUN method ignores DF (the outer goes without it,
        // fragmented when too big), as IPVS
        boolean df = table.settings().forwarding().pmtuDisc() && Ipv4Header.dontFragment(s, ip);
        if (total > room && df) {
            return tooBig(s, off, l2, room);
        }
        if (total + mtu - room > 0xffff) {
            // the outer packet would be longer than IPv4 can say
            return drop(DropReason.TOO_BIG);
        }
        // the outer source: what the kernel's route to the real server picks, as IPVS asks the route for it
        // (the address of the link it leaves by, on a director with several); else the data plane's own
        int source = neighbours.preferredSource(rsAddr);
        if (source == 0) {
            source = config.localAddress();
        }
        int length = switch (method) {
            case M_TUNNEL -> egress.ipip(s, off, l2, ip, rsAddr, mac, source, df);
            case M_GRE, M_GRE_CSUM -> egress.gre(s, off, l2, ip, rsAddr, mac, source, method == M_GRE_CSUM, df);
            default -> egress.gue(s, off, l2, ip, rsAddr, mac, source, guePort, method == M_GUE_CSUM, df);
        };
        if (total > room) {
            // without DF the outer packet leaves as fragments, as the kernel's IP output sends IPVS's
            return sendFragments(egress.built(), 0, l2, mac);
        }
        return egress.transmitBuilt(length) ? Verdict.FORWARD : drop(DropReason.TX_FULL);
    }

    private Verdict ttlExpired(MemorySegment s, long off, int l2) {
        icmpError(s, off, l2, IcmpHeader.TYPE_TIME_EXCEEDED, IcmpHeader.CODE_TTL_EXCEEDED, 0);
        return drop(DropReason.TTL_EXPIRED);
    }

    private Verdict noDestination(MemorySegment s, long off, int l2) {
        icmpError(s, off, l2, IcmpHeader.TYPE_DEST_UNREACH, IcmpHeader.CODE_PORT_UNREACH, 0);
        return drop(DropReason.NO_DESTINATION);
    }

    /** An ICMP error about the current packet, from the VIP it was sent to (else our own address). */
    private void icmpError(MemorySegment s, long off, int l2, int type, int code, int nextHopMtu) {
        int from = services.isVirtualAddress(dst) ? dst : config.localAddress();
        egress.icmpError(s, off, l2, ip, type, code, nextHopMtu, from, now);
    }

    // ---------------------------------------------------------------- real server to client

    private Verdict outbound(MemorySegment s, long off, int l2) {
        if (!isTransport(proto) || parseTransport(s) != null) {
            return Verdict.PASS;
        }
        int id = table.lookupOut(proto, false, 0, src & 0xffffffffL, sport, 0, dst & 0xffffffffL, dport);
        if (id < 0 || connMethod[id] != M_MASQ) {
            if (!services.fromMasqService(proto, src, sport)) {
                return Verdict.PASS;
            }
            if (routeUnclaimed && table.settings().forwarding().natIcmpSend() && !resetOrAbort()
                    && services.fromRealService(proto, src, sport)) {
                // nat_icmp_send: IPVS tells the real server there is no such connection, and drops it
                int from = neighbours.preferredSource(src);
                egress.icmpError(s, off, l2, ip, IcmpHeader.TYPE_DEST_UNREACH, IcmpHeader.CODE_PORT_UNREACH, 0,
                        from != 0 ? from : config.localAddress(), now);
                return drop(DropReason.UNCLAIMED_REPLY);
            }
            return routeUnclaimed(s, off, l2);
        }
        // the FTP helper judges the control connection's state before this segment, as the kernel's
        // handle_response calls the helper before ip_vs_set_state (a 227 that comes with FIN is rewritten)
        int stateBefore = table.state(id);
        table.onPacket(id, ConnTable.OUTPUT, info, now);
        connService[id].outbound(1, total);
        table.destination(id).counters().outbound(1, total);
        if (ftpControl(id)) {
            int r = ftp.fromServer(s, off, l2, ip, ihl, total, id, stateBefore, now);
            if (r == FtpHelper.NO_ROOM) {
                return drop(DropReason.TABLE_FULL);
            }
            if (r == FtpHelper.MOVED) {
                // a 227 reply of another length, rebuilt in the helper's buffer
                s = ftp.frame();
                off = 0;
                ip = l2;
                l4 = ip + ihl;
                total = ftp.total();
                l4len = total - ihl;
            }
        }
        Verdict sent = toClient(s, off, l2, id);
        if (offloaded != null) {
            afterWorker(id, ConnTable.OUTPUT, sent, s, off, l2);
        }
        return sent;
    }

    /** The current TCP segment is a RST, or the current SCTP packet starts with an ABORT. */
    private boolean resetOrAbort() {
        return proto == Ipv4Header.PROTO_TCP ? (info & TcpState.FLAG_RST) != 0
                : proto == Ipv4Header.PROTO_SCTP && info == SCTP_ABORT;
    }

    /**
     * A frame from a MASQ real server that belongs to no connection (a host that reaches the real server
     * directly, through the director as its router; an ICMP error about such traffic): IPVS accepts it and
     * the kernel routes it, but here the kernel guard or the XDP program took it from the kernel, so the
     * worker routes it, unchanged but for the TTL, unless it is for the director itself (then the kernel
     * has it: the guard and the program leave those).
     */
    private Verdict routeUnclaimed(MemorySegment s, long off, int l2) {
        if (!routeUnclaimed || isOwnAddress(dst)) {
            // without the guard and the XDP program the kernel has the frame and routes it
            return Verdict.PASS;
        }
        if (!routable(dst) || (EthernetHeader.dst(s, off) & MULTICAST_BIT) != 0
                || EthernetHeader.src(s, off) != neighbours.nextHopMac(src)) {
            // a router forwards unicast only, and a real server's frames come from it (or its gateway): a
            // frame claiming a real server's address from elsewhere is not forwarded on its word
            return drop(DropReason.NOT_ROUTED);
        }
        if (Ipv4Header.ttl(s, ip) <= 1) {
            return ttlExpired(s, off, l2);
        }
        if (onWire() > mtu && mustNotBeCut(s)) {
            return tooBig(s, off, l2, mtu);
        }
        long mac = neighbours.nextHopMac(dst);
        if (mac == NeighbourTable.UNKNOWN && neighbours.unreachable(dst)) {
            // no route through the data plane's links (a host behind another interface): nothing to wait for
            return drop(DropReason.NO_NEIGHBOUR);
        }
        Ipv4Header.decrementTtl(s, ip);
        routed++;
        if (mac == NeighbourTable.UNKNOWN) {
            return queue(s, off, l2);
        }
        return sendInPlace(s, off, l2, mac);
    }

    /** Unicast and routable: not 0/8, 127/8, multicast (224/4) or 240/4 (the limited broadcast among them). */
    private static boolean routable(int address) {
        int first = address >>> 24;
        return first != 0 && first != 127 && first < 224;
    }

    /**
     * Whether frames the guard or the XDP program keep from the kernel (a NAT real server's answers outside
     * any connection) are routed by the worker: on when either runs, off (the default) when the kernel sees
     * them and routes them itself.
     */
    public void routeUnclaimed(boolean on, boolean allFragments) {
        routeUnclaimed = on;
        fragmentsFromXdp = allFragments;
    }

    /**
     * An ICMP message about no connection of ours: an error from a MASQ real server is one the guard (types
     * 3, 4, 11, 12) or the XDP program keeps from the kernel, so it is routed; anything else is the kernel's.
     */
    private Verdict unclaimedIcmp(MemorySegment s, long off, int l2) {
        if (l4len >= 1 && guardedIcmpError(IcmpHeader.type(s, l4)) && services.isMasqServer(src)) {
            return routeUnclaimed(s, off, l2);
        }
        return Verdict.PASS;
    }

    private static boolean guardedIcmpError(int type) {
        return type == IcmpHeader.TYPE_DEST_UNREACH || type == IcmpHeader.TYPE_SOURCE_QUENCH
                || type == IcmpHeader.TYPE_TIME_EXCEEDED || type == IcmpHeader.TYPE_PARAMETER_PROBLEM;
    }

    private boolean isOwnAddress(int address) {
        return address == config.localAddress() || java.util.Arrays.binarySearch(ownAddresses, address) >= 0;
    }

    /**
     * Any thread: the director's own IPv4 addresses now (frames from real servers to them are the kernel's);
     * the worker takes them at its next poll.
     */
    public void ownAddresses(int[] addresses) {
        int[] sorted = addresses.clone();
        java.util.Arrays.sort(sorted);
        publishedOwn = sorted;
    }

    /** Any thread: the director's own IPv6 addresses now (frames from NAT real servers to them are the kernel's). */
    public void ownAddresses6(java.util.Set<IpAddress> addresses) {
        ipv6.ownAddresses(addresses);
    }

    /** Any thread: new IPVS sysctls (expire_nodest_conn, sloppy_tcp, ...), taken at the worker's next poll. */
    public void connSettings(ConnTableSettings s) {
        publishedSettings = s;
    }

    /** Frames from MASQ real servers that belonged to no connection, routed by the worker. */
    public long routed() {
        return routed + ipv6.routed();
    }

    /** ICMPv6 errors about routed frames not sent: the director had no IPv6 address of its own. */
    public long icmpNoSource6() {
        return ipv6.icmpNoSource();
    }

    /** A MASQ reply of connection {@code id}, made to come from the virtual service. */
    private Verdict toClient(MemorySegment s, long off, int l2, int id) {
        if (Ipv4Header.ttl(s, ip) <= 1) {
            return ttlExpired(s, off, l2);
        }
        if (onWire() > mtu && mustNotBeCut(s)) {
            // before the rewrite: the real server must recognise its own packet in fragmentation-needed
            return tooBig(s, off, l2, mtu);
        }
        long mac = neighbours.nextHopMac(dst);
        int vip = connVirtual[id];
        TransportNat.rewrite(s, l4, l4len, proto, src, vip, 0, table.virtualPort(id));
        Ipv4Header.rewriteSrc(s, ip, vip);
        Ipv4Header.decrementTtl(s, ip);
        if (mac == NeighbourTable.UNKNOWN) {
            // a new client: wait for the refresher rather than drop the reply (TCP would resend it in 1 s)
            return queue(s, off, l2);
        }
        return sendInPlace(s, off, l2, mac);
    }

    // ---------------------------------------------------------------- flow offload

    /**
     * Offload on: after the worker handled a packet of connection {@code id} in {@code direction} (its
     * onPacket applied, {@code sent} its verdict). A TCP connection that left ESTABLISHED is forgotten; a
     * direction just forwarded of a qualifying connection is offloaded with the frame as sent.
     */
    private void afterWorker(int id, int direction, Verdict sent, MemorySegment s, long off, int l2) {
        OffloadedFlows o = offloaded;
        o.packet(id);
        if (ftpControl(id)) {
            // its segments are looked at, and their sequence numbers shifted once a reply changed size
            o.refuse(id);
            return;
        }
        if (proto == Ipv4Header.PROTO_TCP) {
            if (table.state(id) != TcpState.ESTABLISHED) {
                o.forget(id, true);
                return;
            }
        } else if (proto != Ipv4Header.PROTO_UDP) {
            return;
        }
        if (superPacket || superSize > 0) {
            // merged by GRO (a link that just came back has it on until its offloads are set again) or a
            // local sender's: not a template for frame-by-frame forwarding, but no reason to keep the
            // connection off the fast path; its next single frame may offload it
            return;
        }
        if (partialChecksum) {
            // a single frame with its checksum left for the card: the fast path adjusts full checksums only,
            // and this sender's frames will all come so
            o.refuse(id);
            return;
        }
        byte method = connMethod[id];
        int encap = switch (method) {
            case M_TUNNEL -> FlowOffload.IPIP;
            case M_GUE -> FlowOffload.GUE;
            case M_GRE -> FlowOffload.GRE;
            case M_MASQ, M_DROUTE -> FlowOffload.IN_PLACE;
            // GUE and GRE with a checksum (over the whole datagram, which the XDP program does not sum) stay
            // with the worker
            default -> -1;
        };
        // untagged frames only: the fast path counts 14 bytes of Ethernet header per frame; with pmtu_disc off
        // tunnels stay with the worker (the XDP program sets DF on the outer header)
        if (encap != FlowOffload.IN_PLACE && !table.settings().forwarding().pmtuDisc()) {
            return;
        }
        if (sent != Verdict.FORWARD || sentAsFragments || encap < 0
                || l2 != EthernetHeader.LENGTH || !o.mayOffload(id, direction)) {
            return;
        }
        MemorySegment out = encap == FlowOffload.IN_PLACE ? s : egress.built();
        long at = encap == FlowOffload.IN_PLACE ? off : 0;
        o.offload(id, direction, proto, src, sport, dst, dport, out, at, EthernetHeader.dst(out, at), encap);
    }

    /** Accounts packets the fast path forwarded as the worker would have, had they come through it. */
    private final class FastPathSink implements OffloadedFlows.Sink {
        @Override
        public void moved(int id, int direction, long packets, long ipBytes, boolean live) {
            fastPathPackets += packets;
            IpvsCounters svc = connService[id];
            DestinationState d = table.destination(id);
            if (direction == ConnTable.INPUT) {
                svc.inbound(packets, ipBytes);
                if (d != null) {
                    d.counters().inbound(packets, ipBytes);
                }
            } else {
                svc.outbound(packets, ipBytes);
                if (d != null) {
                    d.counters().outbound(packets, ipBytes);
                }
            }
            int p = table.protocol(id);
            boolean tcp = p == Ipv4Header.PROTO_TCP;
            if (!live || tcp && table.state(id) != TcpState.ESTABLISHED || !tcp && p != Ipv4Header.PROTO_UDP) {
                return;
            }
            // an ACK keeps ESTABLISHED as it is and re-arms its timeout, as any of those packets did
            table.onPacket(id, direction, tcp ? TcpState.FLAG_ACK : 0, now);
            if (direction == ConnTable.INPUT && sync != null) {
                syncFastPath(id, packets);
            } else if (direction == ConnTable.INPUT) {
                connInPkts[id] = (int) Math.min(Integer.MAX_VALUE, connInPkts[id] + packets);
            }
        }
    }

    // ---------------------------------------------------------------- ICMP errors about connections

    /** Offset of the quoted datagram's transport header, or -1 when the ICMP message is no usable error. */
    private long quotedTransport(MemorySegment s) {
        if (l4len < IcmpHeader.LENGTH) {
            return -1;
        }
        int type = IcmpHeader.type(s, l4);
        if (type != IcmpHeader.TYPE_DEST_UNREACH && type != IcmpHeader.TYPE_SOURCE_QUENCH
                && type != IcmpHeader.TYPE_TIME_EXCEEDED) {
            return -1;
        }
        long inner = l4 + IcmpHeader.LENGTH;
        int innerAvail = l4len - IcmpHeader.LENGTH;
        if (innerAvail < Ipv4Header.MIN_LENGTH || Ipv4Header.version(s, inner) != 4) {
            return -1;
        }
        int innerIhl = Ipv4Header.headerLength(s, inner);
        if (innerIhl < Ipv4Header.MIN_LENGTH || innerAvail < innerIhl + 8
                || !isTransport(Ipv4Header.protocol(s, inner))
                || (Ipv4Header.flagsAndFragment(s, inner) & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
            return -1;
        }
        return inner + innerIhl;
    }

    /** An ICMP message to a virtual address: errors about a reply we sent go to the connection's real server. */
    private Verdict inboundIcmp(MemorySegment s, long off, int l2) {
        if (l4len >= 1 && !IcmpHeader.isError(IcmpHeader.type(s, l4))) {
            return Verdict.PASS;
        }
        long innerL4 = quotedTransport(s);
        if (innerL4 < 0) {
            return drop(DropReason.ICMP_UNRELATED);
        }
        long inner = l4 + IcmpHeader.LENGTH;
        int innerProto = Ipv4Header.protocol(s, inner);
        int innerSrc = Ipv4Header.src(s, inner);
        int innerDst = Ipv4Header.dst(s, inner);
        int id = table.lookupIn(innerProto, false, 0, innerDst & 0xffffffffL, Wire.u16(s, innerL4 + 2),
                0, innerSrc & 0xffffffffL, Wire.u16(s, innerL4));
        if (id < 0) {
            return table.settings().forwarding().scheduleIcmp() && isTransport(innerProto)
                    ? scheduleIcmp(s, off, l2, innerL4) : drop(DropReason.ICMP_UNRELATED);
        }
        return icmpToServer(s, off, l2, innerL4, connService[id], table.destination(id), connMethod[id],
                (int) table.destinationLo(id), table.destinationPort(id));
    }

    /**
     * schedule_icmp: an ICMP error about a packet of a connection this director does not have (it reached
     * another director behind ECMP) is scheduled as a new connection of the quoted packet's client would be,
     * as IPVS's {@code ip_vs_in_icmp} does, and forwarded to that real server: with sh or mh (or persistence
     * shared through sync) the one that has the connection. The entry made for it keeps its initial state
     * and timeout; a one-packet service makes none.
     */
    private Verdict scheduleIcmp(MemorySegment s, long off, int l2, long innerL4) {
        long inner = l4 + IcmpHeader.LENGTH;
        int p = proto;
        int from = src;
        int to = dst;
        int fromPort = sport;
        int toPort = dport;
        // the quoted packet went from the virtual service to the client: the client's tuple is its reverse
        proto = Ipv4Header.protocol(s, inner);
        src = Ipv4Header.dst(s, inner);
        sport = Wire.u16(s, innerL4 + 2);
        dst = Ipv4Header.src(s, inner);
        dport = Wire.u16(s, innerL4);
        try {
            ServiceRuntime svc = services.find(proto, dst, dport);
            if (svc == null) {
                svc = services.find(proto, dst, 0);
            }
            if (svc == null) {
                return drop(DropReason.ICMP_UNRELATED);
            }
            if (defense.dropNewConnection()) {
                return drop(DropReason.DEFENSE);
            }
            DestinationState dest = pick(svc, 0, null);
            if (dest == null) {
                return drop(pickFailure);
            }
            RealServer r = dest.config();
            byte method = usableMethod(r);
            if (method == 0) {
                return drop(DropReason.UNSUPPORTED_METHOD);
            }
            int rsAddr = r.address().v4();
            int rsPort = r.port() != 0 ? r.port() : dport;
            if (!svc.config().onePacket() || proto != Ipv4Header.PROTO_UDP) {
                if (newConnection(svc, dest, method, rsAddr, rsPort, pickedTemplate, 0) < 0) {
                    return drop(DropReason.TABLE_FULL);
                }
            }
            svc.counters().connection();
            dest.counters().connection();
            IpvsCounters counters = svc.counters();
            proto = p;
            src = from;
            dst = to;
            sport = fromPort;
            dport = toPort;
            return icmpToServer(s, off, l2, innerL4, counters, dest, method, rsAddr, rsPort);
        } finally {
            proto = p;
            src = from;
            dst = to;
            sport = fromPort;
            dport = toPort;
        }
    }

    /**
     * Forwards the ICMP error to the virtual address about a packet the real server {@code rsAddr} sent: as
     * is to a DR or TUN real server; for MASQ, to the real server with the quoted packet made its own again.
     */
    private Verdict icmpToServer(MemorySegment s, long off, int l2, long innerL4, IpvsCounters service,
                                 DestinationState dest, byte method, int rsAddr, int rsPort) {
        service.inbound(1, total);
        dest.counters().inbound(1, total);
        if (method != M_MASQ) {
            return toServer(s, off, l2, method, dest, rsAddr, 0);
        }
        if (Ipv4Header.ttl(s, ip) <= 1) {
            return ttlExpired(s, off, l2);
        }
        long mac = neighbours.nextHopMac(rsAddr);
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        long inner = l4 + IcmpHeader.LENGTH;
        Wire.u32(s, inner + Ipv4Header.SRC, rsAddr);
        Ipv4Header.fillChecksum(s, inner, Ipv4Header.headerLength(s, inner));
        Wire.u16(s, innerL4, rsPort);
        IcmpHeader.fillChecksum(s, l4, l4len);
        Ipv4Header.rewriteDst(s, ip, rsAddr);
        Ipv4Header.decrementTtl(s, ip);
        return sendInPlace(s, off, l2, mac);
    }

    /** An ICMP error from a MASQ real server about a client's packet: made to come from the virtual service. */
    private Verdict outboundIcmp(MemorySegment s, long off, int l2) {
        long innerL4 = quotedTransport(s);
        if (innerL4 < 0) {
            return unclaimedIcmp(s, off, l2);
        }
        long inner = l4 + IcmpHeader.LENGTH;
        int innerProto = Ipv4Header.protocol(s, inner);
        int innerSrc = Ipv4Header.src(s, inner);
        int innerDst = Ipv4Header.dst(s, inner);
        int id = table.lookupOut(innerProto, false, 0, innerDst & 0xffffffffL, Wire.u16(s, innerL4 + 2),
                0, innerSrc & 0xffffffffL, Wire.u16(s, innerL4));
        if (id < 0 || connMethod[id] != M_MASQ) {
            return unclaimedIcmp(s, off, l2);
        }
        connService[id].outbound(1, total);
        table.destination(id).counters().outbound(1, total);
        if (Ipv4Header.ttl(s, ip) <= 1) {
            return ttlExpired(s, off, l2);
        }
        long mac = neighbours.nextHopMac(dst);
        if (mac == NeighbourTable.UNKNOWN) {
            return drop(DropReason.NO_NEIGHBOUR);
        }
        int vip = connVirtual[id];
        Wire.u32(s, inner + Ipv4Header.DST, vip);
        Ipv4Header.fillChecksum(s, inner, Ipv4Header.headerLength(s, inner));
        Wire.u16(s, innerL4 + 2, table.virtualPort(id));
        IcmpHeader.fillChecksum(s, l4, l4len);
        Ipv4Header.rewriteSrc(s, ip, vip);
        Ipv4Header.decrementTtl(s, ip);
        return sendInPlace(s, off, l2, mac);
    }

    // ---------------------------------------------------------------- connection synchronisation

    /** Master: after a client packet of {@code id}, queue it (and its template) when the kernel would. */
    /** A client packet of connection {@code id} (IPv6's): counted towards sync as the IPv4 path counts it. */
    private void clientPacket(int id) {
        if (sync != null) {
            syncOut(id);
        } else {
            connInPkts[id]++;
        }
    }

    private void syncOut(int id) {
        int pkts = ++connInPkts[id];
        if (syncNeeded(id, pkts)) {
            emit(id, connMark[id]);
        }
        int tpl = table.controllingTemplate(id);
        if (tpl >= 0) {
            // a template is sent with every sync of a connection it controls (default sync_period > 0)
            emit(tpl, table.protocol(tpl) == PersistenceKeys.FWMARK_PROTOCOL ? (int) table.virtualLo(tpl) : 0);
        }
    }

    /**
     * Master: {@code packets} client packets the fast path forwarded count towards the sync threshold as
     * the worker's would: the connection is queued once when one of them would have been the threshold
     * packet (3, 53, 103 ...), and its template once for them all (the worker queues it with every
     * client packet).
     */
    private void syncFastPath(int id, long packets) {
        int before = connInPkts[id];
        int toThreshold = Math.floorMod(SyncProtocol.SYNC_THRESHOLD - before, SyncProtocol.SYNC_PERIOD);
        if (toThreshold == 0) {
            toThreshold = SyncProtocol.SYNC_PERIOD;
        }
        connInPkts[id] = (int) (before + packets);
        if (toThreshold <= packets && syncNeeded(id, before + toThreshold)) {
            emit(id, connMark[id]);
        }
        int tpl = table.controllingTemplate(id);
        if (tpl >= 0) {
            emit(tpl, table.protocol(tpl) == PersistenceKeys.FWMARK_PROTOCOL ? (int) table.virtualLo(tpl) : 0);
        }
    }

    /** ip_vs_sync_conn_needed with the default sysctls (threshold 3, period 50, refresh period 0). */
    private boolean syncNeeded(int id, int pkts) {
        int state = table.state(id);
        int p = table.protocol(id);
        if (p == Ipv4Header.PROTO_TCP || p == Ipv4Header.PROTO_SCTP) {
            boolean tcp = p == Ipv4Header.PROTO_TCP;
            if (((1 << state) & (tcp ? TCP_SYNC_STATES : SCTP_SYNC_STATES)) == 0) {
                return false;
            }
            if (state != connOldState[id] && state != (tcp ? TcpState.ESTABLISHED : SctpState.ESTABLISHED)) {
                connOldState[id] = (byte) state;
                return true;
            }
        }
        if (pkts % SyncProtocol.SYNC_PERIOD != SyncProtocol.SYNC_THRESHOLD) {
            return false;
        }
        connOldState[id] = (byte) state;
        return true;
    }

    private void emit(int id, int mark) {
        boolean template = table.isTemplate(id);
        DestinationState d = table.destination(id);
        byte method = template ? (d == null ? M_MASQ : methodCode(d.config())) : connMethod[id];
        int flags = switch (method) {
            case M_DROUTE -> SyncProtocol.F_DROUTE;
            case M_TUNNEL, M_GUE, M_GUE_CSUM, M_GRE, M_GRE_CSUM -> SyncProtocol.F_TUNNEL;
            default -> SyncProtocol.F_MASQ;
        };
        if (template) {
            flags |= SyncProtocol.F_TEMPLATE;
        } else {
            if (table.isInputOnly(id)) {
                flags |= SyncProtocol.F_NOOUTPUT;
            }
            if (!table.isActive(id)) {
                flags |= SyncProtocol.F_INACTIVE;
            }
        }
        if (table.isV6(id)) {
            // IPv6 (the engine sip applies to IPv4 services here: no engine data)
            sync.offer6(table.protocol(id), flags, template ? 0 : table.state(id), table.clientPort(id),
                    table.virtualPort(id), table.destinationPort(id), mark, table.timeoutSeconds(id),
                    table.clientHi(id), table.clientLo(id), table.virtualHi(id), table.virtualLo(id),
                    table.destinationHi(id), table.destinationLo(id));
            return;
        }
        // a --pe sip template carries its Call-ID (the kernel's pe_data and pe_name options)
        int peLength = template && table.hasPeData(id) ? table.copyPeData(id, syncPeData, 0) : 0;
        sync.offer(table.protocol(id), flags, template ? 0 : table.state(id), table.clientPort(id),
                table.virtualPort(id), table.destinationPort(id), mark, table.timeoutSeconds(id),
                (int) table.clientLo(id), (int) table.virtualLo(id), (int) table.destinationLo(id),
                syncPeData, peLength);
    }

    /** Backup: creates or refreshes the entry a received record describes (ip_vs_proc_conn). */
    private void applySynced(SyncConn c) {
        if (c.v6()) {
            SyncDropReason refused = ipv6.applySynced(c, services, now);
            if (refused == null) {
                syncApplied++;
            } else {
                syncDrop(refused);
            }
            return;
        }
        if (!c.destination().isV4()) {
            syncDrop(SyncDropReason.UNSUPPORTED_FAMILY);
            return;
        }
        boolean template = c.template();
        int vaddr = c.virtualAddress().v4();
        int protocol = c.protocol();
        ServiceRuntime svc = c.fwmark() != 0 ? services.fwmark(c.fwmark()) : null;
        boolean markTemplate = template && protocol == PersistenceKeys.FWMARK_PROTOCOL;
        if (svc == null && markTemplate) {
            svc = services.fwmark(vaddr);
        }
        if (svc == null && !markTemplate) {
            svc = services.find(protocol, vaddr, c.virtualPort());
            if (svc == null) {
                svc = services.find(protocol, vaddr, 0);
            }
        }
        if (svc == null) {
            syncDrop(SyncDropReason.NO_SERVICE);
            return;
        }
        IpAddress daddr = c.destination();
        int index = svc.destinations().indexOf(daddr, c.destinationPort());
        if (index < 0) {
            index = svc.destinations().indexOf(daddr, 0);
        }
        DestinationState dest = index < 0 ? null : svc.destinations().get(index);
        byte method = dest == null ? 0 : methodCode(dest.config());
        if (method == 0) {
            syncDrop(SyncDropReason.NO_REAL_SERVER);
            return;
        }
        long caddr = c.client().v4() & 0xffffffffL;
        long vLo = vaddr & 0xffffffffL;
        long dLo = daddr.v4() & 0xffffffffL;
        int id;
        if (template && c.peData() != null) {
            id = applySyncedCallId(c, protocol, caddr, vLo, dLo, dest);
            if (id == UNKNOWN_PE) {
                syncDrop(SyncDropReason.UNKNOWN_PE);
                return;
            }
        } else if (template) {
            id = table.lookupTemplate(protocol, false, 0, caddr, 0, vLo, c.virtualPort());
            if (id >= 0 && (table.destinationLo(id) != dLo || table.destinationPort(id) != c.destinationPort())) {
                table.expireNow(id, now);
                id = table.lookupTemplate(protocol, false, 0, caddr, 0, vLo, c.virtualPort());
            }
            if (id < 0) {
                id = table.createTemplate(protocol, false, 0, caddr, 0, vLo, c.virtualPort(), false, 0, dLo,
                        c.destinationPort(), dest, c.timeoutSeconds() > 0 ? c.timeoutSeconds()
                                : SyncProtocol.V0_TEMPLATE_TIMEOUT, now);
            }
        } else {
            id = table.lookupIn(protocol, false, 0, caddr, c.clientPort(), 0, vLo, c.virtualPort());
            if (id >= 0 && (table.destinationLo(id) != dLo || table.destinationPort(id) != c.destinationPort())) {
                if ((c.flags() & SyncProtocol.F_INACTIVE) != 0) {
                    // the end of a connection already replaced on the master: ignored, as the kernel does
                    syncApplied++;
                    return;
                }
                table.expireNow(id, now);
                id = ConnTable.NO_ENTRY;
            }
            if (id < 0) {
                id = table.create(protocol, false, 0, caddr, c.clientPort(), 0, vLo, c.virtualPort(), false, 0, dLo,
                        c.destinationPort(), dest, method != M_MASQ, ConnTable.NO_ENTRY, now);
                if (id >= 0) {
                    connService[id] = svc.counters();
                    connVirtual[id] = vaddr;
                    connMethod[id] = method;
                    connMark[id] = c.fwmark();
                    if (ftp != null) {
                        ftp.created(id, method == M_MASQ && protocol == Ipv4Header.PROTO_TCP
                                && ftp.watches(c.virtualPort()));
                    }
                }
            }
        }
        if (id < 0) {
            syncDrop(SyncDropReason.TABLE_FULL);
            return;
        }
        if (!template) {
            connInPkts[id] = SyncProtocol.SYNC_THRESHOLD;
            connOldState[id] = (byte) c.state();
        }
        table.restore(id, c.state(), c.timeoutSeconds(), now);
        syncApplied++;
    }

    private static final int UNKNOWN_PE = -2;

    /** Backup: the template of a record with persistence-engine data (sip's Call-ID), found or made. */
    private int applySyncedCallId(SyncConn c, int protocol, long caddr, long vLo, long dLo, DestinationState dest) {
        if (!ConnTable.PE_NAME.equals(c.peName())) {
            return UNKNOWN_PE;
        }
        MemorySegment pe = MemorySegment.ofArray(c.peData());
        int n = c.peData().length;
        int id = table.lookupTemplate(protocol, caddr, vLo, c.virtualPort(), pe, 0, n);
        if (id >= 0 && (table.destinationLo(id) != dLo || table.destinationPort(id) != c.destinationPort())) {
            table.expireNow(id, now);
            id = table.lookupTemplate(protocol, caddr, vLo, c.virtualPort(), pe, 0, n);
        }
        if (id < 0) {
            id = table.createTemplate(protocol, caddr, vLo, c.virtualPort(), pe, 0, n, false, 0, dLo,
                    c.destinationPort(), dest, c.timeoutSeconds() > 0 ? c.timeoutSeconds()
                            : SyncProtocol.V0_TEMPLATE_TIMEOUT, now);
        }
        return id;
    }

    private void syncDrop(SyncDropReason reason) {
        syncDrops[reason.ordinal()]++;
    }

    // ---------------------------------------------------------------- ARP

    private Verdict arp(MemorySegment s, long off, int l2, int len) {
        long a = off + l2;
        if (!config.answerArp() || len - l2 < ArpHeader.LENGTH || !ArpHeader.isEthernetIpv4(s, a)
                || ArpHeader.op(s, a) != ArpHeader.OP_REQUEST) {
            return Verdict.PASS;
        }
        int target = ArpHeader.targetIp(s, a);
        if (target == 0 || !services.isVirtualAddress(target)) {
            return Verdict.PASS;
        }
        return egress.arpReply(s, off, l2, target) ? Verdict.REPLY : drop(DropReason.TX_FULL);
    }
}
