package io.jlvs.cli.daemon;

import io.jlvs.admin.AdminOptions;
import io.jlvs.admin.AdminServer;
import io.jlvs.admin.CheckerMetrics;
import io.jlvs.admin.DaemonCounters;
import io.jlvs.admin.EventLog;
import io.jlvs.admin.SyncMetrics;
import io.jlvs.admin.VrrpScriptMetrics;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.keepalived.KeepalivedEvents;
import io.jlvs.engine.keepalived.KeepalivedRuntime;
import io.jlvs.engine.keepalived.ReloadResult;
import io.jlvs.cli.vrrp.VrrpService;
import io.jlvs.conn.ConnTableSettings;
import io.jlvs.packet.PacketDirector;
import io.jlvs.packet.PacketDirectorSettings;
import io.jlvs.packet.sync.SyncDaemons;
import io.jlvs.core.command.IpvsError;
import io.jlvs.proxy.FullNatProxy;
import io.jlvs.proxy.FullNatProxyMetrics;
import io.jlvs.proxy.ProxySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running director: the IPVS table, the FULLNAT data plane that follows it, and the kernel's 2-second
 * rate estimation. What `jlvs run` and `jlvs demo` serve; the control socket and the API talk to it as
 * an {@link IpvsControl}.
 */
public final class Director implements IpvsControl, AutoCloseable {
    private final IpvsEngine engine;
    private final FullNatProxy proxy;
    private final ScheduledExecutorService rateTicker;
    private final EventLog events = new EventLog();
    private final DaemonCounters counters = new DaemonCounters();
    /** Owner: the thread that starts and closes the director. */
    private AdminServer admin;
    /** Written by the thread that starts and closes the director; read by the sync daemons. */
    private volatile PacketDirector packet;
    /** --start-daemon / --stop-daemon: connection synchronisation over the packet data plane. */
    private final SyncDaemons sync = new SyncDaemons(() -> {
        PacketDirector p = packet;
        return p == null ? List.of() : p.dataplanes();
    }, false);
    /** Owner: the thread that loads keepalived.conf; read by the admin API. Null without vrrp_instance. */
    private volatile VrrpService vrrp;
    /** Set once by {@link #loadKeepalived}; read by the reload signal handler. */
    private volatile KeepalivedRuntime keepalived;

    private Director(IpvsEngine engine, FullNatProxy proxy, ScheduledExecutorService rateTicker) {
        this.engine = engine;
        this.proxy = proxy;
        this.rateTicker = rateTicker;
    }

    /** Starts the data planes over {@code engine}, the FULLNAT proxy with its default settings. */
    public static Director start(IpvsEngine engine) {
        return start(engine, ProxySettings.defaults());
    }

