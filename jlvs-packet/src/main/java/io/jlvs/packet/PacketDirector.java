package io.jlvs.packet;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.sys.BpfFilter;
import io.jlvs.sys.BpfLoadException;
import io.jlvs.sys.ClientFanout;
import io.jlvs.sys.TxMode;
import io.jlvs.sys.XdpSteering;
import io.jlvs.sys.XskSocket;
import io.jlvs.sys.InterfaceAddress;
import io.jlvs.sys.LinkInfo;
import io.jlvs.sys.NativeIoException;
import io.jlvs.sys.NetnsLock;
import io.jlvs.sys.ProbeResult;
import io.jlvs.sys.RtNetlink;
import io.jlvs.sys.SysProbe;
import io.jlvs.sys.Syscalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The packet data plane running on this host: AF_PACKET sockets on the director's interfaces, one
 * {@link Dataplane} per worker platform thread, next hops from the kernel ({@link KernelNeighbours}), a
 * packet filter that lets only virtual-service and NAT-reply frames up to user space (rebuilt when the
 * engine publishes a snapshot with other addresses), and the nftables table that keeps the kernel from
 * answering or forwarding those frames itself ({@link KernelGuard}).
 *
 * <p>{@link #start} probes first and throws {@link IllegalStateException} with the one line that says why
 * the data plane cannot start. {@link #close} stops the workers, closes the sockets and removes the
 * nftables table. Thread-safe.
 */
public final class PacketDirector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PacketDirector.class.getName());
    private static final long REFRESH_NANOS = 50_000_000L;
    /** Links are checked every 20 refresher passes: once a second. */
    private static final int LINK_CHECK_PASSES = 20;
    private static final int IFF_UP = 1;
    /** A relink round a worker could not complete ({@link #relinkTurns}). */
    private static final int FAILED_ROUND = 0xffff;
    private static final int POLL_MILLIS = 2;
    private static final long JOIN_MILLIS = 5000;
    /** The {@link NetnsLock} of the network namespace's packet data plane ({@code ss -xlp} shows its holder). */
    static final String LOCK = "jlvs-packet-data-plane";
    private static final String ANOTHER_DIRECTOR = "packet data plane cannot start: another jlvs runs the packet "
            + "data plane in this network namespace (ss -xlp | grep " + LOCK + " names it); stop it first";
    /** How long several workers drop unclaimed NAT real-server frames after their fanout changed. */
    private static final long UNCLAIMED_HOLD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PacketDirectorSettings settings;
    private final int localAddress;
    /** The namespace's net.ipv4.icmp_* limits, read at start: the ICMP errors the workers send obey them. */
    private final IcmpLimits icmpLimits;
    /**
     * Every IPv4 address of the director's (all interfaces, the virtual ones too), read once a second by the
     * refresher: with AF_XDP, frames to these from a NAT real server are the director's own traffic (health
     * checks, an operator's curl) and go to the kernel, not the worker.
     */
    private volatile Set<IpAddress> ownAddresses;
    /** The director's IPv6 addresses (frames from NAT real servers to them are the kernel's). */
    private volatile Set<IpAddress> ownAddresses6 = Set.of();
    /** The IPVS sysctls in force (guarded by this). */
    private ConnTableSettings connSettings;
    private final KernelNeighbours neighbours;
    private final KernelGuard guard;
    private final List<Worker> workers = new ArrayList<>();
    private final Thread refresher;
    private final RtNetlink rtnl;
    private final KernelRoutes kernel;
    private final FwmarkClassifier classifier;
    private final ReceiveOffloads offloads;
    /** Held while this director owns the network namespace's packet data plane (with the guard); else null. */
    private NetnsLock lock;
    /** The XDP fast path of AF_PACKET workers ({@code offloadAfter} without AF_XDP), else null. */
    private FastPathLinks fastPath;
    /** Turned off on links re-created while running; refresher-owned until close. */
    private final List<ReceiveOffloads> relinkedOffloads = new CopyOnWriteArrayList<>();
    /** Each link's interface index as the refresher last saw it, and whether it is missing now (refresher-owned). */
    private final int[] linkIndexes;
    private final boolean[] linkGone;
    /** The index of a re-created link last reported as still down (refresher-owned). */
    private final int[] downSeen;
    /** Each link's MTU as the refresher last saw it (refresher-owned). */
    private final int[] linkMtus;
    /** Per link, how many times it was re-created; the workers reopen their sockets when theirs lags. */
    private final AtomicIntegerArray relinks;
    /** Per link, whose turn it is to reopen: {@link #turn}(generation, worker). */
    private final AtomicLongArray relinkTurns;
    /** Per link, 1 when a worker could not rejoin: the refresher starts a new round. */
    private final AtomicIntegerArray relinkAgain;
    /** Per link, rounds in a row some worker could not complete, and when the next may start (refresher-owned). */
    private final int[] failedRounds;
    private final long[] nextRound;
    private volatile int linkEpoch;
    /** Each link's MAC as the refresher last saw it (a new array when one changes); 0 until first seen. */
    private volatile long[] linkMacs;
    private volatile boolean running = true;
    private volatile FilterState filter;
    private boolean closed;

    /** The addresses the packet filter and the kernel guard are built from. */
    /**
     * @param fanoutHash how the fanout program hashes a client: its IPv4 netmask, whether ports count, whether
     *                   IPv6 is spread and its prefix length (-1: no program)
     */
    private record FilterState(Set<IpAddress> destinations, Set<IpAddress> masqServers,
                               Set<XdpSteering.ServerPort> masqPorts, BpfFilter bpf, String guardScript,
                               BpfFilter fanout, long fanoutHash) {
    }

    private final class Worker {
        final Dataplane dataplane;
        final WorkerLinks io;
        final Thread thread;
        volatile long ringDrops;
        volatile long otherHost;
        private boolean warnedOversized;
        /** Until when unclaimed frames are dropped rather than routed ({@link #holdUnclaimed}); 0: not held. */
        private long unclaimedHeldUntil;

        final int id;

        /** The filter this worker's sockets were opened with. */
        private final FilterState builtWith;

        Worker(int id, int fanoutBase) {
            this.id = id;
            FilterState filter = PacketDirector.this.filter;
            this.builtWith = filter;
            XdpLinkGroupIo xdp = null;
            LinkGroupIo afPacket = null;
            if (settings.afXdp()) {
                xdp = new XdpLinkGroupIo(settings.interfaces(), POLL_MILLIS, ownAddresses,
                        neighbours, settings.xdpMode(), settings.offloadAfter() >= 0 ? flowCapacity() : 0);
                io = xdp;
                io.steer(filter.destinations(), filter.masqServers(), filter.masqPorts(), filter.bpf());
            } else {
                afPacket = new LinkGroupIo(settings.interfaces(), fanoutBase, POLL_MILLIS, settings.ringVersion(),
                        settings.txMode(), settings.qdiscBypass(), filter.bpf(), filter.fanout(), neighbours);
                io = afPacket;
                if (settings.answerArp()) {
                    try {
                        afPacket.receiveAllMulticast();
                    } catch (RuntimeException e) {
                        afPacket.close();
                        throw e;
                    }
                }
            }
            DataplaneConfig cfg = new DataplaneConfig(localAddress, settings.connCapacity(), settings.connSettings(),
                    System.nanoTime() ^ ((long) id << 32), 1024, settings.answerArp(), id << 12, icmpLimits,
                    settings.ftpPorts(), settings.ftpPassivePorts());
            dataplane = new Dataplane(io, cfg, neighbours, System::nanoTime);
            if (xdp != null && xdp.flowOffload() != null) {
                dataplane.offloadTo(xdp.flowOffload(), settings.offloadAfter());
            } else if (afPacket != null && fastPath != null) {
                dataplane.offloadTo(fastPath.forWorker(id, afPacket), settings.offloadAfter());
            }
            dataplane.fwmarkClassifier(classifier);
            // the guard drops the kernel's copy of a NAT real server's answers, the XDP program keeps them all
            // (and every fragment of such a server) from the kernel: the worker routes what has no connection.
            // With several workers the fanout program hands a frame to the worker of its client, so a reply
            // meets its connection; only while the workers rejoin a re-created link or a fanout program changes
            // can one reach a worker that lacks it, and routed it would reach the client untranslated and draw
            // a RST that ends the connection, where a drop is retransmitted: routing pauses then (holdUnclaimed)
            dataplane.routeUnclaimed(routesUnclaimed(), settings.afXdp());
            thread = Thread.ofPlatform().name("jlvs-packet-" + id).daemon(true).unstarted(this::loop);
        }

        private void loop() {
            if (settings.workerNice() != 0) {
                try {
                    new Syscalls().setThreadNice(settings.workerNice());
                } catch (NativeIoException e) {
                    LOG.log(System.Logger.Level.WARNING, "packet worker " + Thread.currentThread().getName()
                            + " keeps its priority: " + e.getMessage());
                }
            }
            FilterState applied = builtWith;
            Set<IpAddress> appliedOwn = null;
            Set<IpAddress> appliedOwn6 = null;
            int appliedEpoch = linkEpoch;
            int[] appliedRelinks = new int[relinks.length()];
            long[] appliedMacs = null;
            long nextStats = System.nanoTime();
            long busyPollNanos = settings.busyPollMicros() * 1000L;
            long idleSince = 0;
            try {
                while (running) {
                    FilterState f = filter;
                    if (f != applied) {
                        try {
                            io.steer(f.destinations(), f.masqServers(), f.masqPorts(), f.bpf());
                        } catch (NativeIoException e) {
                            // a full map of the XDP program: the worker goes on with what it holds
                            LOG.log(System.Logger.Level.ERROR, "the XDP program does not steer every virtual "
                                    + "address and NAT real server (it holds at most " + XdpSteering.MAX_ADDRESSES
                                    + " addresses and " + XdpSteering.MAX_SERVER_PORTS + " real-server ports); "
                                    + "traffic of the others reaches the kernel: " + e.getMessage());
                        }
                        if (!java.util.Objects.equals(f.fanout(), applied.fanout())) {
                            if (f.fanoutHash() != applied.fanoutHash()) {
                                // every client hashed anew (a persistent service's netmask, ports no longer
                                // counted); a new virtual address changes only the frames sent to it
                                holdUnclaimed(System.nanoTime());
                            }
                            newFanoutProgram(f.fanout());
                        }
                        applied = f;
                    }
                    Set<IpAddress> own6 = ownAddresses6;
                    if (own6 != appliedOwn6) {
                        appliedOwn6 = own6;
                        dataplane.ownAddresses6(own6);
                    }
                    Set<IpAddress> own = ownAddresses;
                    if (own != appliedOwn) {
                        appliedOwn = own;
                        dataplane.ownAddresses(own.stream().mapToInt(IpAddress::v4).toArray());
                        try {
                            io.ownAddresses(own);
                        } catch (NativeIoException e) {
                            LOG.log(System.Logger.Level.ERROR, "the XDP program does not know every address of the "
                                    + "director (replies from NAT real servers to the others reach the worker and "
                                    + "are lost): " + e.getMessage());
                        }
                    }
                    int epoch = linkEpoch;
                    if (epoch != appliedEpoch) {
                        appliedEpoch = epoch;
                        holdUnclaimed(System.nanoTime());
                        reopenRelinked(appliedRelinks);
                        // a link gone or back: fast-path entries may leave by an interface that is no more
                        dataplane.linksReopened();
                    }
                    if (dataplane.runOnce() != 0) {
                        idleSince = 0;
                    } else {
                        long idleNow = System.nanoTime();
                        if (idleSince == 0) {
                            idleSince = idleNow;
                        }
                        if (idleNow - idleSince < busyPollNanos) {
                            // busy poll: a frame arriving now is taken without a wake-up
                            Thread.onSpinWait();
                        } else {
                            idleSince = 0;
                            // wait outside runOnce: the next runOnce picks up a snapshot published meanwhile
                            // (a weight change, say) before it handles the frame that woke us
                            io.awaitFrames();
                        }
                    }
                    long now = System.nanoTime();
                    if (now - nextStats > 0) {
                        ringDrops = io.ringDrops();
                        otherHost = io.otherHostFrames();
                        long[] macs = linkMacs;
                        if (macs != appliedMacs) {
                            appliedMacs = macs;
                            io.linkMacs(macs);
                        }
                        nextStats = now + TimeUnit.SECONDS.toNanos(1);
                        if (unclaimedHeldUntil != 0 && now - unclaimedHeldUntil > 0) {
                            if (relinksSettled()) {
                                unclaimedHeldUntil = 0;
                                dataplane.routeUnclaimed(routesUnclaimed(), settings.afXdp());
                            } else {
                                // a round still failing (backing off up to 64 s): the workers do not agree yet
                                unclaimedHeldUntil = now + UNCLAIMED_HOLD_NANOS;
                            }
                        }
                        if (!warnedOversized && dataplane.drops(DropReason.OVERSIZED) > 0) {
                            warnedOversized = true;
                            LOG.log(System.Logger.Level.WARNING, "frames longer than the MTU reach the packet "
                                    + "data plane cut short and are dropped (drop_oversized): merged segments "
                                    + "from GRO/LRO left on a link the data plane could not change, or UDP "
                                    + "super-packets (UDP_SEGMENT) from a sender on this host; turn gro/lro "
                                    + "off on the link or gso off on the sender (ethtool -K DEV gro off lro "
                                    + "off gso off)");
                        }
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "packet worker " + Thread.currentThread().getName()
                        + " stopped: " + e.getMessage(), e);
            } finally {
                try {
                    // its connections leave the fast path with it: an entry nobody sweeps would send a later
                    // connection with the same addresses and ports to the old real server
                    dataplane.offloadTo(null, 0);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "packet worker " + Thread.currentThread().getName()
                            + " could not take its connections back from the XDP fast path: " + e.getMessage());
                }
                io.close();
            }
        }

        /** True when every worker has rejoined every re-created link (no relink round open or failing). */
    private boolean relinksSettled() {
        for (int i = 0; i < relinks.length(); i++) {
            int generation = relinks.get(i);
            if (generation != 0 && relinkTurns.get(i) != turn(generation, workers.size())) {
                return false;
            }
        }
        return true;
    }

    /** Whether this worker routes NAT real servers' frames that belong to no connection of its. */
        private boolean routesUnclaimed() {
            return settings.kernelGuard() || settings.afXdp();
        }

        /**
         * With several workers: stops routing unclaimed frames for {@link #UNCLAIMED_HOLD_NANOS} (a relink round,
         * a new fanout program), so that a reply whose connection another worker holds until the workers
         * agree again is dropped (and retransmitted), not sent on untranslated.
         */
        private void holdUnclaimed(long now) {
            if (settings.workers() > 1 && routesUnclaimed()) {
                dataplane.routeUnclaimed(false, settings.afXdp());
                unclaimedHeldUntil = now + UNCLAIMED_HOLD_NANOS;
            }
        }

        /**
         * Every worker keeps the fanout groups' new program (its sockets install it when they join a group
         * again); worker 0 installs it (one per group is enough; the kernel waits for readers of the old one,
         * so only one worker pays that).
         */
        private void newFanoutProgram(BpfFilter program) {
            try {
                io.fanoutProgram(program, id == 0);
            } catch (NativeIoException e) {
                LOG.log(System.Logger.Level.ERROR, "fanout program not replaced (connections to new virtual "
                        + "addresses may reach the wrong worker): " + e.getMessage());
            }
        }

        /**
         * Worker thread: new sockets on the links re-created (or with a new MTU) since the last call, joined in
         * worker order. When this worker cannot (its turn never came, or the socket could not be opened), it
         * does not pass the turn on but marks the round failed and asks the refresher for a new one, in which
         * every worker joins a fresh group in order again: a group joined out of order would send a NAT
         * connection's two directions to two workers.
         */
        private void reopenRelinked(int[] applied) {
            for (int i = 0; i < applied.length; i++) {
                int g = relinks.get(i);
                if (g == applied[i]) {
                    continue;
                }
                applied[i] = g;
                if (!awaitRelinkTurn(i, g)) {
                    if ((relinkTurns.get(i) >>> 32) == g) { // not when a newer round has begun meanwhile
                        relinkTurns.compareAndSet(i, relinkTurns.get(i), turn(g, FAILED_ROUND));
                        relinkAgain.set(i, 1);
                    }
                    continue;
                }
                try {
                    io.relink(i, g);
                    if (id == workers.size() - 1 && id > 0) {
                        // the last to join installs the program of now, should the addresses have changed
                        // while the workers rejoined (each join installs the joining worker's own)
                        io.fanoutProgram(PacketDirector.this.filter.fanout(), true);
                    }
                    relinkTurns.compareAndSet(i, turn(g, id), turn(g, id + 1));
                } catch (RuntimeException e) {
                    // NativeIoException, BpfLoadException (a program the kernel will not load just now): the
                    // worker goes on with its other links and tries again in the next round
                    if (relinkTurns.compareAndSet(i, turn(g, id), turn(g, FAILED_ROUND))) {
                        relinkAgain.set(i, 1);
                    }
                    LOG.log(System.Logger.Level.WARNING, "packet worker " + Thread.currentThread().getName()
                            + " could not reopen its socket on " + settings.interfaces().get(i) + " (every worker "
                            + "tries again later): " + e.getMessage());
                }
            }
        }

        /**
         * Workers join a re-created link's new fanout group in their order, as they joined the first groups at
         * start: the group picks members by position, and a NAT connection's two directions, on two links,
         * must pick the same worker. Waits at most a second for the previous worker; false when the round
         * failed or the turn did not come.
         */
        private boolean awaitRelinkTurn(int link, int generation) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long seen = -1;
            while (running && System.nanoTime() - end < 0) {
                long t = relinkTurns.get(link);
                if (t == turn(generation, id)) {
                    return true;
                }
                if (t == turn(generation, FAILED_ROUND) || (t >>> 32) != generation) {
                    return false;
                }
                if (t != seen) { // the round moves on: a second for each worker, not for the whole round
                    seen = t;
                    end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                LockSupport.parkNanos(100_000);
            }
            return false;
        }
    }

    private static long turn(int generation, int worker) {
        return (long) generation << 32 | worker;
    }

    /** Flow directions the XDP fast path holds: both directions of as many connections as fit, at most 128 Ki. */
    private int flowCapacity() {
        return (int) Math.min(2L * settings.connCapacity(), 1 << 17);
    }

    /**
     * What {@link #start} checks before it changes anything, on its own, so that a daemon can say in one line
     * why its packet data plane cannot start before it loads a configuration or starts checkers: the
     * settings fit together, the process may open the sockets, every interface exists, none is stacked on
     * another, and the first has an IPv4 address (unless the settings give one).
     *
     * @throws IllegalStateException with that line
     */
    public static void check(PacketDirectorSettings settings) {
        checkSettings(settings);
        try {
            if (settings.kernelGuard() && NetnsLock.heldElsewhere(LOCK)) {
                throw new IllegalStateException(ANOTHER_DIRECTOR);
            }
        } catch (NativeIoException e) {
            throw new IllegalStateException("packet data plane cannot start: its lock: " + e.getMessage());
        }
        if (settings.localAddress() != null) {
            return;
        }
        String first = settings.interfaces().getFirst();
        try (RtNetlink rtnl = RtNetlink.open()) {
            LinkInfo link = rtnl.link(first).orElseThrow(() -> new IllegalStateException(
                    "packet data plane cannot start: no such interface: " + first));
            firstAddress(rtnl, link.index(), first);
        } catch (NativeIoException e) {
            throw new IllegalStateException("packet data plane cannot start: rtnetlink refused: " + e.getMessage());
        }
    }

    private static void checkSettings(PacketDirectorSettings settings) {
        if (settings.afXdp()) {
            String why = settings.workers() != 1 ? "one worker (it serves every receive queue)"
                    : !settings.fwmarkRules().isEmpty() ? "no fwmark rules"
                    : settings.answerArp() ? "no ARP answering" : null;
            if (why != null) {
                throw new IllegalStateException("packet data plane cannot start: AF_XDP I/O needs " + why);
            }
            ProbeResult x = XskSocket.probe();
            if (!x.ok()) {
                throw new IllegalStateException(x.message());
            }
        }
        for (String name : settings.interfaces()) {
            ProbeResult r = SysProbe.forThisProcess().probe(name);
            if (!r.ok()) {
                throw new IllegalStateException(r.message());
            }
        }
        LinkStack.overlap(LinkStack.SYS_CLASS_NET, settings.interfaces()).ifPresent(why -> {
            throw new IllegalStateException("packet data plane cannot start: " + why);
        });
    }

    /**
     * Whether the links keep GRO: AF_PACKET workers forward what it merged whole (measured: iperf3 through NAT
     * 3.3 times as fast as frame by frame, docs/benchmarks.md); the XDP programs take frame by frame.
     */
    static boolean keepsGro(PacketDirectorSettings settings) {
        return !settings.afXdp() && settings.offloadAfter() < 0;
    }

    private PacketDirector(IpvsEngine engine, PacketDirectorSettings settings) {
        this.settings = settings;
        this.classifier = new FwmarkClassifier(settings.fwmarkRules());
        this.connSettings = settings.connSettings();
        checkSettings(settings);
        this.offloads = ReceiveOffloads.prepare(settings.interfaces(), keepsGro(settings));
        try {
            this.rtnl = RtNetlink.open();
            this.kernel = KernelRoutes.of(rtnl);
        } catch (NativeIoException e) {
            offloads.close();
            throw new IllegalStateException("packet data plane cannot start: rtnetlink refused: " + e.getMessage());
        }
        try {
            int[] indexes = new int[settings.interfaces().size()];
            int[] mtus = new int[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                String name = settings.interfaces().get(i);
                LinkInfo link = rtnl.link(name).orElseThrow(() -> new IllegalStateException(
                        "packet data plane cannot start: no such interface: " + name));
                indexes[i] = link.index();
                mtus[i] = link.mtu();
            }
            this.localAddress = settings.localAddress() != null ? settings.localAddress().v4()
                    : firstAddress(rtnl, indexes[0], settings.interfaces().get(0));
            this.ownAddresses = ownAddresses(rtnl.addresses());
            this.ownAddresses6 = ownAddresses6(rtnl.addresses6());
            this.icmpLimits = IcmpLimits.read(java.nio.file.Path.of("/proc/sys/net/ipv4"));
            this.neighbours = new KernelNeighbours(indexes);
            this.linkIndexes = indexes.clone();
            this.linkGone = new boolean[indexes.length];
            this.linkMtus = mtus;
            this.downSeen = new int[indexes.length];
            this.relinks = new AtomicIntegerArray(indexes.length);
            this.relinkTurns = new AtomicLongArray(indexes.length);
            this.relinkAgain = new AtomicIntegerArray(indexes.length);
            this.failedRounds = new int[indexes.length];
            this.nextRound = new long[indexes.length];
            this.linkMacs = new long[indexes.length];
            if (settings.kernelGuard()) {
                // one director per network namespace: a second one would replace the guard of the first, and
                // delete it when it stops, after which every virtual address answers with a RST
                try {
                    lock = NetnsLock.tryAcquire(LOCK).orElseThrow(() -> new IllegalStateException(ANOTHER_DIRECTOR));
                } catch (NativeIoException e) {
                    throw new IllegalStateException("packet data plane cannot start: its lock: " + e.getMessage());
                }
            }
            this.guard = settings.kernelGuard() ? new KernelGuard(settings.nftCommand()) : null;
            if (guard != null) {
                try {
                    guard.install(KernelGuard.script(List.of(), List.of(), Set.of()));
                } catch (IOException e) {
                    throw new IllegalStateException("packet data plane cannot start: " + e.getMessage()
                            + " (is nftables installed? apt-get install nftables)");
                }
            }
            this.filter = filterFor(engine.snapshot());
            if (!settings.afXdp() && settings.offloadAfter() >= 0) {
                try {
                    fastPath = new FastPathLinks(settings.interfaces(), settings.xdpMode(), flowCapacity());
                } catch (NativeIoException | BpfLoadException e) {
                    throw new IllegalStateException("packet data plane cannot start: the XDP fast path: "
                            + e.getMessage());
                }
            }
            int fanoutBase = (int) ((ProcessHandle.current().pid() * 7) & 0x7f00);
            try {
                for (int i = 0; i < settings.workers(); i++) {
                    workers.add(new Worker(i, fanoutBase));
                }
            } catch (NativeIoException | BpfLoadException e) {
                workers.forEach(w -> w.io.close());
                throw new IllegalStateException("packet data plane cannot start: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            if (fastPath != null) {
                fastPath.close();
            }
            removeGuardQuietly();
            if (lock != null) {
                lock.close();
            }
            rtnl.close();
            offloads.close();
            throw e;
        }
        this.refresher = Thread.ofPlatform().name("jlvs-neighbours").daemon(true).unstarted(this::refreshLoop);
    }

    /**
     * Probes, opens the sockets, follows {@code engine}'s snapshots and lists its connections in the
     * engine's -Lc, then starts the workers. Throws {@link IllegalStateException} with one line when the
     * data plane cannot start.
     */
    public static PacketDirector start(IpvsEngine engine, PacketDirectorSettings settings) {
        PacketDirector d = new PacketDirector(engine, settings);
        for (Worker w : d.workers) {
            w.dataplane.attachTo(engine);
        }
        engine.addSnapshotListener(d::onSnapshot);
        d.refresher.start();
        for (Worker w : d.workers) {
            w.thread.start();
        }
        LOG.log(System.Logger.Level.INFO, "packet data plane started on " + String.join(", ", settings.interfaces())
                + ": " + d.describe());
        return d;
    }

    /** How it runs, for the start line: I/O, workers, fast path, guard, fwmark rules. */
    private String describe() {
        StringBuilder b = new StringBuilder(settings.afXdp() ? "AF_XDP" : "AF_PACKET " + settings.ringVersion()
                + " rings, " + (settings.txMode() == TxMode.TX_RING ? "transmit ring" : "sendto"));
        b.append(", ").append(settings.workers()).append(settings.workers() == 1 ? " worker" : " workers");
        if (settings.busyPollMicros() > 0) {
            b.append(", busy poll ").append(settings.busyPollMicros()).append(" us");
        }
        if (settings.offloadAfter() >= 0) {
            b.append(", XDP fast path after ").append(settings.offloadAfter()).append(" packets");
        }
        b.append(settings.kernelGuard() ? ", nftables guard" : ", no kernel guard");
        if (!settings.fwmarkRules().isEmpty()) {
            b.append(", ").append(settings.fwmarkRules().size()).append(" fwmark rule")
                    .append(settings.fwmarkRules().size() == 1 ? "" : "s");
        }
        if (!settings.ftpPorts().isEmpty()) {
            b.append(", FTP helper on port").append(settings.ftpPorts().size() == 1 ? " " : "s ")
                    .append(String.join(",", settings.ftpPorts().stream().map(String::valueOf).toList()));
            if (settings.ftpPassivePorts() != null) {
                b.append(" (passive ports ").append(settings.ftpPassivePorts()).append(')');
            }
        }
        return b.toString();
    }

    /** The IPv4 ones among {@code addresses}, and the director's address. */
    private Set<IpAddress> ownAddresses(List<InterfaceAddress> addresses) {
        Set<IpAddress> own = new HashSet<>();
        own.add(IpAddress.ofV4(localAddress));
        for (InterfaceAddress a : addresses) {
            if (a.address().isV4()) {
                own.add(a.address());
            }
        }
        return Set.copyOf(own);
    }

    private static Set<IpAddress> ownAddresses6(List<InterfaceAddress> addresses) {
        Set<IpAddress> own = new HashSet<>();
        for (InterfaceAddress a : addresses) {
            if (!a.address().isV4()) {
                own.add(a.address());
            }
        }
        return Set.copyOf(own);
    }

    private static int firstAddress(RtNetlink rtnl, int index, String name) {
        for (InterfaceAddress a : rtnl.addresses()) {
            if (a.interfaceIndex() == index && a.address().isV4()) {
                return a.address().v4();
            }
        }
        throw new IllegalStateException("packet data plane cannot start: " + name + " has no IPv4 address (the "
                + "director's own, which its ICMP errors and tunnels come from): add one, e.g. ip addr add "
                + "192.0.2.2/24 dev " + name);
    }

    // ---------------------------------------------------------------- snapshots

    private synchronized void onSnapshot(ForwardingSnapshot snapshot) {
        if (closed) {
            return;
        }
        FilterState next = filterFor(snapshot);
        FilterState now = filter;
        if (now != null && next.destinations().equals(now.destinations())
                && next.masqServers().equals(now.masqServers()) && next.masqPorts().equals(now.masqPorts())
                && java.util.Objects.equals(next.bpf(), now.bpf())
                && java.util.Objects.equals(next.fanout(), now.fanout())
                && next.guardScript().equals(now.guardScript())) {
            return;
        }
        filter = next;
    }

    /** What the guard and the steering take from the kernel for a snapshot (no side effects; tests call it). */
    record Taken(Set<IpAddress> destinations, Set<IpAddress> masq, Set<Integer> realServers,
                 Set<XdpSteering.ServerPort> masqPorts, String script, List<KernelGuard.Range> ranges,
                 List<KernelGuard.Range> ftpRanges, int clientMask, boolean persistent, boolean ftp,
                 Set<IpAddress> destinations6, Set<IpAddress> masq6, Set<IpAddress> realServers6,
                 int clientPrefix6) {
    }

    static Taken taken(ForwardingSnapshot snapshot, PacketDirectorSettings settings) {
        Set<IpAddress> destinations = new TreeSet<>();
        Set<IpAddress> masq = new TreeSet<>();
        List<KernelGuard.Service> masqGuard = new ArrayList<>();
        Set<XdpSteering.ServerPort> masqPorts = new java.util.HashSet<>();
        Set<Integer> realServers = new TreeSet<>();
        List<KernelGuard.Service> services = new ArrayList<>();
        // IPv6 (TCP and UDP, DR and NAT; not with AF_XDP, whose program steers IPv4 only)
        Set<IpAddress> destinations6 = new TreeSet<>();
        Set<IpAddress> masq6 = new TreeSet<>();
        Set<IpAddress> realServers6 = new java.util.HashSet<>();
        List<KernelGuard.Service> services6 = new ArrayList<>();
        List<KernelGuard.Service> masqGuard6 = new ArrayList<>();
        List<KernelGuard.Range> ftpRanges6 = new ArrayList<>();
        List<KernelGuard.Range> masqSourceRanges6 = new ArrayList<>();
        // the widest persistence granularity, by family: the fanout program keeps such a client network on one
        // worker (IPv6 clients are hashed by address only, masked to the shortest prefix length)
        int clientMask = -1;
        boolean persistent = false;
        int clientPrefix6 = 128;
        // FTP services (the helper's ports): their data connections use other ports of the virtual address and
        // of the MASQ real servers, and must reach the worker of their control connection
        List<KernelGuard.Range> ftpRanges = new ArrayList<>();
        List<KernelGuard.Range> masqSourceRanges = new ArrayList<>();
        boolean ftp = false;
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : snapshot.services().entrySet()) {
            // a service whose real servers are all FULLNAT (or otherwise not the data plane's) is the kernel's:
            // the proxy listens there, so the guard must let its packets through
            boolean forwarded = e.getKey() instanceof InetServiceKey k && !k.address().isV4()
                    ? Ipv6Forwarder.forwards(e.getValue()) : Dataplane.forwards(e.getValue());
            if (e.getValue().config().persistent()) {
                if (e.getKey().family() == AddressFamily.INET) {
                    persistent = true;
                    clientMask &= e.getValue().config().netmask();
                } else {
                    clientPrefix6 = Math.min(clientPrefix6, Math.clamp(e.getValue().config().netmask(), 0, 128));
                }
            }
            if (forwarded && e.getKey() instanceof InetServiceKey k && k.address().isV4()) {
                destinations.add(k.address());
                services.add(new KernelGuard.Service(k.address(), k.protocol().lowerName(), k.port()));
                // with AF_XDP, what the program steers to the virtual address: the service's port (0: all)
                masqPorts.add(new XdpSteering.ServerPort(k.address(), k.protocol().number(), k.port()));
            }
            boolean ftpService = forwarded && e.getKey() instanceof InetServiceKey k && k.address().isV4()
                    && k.protocol() == Protocol.TCP && k.port() != 0 && settings.ftpPorts().contains(k.port());
            if (ftpService) {
                IpAddress vip = ((InetServiceKey) e.getKey()).address();
                ftp = true;
                for (KernelGuard.Range r : ftpVirtualRanges((InetServiceKey) e.getKey(), settings.ftpPassivePorts())) {
                    ftpRanges.add(r);
                    // with AF_XDP the same ports are steered (every port: one entry, port 0)
                    if (r.portFrom() == 1 && r.portTo() == 65535) {
                        masqPorts.add(new XdpSteering.ServerPort(vip, Protocol.TCP.number(), 0));
                    } else {
                        addPorts(masqPorts, vip, r.portFrom(), r.portTo());
                    }
                }
            }
            if (forwarded && e.getKey() instanceof InetServiceKey k && !k.address().isV4() && !settings.afXdp()
                    && (k.protocol() == Protocol.TCP || k.protocol() == Protocol.UDP)) {
                destinations6.add(k.address());
                services6.add(new KernelGuard.Service(k.address(), k.protocol().lowerName(), k.port()));
                // an IPv6 FTP service: its data connections' ports, as for IPv4 (the AF_XDP program steers no IPv6;
                // the fanout hashes IPv6 clients by address only, so its data connections meet their control
                // connection's worker without asking the IPv4 hash to drop the ports)
                FtpPassivePorts pasv = settings.ftpPassivePorts();
                boolean ftp6 = k.protocol() == Protocol.TCP && k.port() != 0 && settings.ftpPorts().contains(k.port());
                if (ftp6) {
                    ftpRanges6.addAll(ftpVirtualRanges(k, pasv));
                }
                for (DestinationState d : e.getValue().destinations().asList()) {
                    IpAddress a = d.config().address();
                    if (a.isV4()) {
                        continue;
                    }
                    realServers6.add(a);
                    if (d.config().method() == ForwardingMethod.MASQ) {
                        masq6.add(a);
                        masqGuard6.add(new KernelGuard.Service(a, k.protocol().lowerName(), d.config().port()));
                        if (ftp6 && pasv == null) {
                            masqGuard6.add(new KernelGuard.Service(a, "tcp", 0));
                        } else if (ftp6) {
                            masqSourceRanges6.add(new KernelGuard.Range(a, a, "tcp", pasv.from(), pasv.to()));
                            if (d.config().port() > 1) {
                                masqGuard6.add(new KernelGuard.Service(a, "tcp", d.config().port() - 1));
                            }
                        }
                    }
                }
            }
            for (DestinationState d : e.getValue().destinations().asList()) {
                IpAddress a = d.config().address();
                if (!a.isV4()) {
                    continue;
                }
                realServers.add(a.v4());
                if (d.config().method() == ForwardingMethod.MASQ) {
                    masq.add(a);
                    boolean inet = e.getKey() instanceof InetServiceKey;
                    masqGuard.add(new KernelGuard.Service(a, inet ? ((InetServiceKey) e.getKey()).protocol()
                            .lowerName() : "*", inet ? d.config().port() : 0));
                    if (ftpService && settings.ftpPassivePorts() == null) {
                        masqGuard.add(new KernelGuard.Service(a, "tcp", 0));
                        masqPorts.add(new XdpSteering.ServerPort(a, Protocol.TCP.number(), 0));
                    } else if (ftpService) {
                        // its data connections only: from the passive ports and from port - 1 (active, port 20);
                        // its own TCP (updates, mail) stays the kernel's, through the director's netfilter
                        FtpPassivePorts pasv = settings.ftpPassivePorts();
                        masqSourceRanges.add(new KernelGuard.Range(a, a, "tcp", pasv.from(), pasv.to()));
                        addPorts(masqPorts, a, pasv.from(), pasv.to());
                        if (d.config().port() > 1) {
                            masqGuard.add(new KernelGuard.Service(a, "tcp", d.config().port() - 1));
                            masqPorts.add(new XdpSteering.ServerPort(a, Protocol.TCP.number(), d.config().port() - 1));
                        }
                    }
                    if (inet) {
                        masqPorts.add(new XdpSteering.ServerPort(a, ((InetServiceKey) e.getKey()).protocol().number(),
                                d.config().port()));
                    } else {
                        masqPorts.addAll(XdpSteering.ServerPort.everyPort(a));
                    }
                }
            }
        }
        // what the rules mark for a fwmark service that exists; the rest of their ranges' traffic (another
        // port, a mark no service has) the data plane leaves to the kernel, so the guard leaves it too
        Set<Integer> marks = new java.util.HashSet<>();
        snapshot.services().keySet().stream().filter(k -> k instanceof FwmarkServiceKey f
                && f.family() == AddressFamily.INET).forEach(k -> marks.add(((FwmarkServiceKey) k).fwmark()));
        List<KernelGuard.Range> ranges = settings.fwmarkRules().stream().filter(r -> marks.contains(r.mark()))
                .flatMap(r -> (r.protocol() == null ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)
                        : List.of(r.protocol())).stream()
                        .map(p -> new KernelGuard.Range(r.from(), r.to(), p.lowerName(), r.portFrom(), r.portTo())))
                .distinct().toList();
        if (!ftpRanges.isEmpty()) {
            ranges = java.util.stream.Stream.concat(ranges.stream(), ftpRanges.stream()).distinct().toList();
        }
        String script = KernelGuard.script(services, ranges, masqGuard, masqSourceRanges)
                + KernelGuard.script6(services6, ftpRanges6, masqGuard6, masqSourceRanges6);
        return new Taken(destinations, masq, realServers, masqPorts, script, ranges, ftpRanges, clientMask,
                persistent, ftp, destinations6, masq6, realServers6, clientPrefix6);
    }

    /**
     * The workers' packet filter for what {@code t} takes: IPv4 to its virtual addresses and from its MASQ real
     * servers, IPv6 likewise by the addresses' last 32 bits, ARP and the IPv6 virtual addresses' solicited-node
     * groups when answering for them; null (every frame) with fwmark rules or too many addresses.
     */
    static BpfFilter packetFilter(Taken t, PacketDirectorSettings settings) {
        Set<IpAddress> destinations = t.destinations();
        Set<IpAddress> masq = t.masq();
        Set<IpAddress> destinations6 = t.destinations6();
        Set<IpAddress> masq6 = t.masq6();
        boolean allIpv4 = !settings.fwmarkRules().isEmpty();
        // answering neighbour solicitations, the workers need those to the VIPs' solicited-node addresses
        Set<IpAddress> solicited6 = settings.answerArp() ? NeighbourResponder.solicitedNodes(destinations6) : Set.of();
        int v6 = destinations6.size() + masq6.size() + solicited6.size();
        if (allIpv4 || destinations.size() + masq.size() + v6 > (v6 > 0 ? 230 : 250)) {
            return null;
        }
        BpfFilter.Builder b = BpfFilter.builder();
        destinations.forEach(b::destination);
        masq.forEach(b::source);
        destinations6.forEach(b::destination6);
        solicited6.forEach(b::destination6);
        masq6.forEach(b::source6);
        if (!masq.isEmpty()) {
            b.icmpErrors();
        }
        if (settings.answerArp()) {
            b.arp();
        }
        return destinations.isEmpty() && masq.isEmpty() && v6 == 0 && !settings.answerArp() ? null : b.build();
    }

    private FilterState filterFor(ForwardingSnapshot snapshot) {
        Taken t = taken(snapshot, settings);
        Set<IpAddress> destinations = t.destinations();
        Set<IpAddress> masq = t.masq();
        Set<Integer> realServers = t.realServers();
        Set<IpAddress> realServers6 = t.realServers6();
        Set<IpAddress> destinations6 = t.destinations6();
        List<KernelGuard.Range> ranges = t.ranges();
        List<KernelGuard.Range> ftpRanges = t.ftpRanges();
        int clientMask = t.clientMask();
        boolean persistent = t.persistent();
        boolean ftp = t.ftp();
        Set<XdpSteering.ServerPort> masqPorts = t.masqPorts();
        String script = t.script();
        neighbours.want(realServers);
        neighbours.want6(realServers6);
        BpfFilter bpf = packetFilter(t, settings);
        if (guard != null) {
            try {
                guard.install(script);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "kernel guard not updated: " + e.getMessage());
            }
        }
        List<ClientFanout.AddressRange> marked = ranges.stream().filter(r -> !ftpRanges.contains(r))
                .map(r -> new ClientFanout.AddressRange(r.from(), r.to())).distinct().toList();
        // an FTP data connection comes from another client port than its control connection: by address then
        boolean byAddress = persistent || ftp;
        int prefix6 = t.clientPrefix6();
        return new FilterState(destinations, masq, Set.copyOf(masqPorts), bpf, script,
                fanoutFor(destinations, destinations6, marked, clientMask, byAddress, prefix6),
                (clientMask & 0xffffffffL) << 1 | (byAddress ? 1 : 0)
                        | (destinations6.isEmpty() ? 0 : (1L + prefix6) << 33));
    }

    /**
     * The TCP ports of an FTP service's virtual address its data connections use: every port without the passive
     * range (FTP works with any server, and local TCP services on the VIP do not: warned); else the range and the
     * service's port − 1 (the client's answers to an active data connection).
     */
    private static List<KernelGuard.Range> ftpVirtualRanges(InetServiceKey k, FtpPassivePorts pasv) {
        IpAddress vip = k.address();
        if (pasv == null) {
            return List.of(new KernelGuard.Range(vip, vip, "tcp", 1, 65535));
        }
        KernelGuard.Range passive = new KernelGuard.Range(vip, vip, "tcp", pasv.from(), pasv.to());
        return k.port() > 1 ? List.of(passive, new KernelGuard.Range(vip, vip, "tcp", k.port() - 1, k.port() - 1))
                : List.of(passive);
    }

    /** With AF_XDP, TCP ports {@code from..to} of {@code address}: one entry of the steering map each. */
    private static void addPorts(Set<XdpSteering.ServerPort> ports, IpAddress address, int from, int to) {
        for (int p = from; p <= to; p++) {
            ports.add(new XdpSteering.ServerPort(address, Protocol.TCP.number(), p));
        }
    }

    /**
     * With more than one AF_PACKET worker, the fanout program for these virtual addresses (IPv4 and IPv6) and
     * the address ranges of the fwmark rules that mark a service's packets: IPv4 clients by address and port, or
     * with persistent services by address under their widest netmask (templates live in one worker); IPv6 ones
     * by address under the IPv6 services' shortest persistence prefix length. With more addresses than a
     * program holds, the current one stays (logged).
     */
    private BpfFilter fanoutFor(Set<IpAddress> destinations, Set<IpAddress> destinations6,
                                List<ClientFanout.AddressRange> marked, int clientMask, boolean persistent,
                                int clientPrefix6) {
        if (settings.workers() == 1 || settings.afXdp()) {
            return null;
        }
        List<IpAddress> vips = new ArrayList<>(destinations);
        vips.addAll(destinations6);
        String refused;
        if (vips.size() + marked.size() > ClientFanout.MAX_ADDRESSES) {
            refused = "more than one worker takes at most " + ClientFanout.MAX_ADDRESSES + " virtual addresses, got "
                    + (vips.size() + marked.size());
        } else {
            try {
                return ClientFanout.program(vips, marked, persistent ? clientMask : -1, !persistent, clientPrefix6);
            } catch (IllegalArgumentException e) {
                // IPv6 addresses take more instructions: fewer of them fit
                refused = "more than one worker: " + e.getMessage();
            }
        }
        FilterState now = filter;
        if (now == null) {
            throw new IllegalStateException("packet data plane cannot start: " + refused);
        }
        LOG.log(System.Logger.Level.ERROR, refused + ": connections to the new virtual addresses may reach the "
                + "wrong worker; run with one worker");
        return now.fanout();
    }

    // ---------------------------------------------------------------- neighbours

    private void refreshLoop() {
        RefreshPasses passes = new RefreshPasses();
        try {
            for (long pass = 0; running; pass++) {
                long p = pass;
                passes.run(() -> {
                    if (p % LINK_CHECK_PASSES == LINK_CHECK_PASSES - 1) {
                        checkLinks();
                        if (fastPath != null) {
                            fastPath.retryMissing(System.nanoTime());
                        }
                        Set<IpAddress> own = ownAddresses(rtnl.addresses());
                        if (!own.equals(ownAddresses)) {
                            ownAddresses = own;
                        }
                        Set<IpAddress> own6 = ownAddresses6(rtnl.addresses6());
                        if (!own6.equals(ownAddresses6)) {
                            ownAddresses6 = own6;
                        }
                    }
                    neighbours.refresh(kernel, System.nanoTime());
                });
                LockSupport.parkNanos(REFRESH_NANOS);
            }
        } finally {
            rtnl.close();
        }
    }

    /**
     * Runs the refresher's passes so that one failing pass does not end the thread (and with it every next-hop
     * refresh, link check and own-address update): a refused netlink request is logged as a warning; anything
     * else unexpected (a bug) is logged once as an error with its stack trace, counted, and the next pass runs
     * at its usual interval.
     */
    static final class RefreshPasses {
        private long unexpected;

        void run(Runnable pass) {
            try {
                pass.run();
            } catch (NativeIoException e) {
                LOG.log(System.Logger.Level.WARNING, "neighbour refresh failed: " + e.getMessage());
            } catch (RuntimeException e) {
                if (unexpected++ == 0) {
                    LOG.log(System.Logger.Level.ERROR, "neighbour refresh failed; the refresher goes on (further "
                            + "such failures are counted, not logged)", e);
                }
            }
        }

        /** Passes ended by something other than a refused netlink request. */
        long unexpected() {
            return unexpected;
        }
    }

    /**
     * Refresher thread, once a second: a link that disappears is waited for; one that is back under a new
     * interface index (deleted and re-created: a VLAN or veth set up again, a driver reloaded) gets its
     * receive offloads turned off again, fresh next hops, and new sockets (with AF_XDP, a new XDP program too)
     * in every worker. With AF_XDP an MTU above what its frames hold is logged as an error and not followed.
     */
    private void checkLinks() {
        Map<String, LinkInfo> present = new HashMap<>();
        for (LinkInfo l : rtnl.links()) {
            present.put(l.name(), l);
        }
        boolean changed = false;
        boolean reopened = false;
        boolean gone = false;
        long[] macs = linkMacs.clone();
        for (int i = 0; i < linkIndexes.length; i++) {
            String name = settings.interfaces().get(i);
            LinkInfo link = present.get(name);
            if (link == null) {
                if (!linkGone[i]) {
                    linkGone[i] = true;
                    gone = true;
                    LOG.log(System.Logger.Level.WARNING, "interface " + name
                            + " is gone: the packet data plane waits for it to come back");
                }
                continue;
            }
            linkGone[i] = false;
            if (relinkTurns.get(i) == turn(relinks.get(i), workers.size())) {
                failedRounds[i] = 0; // every worker rejoined
            }
            long now = System.nanoTime();
            if (link.index() == linkIndexes[i] && (link.flags() & IFF_UP) != 0 && now - nextRound[i] >= 0
                    && relinkAgain.getAndSet(i, 0) == 1) {
                // a new round, every worker rejoins in order; after failed ones, 2, 4 ... 64 s later
                failedRounds[i]++;
                nextRound[i] = now + TimeUnit.SECONDS.toNanos(1L << Math.min(6, failedRounds[i]));
                if (failedRounds[i] == 1 || Long.bitCount(failedRounds[i]) == 1) {
                    LOG.log(System.Logger.Level.WARNING, "interface " + name + ": a packet worker could not rejoin "
                            + "its fanout group; every worker rejoins again (" + failedRounds[i] + " failed rounds)");
                }
                relinkTurns.set(i, turn(relinks.get(i) + 1, 0));
                relinks.incrementAndGet(i);
                reopened = true;
            }
            if (link.index() == linkIndexes[i]) {
                if (link.mac() != 0) {
                    macs[i] = link.mac(); // a bridge that got a port, a bond that failed over
                }
                if (link.mtu() != linkMtus[i] && (link.flags() & IFF_UP) != 0) {
                    if (settings.afXdp() && link.mtu() > XdpLinkGroupIo.MAX_MTU) {
                        LOG.log(System.Logger.Level.ERROR, tooBigForAfXdp(name, link.mtu()));
                    } else {
                        LOG.log(System.Logger.Level.INFO, "interface " + name + " has a new MTU (" + link.mtu()
                                + "): the packet data plane reopens its sockets on it");
                        relinkTurns.set(i, turn(relinks.get(i) + 1, 0));
                        relinks.incrementAndGet(i);
                        reopened = true;
                    }
                    linkMtus[i] = link.mtu();
                }
                continue;
            }
            if ((link.flags() & IFF_UP) == 0) {
                // sockets cannot join a fanout group on a link that is down: once it is up
                if (downSeen[i] != link.index()) {
                    downSeen[i] = link.index();
                    LOG.log(System.Logger.Level.INFO, "interface " + name + " is back (index " + link.index()
                            + ") but down: the packet data plane reopens its sockets once it is up");
                }
                continue;
            }
            linkIndexes[i] = link.index();
            relinkedOffloads.add(ReceiveOffloads.prepare(List.of(name), keepsGro(settings)));
            if (settings.afXdp() && link.mtu() > XdpLinkGroupIo.MAX_MTU) {
                // followed once the MTU fits (above, as a new MTU on the same link)
                LOG.log(System.Logger.Level.ERROR, tooBigForAfXdp(name, link.mtu()));
                linkMtus[i] = link.mtu();
                changed = true;
                continue;
            }
            LOG.log(System.Logger.Level.INFO, "interface " + name + " was re-created (index " + link.index()
                    + "): the packet data plane reopens its sockets on it");
            if (fastPath != null) {
                String why = fastPath.relink(i);
                if (why != null) {
                    LOG.log(System.Logger.Level.ERROR, "interface " + name + " has no XDP fast path now: " + why);
                }
            }
            relinkTurns.set(i, turn(relinks.get(i) + 1, 0));
            relinks.incrementAndGet(i);
            macs[i] = link.mac();
            linkMtus[i] = link.mtu();
            changed = true;
        }
        if (!java.util.Arrays.equals(macs, linkMacs)) {
            linkMacs = macs;
        }
        if (changed) {
            neighbours.relink(linkIndexes);
        }
        if (changed || reopened || gone) {
            linkEpoch++;
        }
    }

    private static String tooBigForAfXdp(String name, int mtu) {
        return "interface " + name + " has MTU " + mtu + ": AF_XDP I/O takes frames of at most "
                + XskSocket.FRAME_SIZE + " bytes (MTU " + XdpLinkGroupIo.MAX_MTU + "), so larger frames on it are "
                + "dropped; lower the MTU or restart jlvs with --packet-io af_packet";
    }

    /**
     * New IPVS sysctls (expire_nodest_conn, conn_reuse_mode, sloppy_tcp, ...) for every worker, taken at its
     * next poll; false when they are the ones in force.
     */
    public synchronized boolean connSettings(ConnTableSettings s) {
        if (s.equals(connSettings)) {
            return false;
        }
        connSettings = s;
        for (Worker w : workers) {
            w.dataplane.connSettings(s);
        }
        LOG.log(System.Logger.Level.INFO, "IPVS settings now " + s);
        return true;
    }

    // ---------------------------------------------------------------- counters

    /** What the workers dropped, by reason ({@code drop_no_service} ...), and the rings' drops ({@code ring_drops}). */
    public Map<String, Long> drops() {
        Map<String, Long> out = new LinkedHashMap<>();
        counters().forEach((name, n) -> {
            if (name.startsWith("drop_") || name.equals("ring_drops")) {
                out.put(name, n);
            }
        });
        return out;
    }

    /**
     * Frames the workers handled, by event: {@code received}, {@code forwarded}, {@code replied} (ARP),
     * {@code passed} (left to the kernel), {@code routed} (frames from NAT real servers that belonged to no
     * connection, routed by the worker as the kernel would), {@code icmp_sent}, {@code icmp_rate_limited} (ICMP
     * errors the kernel's net.ipv4.icmp_* limits held back), {@code fast_path} (forwarded by the XDP fast
     * path, accounted once a second), {@code neighbour_probes}, {@code checksum_completed} (TCP/UDP
     * checksums a sender on this host left for the network card, finished by the worker), {@code segmented}
     * (TCP super-packets from a sender on this host with TSO/GSO on, cut into segments by the worker),
     * {@code super_packet_whole} (such super-packets of NAT and DR connections rewritten once and handed to
     * the kernel whole, which segments them on the way out), {@code fragmented} (packets without DF larger
     * than the MTU sent as fragments), {@code reassembled} (datagrams the workers put together from fragments,
     * with AF_XDP); with the FTP helper {@code ftp_reply_rewritten} (227/229 replies rewritten for a passive data
     * connection), {@code ftp_line_ignored} (227/229 replies and PORT/EPRT commands that did not parse) and
     * {@code ftp_expected_refused} (those whose data connection was not prepared: their control connection
     * already expected {@link FtpHelper#MAX_EXPECTED}), {@code ftp_port_outside_passive_range} (227/229 replies
     * naming a port outside {@code --ftp-passive-ports}: rewritten, but the kernel answers that port),
     * {@code ftp_foreign_address} (PORT/EPRT naming another host than the client: no data connection, no FTP bounce).
     */
    public Map<String, Long> packets() {
        Map<String, Long> all = counters();
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("received", all.get("frames"));
        for (String name : List.of("forwarded", "replied", "passed", "routed", "icmp_sent", "icmp_rate_limited",
                "neighbour_probes")) {
            out.put(name, all.get(name));
        }
        out.put("fast_path", all.get("fast_path_packets"));
        out.put("checksum_completed", all.get("checksums_completed"));
        out.put("segmented", all.get("segmented_packets"));
        out.put("super_packet_whole", all.get("super_packets_whole"));
        out.put("fragmented", all.get("fragmented_packets"));
        out.put("reassembled", all.get("reassembled_packets"));
        if (!settings.ftpPorts().isEmpty()) {
            out.put("ftp_reply_rewritten", all.get("ftp_passive_replies"));
            out.put("ftp_line_ignored", all.get("ftp_ignored_lines"));
            out.put("ftp_expected_refused", all.get("ftp_expected_refused"));
            out.put("ftp_port_outside_passive_range", all.get("ftp_port_outside_passive_range"));
            out.put("ftp_foreign_address", all.get("ftp_foreign_address"));
        }
        return out;
    }

    /** Connections with a direction on the XDP fast path now, over all workers. */
    public long offloadedConnections() {
        long sum = 0;
        for (Worker w : workers) {
            sum += w.dataplane.offloadedConnections();
        }
        return sum;
    }

    /**
     * Every counter summed over the workers: frames, forwarded, replied, passed, icmp_sent, icmp_rate_limited, ring_drops
     * (frames the kernel dropped because a ring was full), neighbour_probes, next_hop_addresses (clients and
     * real servers whose next hop is indexed now), next_hop_overflows, fast_path_packets,
     * offloaded_connections, checksums_completed, segmented_packets, super_packets_whole, fragmented_packets,
     * reassembled_packets, merged_fragments (fragments of those datagrams but the one that completed each),
     * ftp_passive_replies, ftp_data_connections, ftp_ignored_lines, ftp_expected_refused, ftp_port_outside_passive_range and ftp_foreign_address ({@link FtpHelper}; 0 without it), one {@code drop_<reason>} per {@link DropReason} (lower case),
     * drop_other_host (frames addressed to another host's MAC, read from each worker once a second), and
     * frames_worker_N (frames worker N handled) and forwarded_ipv6_worker_N (IPv6 frames worker N forwarded). Values read
     * from other threads may lag. /metrics shows them through {@link #drops} and {@link #packets}.
     */
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        long frames = 0;
        long forwarded = 0;
        long replied = 0;
        long passed = 0;
        long icmp = 0;
        long icmpLimited = 0;
        long defenseDropped = 0;
        long ring = 0;
        long fastPath = 0;
        long offloaded = 0;
        long completed = 0;
        long segmented = 0;
        long whole = 0;
        long fragmented = 0;
        long reassembled = 0;
        long merged = 0;
        long routed = 0;
        for (Worker w : workers) {
            routed += w.dataplane.routed();
            completed += w.dataplane.checksumsCompleted();
            segmented += w.dataplane.segmentedPackets();
            whole += w.dataplane.superPacketsWhole();
            fragmented += w.dataplane.fragmentedPackets();
            reassembled += w.dataplane.reassembledPackets();
            merged += w.dataplane.mergedFragments();
            fastPath += w.dataplane.fastPathPackets();
            offloaded += w.dataplane.offloadedConnections();
            frames += w.dataplane.frames();
            forwarded += w.dataplane.forwarded();
            replied += w.dataplane.replied();
            passed += w.dataplane.passed();
            icmp += w.dataplane.icmpSent();
            icmpLimited += w.dataplane.icmpRateLimited();
            defenseDropped += w.dataplane.defenseDroppedEntries();
            ring += w.ringDrops;
        }
        out.put("frames", frames);
        out.put("forwarded", forwarded);
        out.put("replied", replied);
        out.put("passed", passed);
        out.put("routed", routed);
        out.put("icmp_sent", icmp);
        out.put("icmp_rate_limited", icmpLimited);
        // connections, not packets: IPVS's drop_entry defence removed them from a nearly full table
        out.put("drop_entry_connections", defenseDropped);
        out.put("ring_drops", ring);
        out.put("fast_path_packets", fastPath);
        out.put("offloaded_connections", offloaded);
        out.put("checksums_completed", completed);
        out.put("segmented_packets", segmented);
        out.put("super_packets_whole", whole);
        out.put("fragmented_packets", fragmented);
        out.put("reassembled_packets", reassembled);
        out.put("merged_fragments", merged);
        long ftpReplies = 0;
        long ftpData = 0;
        long ftpIgnored = 0;
        long ftpRefused = 0;
        long ftpOutside = 0;
        long ftpForeign = 0;
        for (Worker w : workers) {
            FtpHelper f = w.dataplane.ftpHelper();
            if (f != null) {
                ftpReplies += f.passiveReplies();
                ftpData += f.dataConnections();
                ftpIgnored += f.ignoredLines();
                ftpRefused += f.expectedRefused();
                ftpOutside += f.outsidePassiveRange();
                ftpForeign += f.foreignAddresses();
            }
        }
        out.put("ftp_passive_replies", ftpReplies);
        out.put("ftp_data_connections", ftpData);
        out.put("ftp_ignored_lines", ftpIgnored);
        out.put("ftp_expected_refused", ftpRefused);
        out.put("ftp_port_outside_passive_range", ftpOutside);
        out.put("ftp_foreign_address", ftpForeign);
        out.put("neighbour_probes", neighbours.probes());
        out.put("next_hop_addresses", (long) neighbours.size());
        out.put("next_hop_overflows", neighbours.overflows());
        for (DropReason r : DropReason.values()) {
            long sum = 0;
            for (Worker w : workers) {
                sum += w.dataplane.drops(r);
            }
            out.put("drop_" + r.name().toLowerCase(java.util.Locale.ROOT), sum);
        }
        long otherHost = 0;
        for (Worker w : workers) {
            otherHost += w.otherHost;
        }
        out.put("drop_other_host", otherHost);
        for (int i = 0; i < workers.size(); i++) {
            out.put("frames_worker_" + i, workers.get(i).dataplane.frames());
            out.put("forwarded_ipv6_worker_" + i, workers.get(i).dataplane.forwardedIpv6());
        }
        return out;
    }

    /** The workers' data planes, one per worker thread (the sync daemons attach to them). */
    public List<Dataplane> dataplanes() {
        return workers.stream().map(w -> w.dataplane).toList();
    }

    /** The director's own IPv4 address in use. */
    public IpAddress localAddress() {
        return IpAddress.ofV4(localAddress);
    }

    /** The nftables script currently installed (empty when the guard is off). */
    public String kernelGuardScript() {
        return guard == null ? "" : filter.guardScript();
    }

    /**
     * Stops the workers (waiting up to 5 s each), closes the sockets, removes the nftables table and turns
     * back on the receive offloads it turned off.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        running = false;
        boolean stopped = true;
        for (Worker w : workers) {
            join(w.thread);
            stopped &= !w.thread.isAlive();
        }
        join(refresher);
        if (fastPath != null) {
            if (stopped && !refresher.isAlive()) {
                fastPath.close();
            } else {
                // a worker still in a system call would use the table's buffers after they are freed
                LOG.log(System.Logger.Level.WARNING, "a packet worker did not stop within "
                        + JOIN_MILLIS / 1000 + " s: the XDP fast path is left to the process's exit");
            }
        }
        removeGuardQuietly();
        if (lock != null) {
            lock.close();
        }
        offloads.close();
        relinkedOffloads.forEach(ReceiveOffloads::close);
    }

    private static void join(Thread t) {
        try {
            t.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void removeGuardQuietly() {
        if (guard == null || lock == null) {
            return;
        }
        try {
            guard.remove();
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not remove nftables table ip jlvs: " + e.getMessage());
        }
    }
}