    /** Starts the data planes over {@code engine}, the FULLNAT proxy with {@code proxySettings}. */
    public static Director start(IpvsEngine engine, ProxySettings proxySettings) {
        FullNatProxy proxy = new FullNatProxy(engine, proxySettings);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("jlvs-rates").factory());
        ticker.scheduleAtFixedRate(engine::estimateRates, 2, 2, TimeUnit.SECONDS);
        Director d = new Director(engine, proxy, ticker);
        d.counters.addDropSource(() -> {
            FullNatProxyMetrics m = proxy.metrics();
            return Map.of("fullnat_no_destination", m.noDestination(),
                    "fullnat_udp_datagram_dropped", m.udpDatagramsDropped(),
                    "fullnat_accept_failed", m.acceptFailures());
        });
        return d;
    }

    /**
     * Serves the REST API, /metrics and the status page; returns the bound address.
     *
     * @throws IOException with one line when it cannot listen or the token file is unsafe
     */
    public InetSocketAddress startAdmin(AdminOptions options) throws IOException {
        admin = AdminServer.start(options, this, events, counters);
        admin.registry().register(new CheckerMetrics(() -> {
            KeepalivedRuntime k = keepalived;
            return k == null ? List.of() : k.checkerStats();
        }));
        admin.registry().register(new VrrpScriptMetrics(() -> {
            VrrpService v = vrrp;
            return v == null ? List.of() : v.scripts();
        }));
        admin.registry().register(new SyncMetrics(sync::counters));
        admin.vrrpInstances(() -> {
            VrrpService v = vrrp;
            return v == null ? List.of() : v.views();
        });
        return admin.address();
    }

    /**
     * Applies keepalived.conf to the table and keeps it applied: health checkers run, sorry servers stand in
     * while the quorum is lost, checker transitions and reloads go to {@link #events()}, reloads are counted for
     * /metrics. Call once; when the result is not applied (the file is missing or unreadable) nothing runs.
     *
     * @param configId keepalived's {@code -i}; null = the host name
     */
    public ReloadResult loadKeepalived(Path file, String configId) {
        KeepalivedRuntime runtime = KeepalivedRuntime.create(engine, file, configId, new KeepalivedEvents() {
            @Override
            public void checker(String line) {
                events.record(EventLog.CHECKER, line);
            }

            @Override
            public void reload(String line) {
                events.record(EventLog.RELOAD, line);
            }

            @Override
            public void config(String line) {
                events.record(EventLog.CONFIG, line);
            }
        });
        ReloadResult result = runtime.start();
        if (!result.applied()) {
            runtime.close();
            return result;
        }
        counters.reloads(runtime::reloads);
        counters.refusedReloads(runtime::refusedReloads, runtime::lastReloadSuccessful);
        keepalived = runtime;
        vrrp = VrrpService.start(runtime.config(), line -> events.record(EventLog.FAILOVER, line), this);
        return result;
    }

    /**
     * Re-reads keepalived.conf (SIGHUP, `jlvs reload`): the IPVS table and checkers first, then the VRRP
     * instances, only when the new file was applied. Without a file, nothing happens.
     */
    public CompletableFuture<ReloadResult> reloadKeepalived() {
        KeepalivedRuntime runtime = keepalived;
        if (runtime == null) {
            return CompletableFuture.completedFuture(null);
        }
        return runtime.reloadAsync().thenApply(result -> {
            VrrpService v = vrrp;
            if (result.applied() && v != null) {
                v.reload(runtime.config());
            }
            return result;
        });
    }

    /** The keepalived.conf runtime, or null when the daemon runs without a file. */
    public KeepalivedRuntime keepalived() {
        return keepalived;
    }

    /** The tracked vrrp_scripts' status (none without track_script): for the dumps. */
    public List<io.jlvs.vrrp.runtime.VrrpScriptStatus> vrrpScripts() {
        VrrpService v = vrrp;
        return v == null ? List.of() : v.scripts();
    }

    /** The running VRRP instances with their VIPs (none without vrrp_instance): for the dumps. */
    public List<io.jlvs.admin.VrrpInstanceView> vrrpInstances() {
        VrrpService v = vrrp;
        return v == null ? List.of() : v.views();
    }

    /** Where checkers, VRRP and reloads record what users should see on the status page. */
    public EventLog events() {
        return events;
    }

    public IpvsEngine engine() {
        return engine;
    }

    public FullNatProxy proxy() {
        return proxy;
    }

    @Override
    public void execute(IpvsCommand command) throws IpvsException {
        if (command instanceof IpvsCommand.StartDaemon c) {
            // completed as the kernel does (what -L --daemon shows), or refused with ENODEV as it is
            command = new IpvsCommand.StartDaemon(SyncDaemons.asStarted(c.daemon(), mcastMtu(c.daemon())));
        }
        engine.execute(command);
        if (command instanceof IpvsCommand.StartDaemon c) {
            try {
                sync.start(c.daemon());
            } catch (IOException e) {
                engine.execute(new IpvsCommand.StopDaemon(c.daemon().state()));
                throw new IpvsException(IpvsError.INVALID, e.getMessage());
            }
        } else if (command instanceof IpvsCommand.StopDaemon c) {
            sync.stop(c.state());
        }
    }

    private static int mcastMtu(SyncDaemonView d) throws IpvsException {
        try {
            java.net.NetworkInterface nif = java.net.NetworkInterface.getByName(d.mcastInterface());
            if (nif != null) {
                return nif.getMTU();
            }
        } catch (java.net.SocketException e) {
            // as unknown
        }
        throw new IpvsException(IpvsError.NO_SUCH_DEVICE, "Unknown mcast interface: " + d.mcastInterface());
    }

    /** The sync daemons' counters (messages and connections sent, received, dropped). */
    public Map<String, Long> syncCounters() {
        return sync.counters();
    }

    @Override
    public IpvsTableView table() {
        return engine.table();
    }

    @Override
    public List<ConnectionView> connections() {
        return engine.connections();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() {
        return engine.syncDaemons();
    }

    /**
     * Starts the packet data plane (IPVS NAT, DR, TUN through AF_PACKET, or AF_XDP when {@code afXdp}) on
     * {@code interfaces}; the first faces the clients. Needs CAP_NET_RAW and CAP_NET_ADMIN.
     *
     * @param offloadAfter with AF_XDP, packets of a connection before the XDP fast path takes it; -1: never
     * @param workers      data-plane threads
     * @param localClients the FULLNAT proxy listens on VIP:port of the data plane's TCP and UDP services for
     *                     processes on this host, which the data plane never sees
     * @param connSettings the IPVS sysctls of the connection table (expire_nodest_conn, sloppy_tcp, ...)
     * @param busyPollMicros how long a worker busy-polls its rings after the last frame before it sleeps
     * @param answerArp    the workers answer ARP and IPv6 neighbour solicitations for the virtual addresses
     * @throws IllegalStateException with one line saying why it cannot start
     */
    /**
     * Whether {@link #startPacketDataPlane} with these could start, checked without changing anything.
     *
     * @throws IllegalStateException with one line saying why not
     */
    public static void checkPacketDataPlane(List<String> interfaces, boolean afXdp, int workers,
                                            List<io.jlvs.packet.FwmarkRule> fwmarkRules, boolean answerArp) {
        PacketDirector.check(PacketDirectorSettings.of(interfaces).withAfXdp(afXdp).withWorkers(workers)
                .withFwmarkRules(fwmarkRules).withAnswerArp(answerArp));
    }

    public void startPacketDataPlane(List<String> interfaces, boolean afXdp, int offloadAfter, int workers,
                                     boolean localClients, ConnTableSettings connSettings,
                                     List<io.jlvs.packet.FwmarkRule> fwmarkRules, int busyPollMicros,
                                     int connCapacity, List<Integer> ftpPorts,
                                     io.jlvs.packet.FtpPassivePorts ftpPassivePorts, boolean answerArp) {
        PacketDirectorSettings settings = PacketDirectorSettings.of(interfaces).withAfXdp(afXdp)
                .withOffloadAfter(offloadAfter).withWorkers(workers).withConnSettings(connSettings)
                .withFwmarkRules(fwmarkRules).withBusyPollMicros(busyPollMicros).withConnCapacity(connCapacity)
                .withFtpPorts(ftpPorts).withFtpPassivePorts(ftpPassivePorts).withAnswerArp(answerArp);
        PacketDirector p = PacketDirector.start(engine, settings);
        packet = p;
        // a sync daemon keepalived.conf started already (lvs_sync_daemon: an address owner's master, every
        // backup) took the workers when there were none: it starts again over these
        try {
            sync.dataPlaneStarted();
        } catch (java.io.UncheckedIOException e) {
            org.slf4j.LoggerFactory.getLogger(Director.class).error("{}", e.getMessage());
        }
        // the director's own processes, which the data plane never sees, are served as IPVS serves them
        // (IPv6 ones not with AF_XDP, whose IPv6 stays the kernel's: a listener there would take remote clients)
        proxy.serveLocalClients(localClients, localClients && !afXdp);
        counters.addDropSource(p::drops);
        counters.addPacketSource(p::packets);
        if (offloadAfter >= 0) {
            counters.addOffloadedConnections(p::offloadedConnections);
        }
        long capacity = (long) settings.connCapacity() * settings.workers();
        counters.addConnectionCapacity(() -> capacity);
    }

    /** True while the packet data plane runs. */
    public boolean packetDataPlaneRuns() {
        return packet != null;
    }

    /**
     * New IPVS sysctls for the running packet data plane (SIGHUP); false when they are the ones in force (or no
     * packet data plane runs).
     */
    public boolean packetConnSettings(ConnTableSettings settings) {
        PacketDirector p = packet;
        return p != null && p.connSettings(settings);
    }

    /** Stops the data planes; established FULLNAT connections are closed. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        VrrpService v = vrrp;
        if (v != null) {
            v.close();
        }
        sync.close();
        if (packet != null) {
            // no local-client listener outlives the guard that keeps remote clients' frames from it
            proxy.serveLocalClients(false);
            packet.close();
        }
        KeepalivedRuntime k = keepalived;
        if (k != null) {
            k.close();
        }
        rateTicker.shutdownNow();
        proxy.close();
    }
}
