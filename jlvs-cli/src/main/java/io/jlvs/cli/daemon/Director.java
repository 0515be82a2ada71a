package io.jlvs.cli.daemon;

import io.jlvs.admin.AdminOptions;
import io.jlvs.admin.AdminServer;
import io.jlvs.admin.DaemonCounters;
import io.jlvs.admin.EventLog;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.proxy.FullNatProxy;
import io.jlvs.proxy.FullNatProxyMetrics;
import io.jlvs.proxy.ProxySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
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

    private Director(IpvsEngine engine, FullNatProxy proxy, ScheduledExecutorService rateTicker) {
        this.engine = engine;
        this.proxy = proxy;
        this.rateTicker = rateTicker;
    }

    /** Starts the data planes over {@code engine}. */
    public static Director start(IpvsEngine engine) {
        FullNatProxy proxy = new FullNatProxy(engine, ProxySettings.defaults());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("jlvs-rates").factory());
        ticker.scheduleAtFixedRate(engine::estimateRates, 2, 2, TimeUnit.SECONDS);
        Director d = new Director(engine, proxy, ticker);
        d.counters.addDropSource(() -> {
            FullNatProxyMetrics m = proxy.metrics();
            return Map.of("fullnat_no_destination", m.noDestination(),
                    "fullnat_udp_datagram_dropped", m.udpDatagramsDropped());
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
        return admin.address();
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
        engine.execute(command);
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

    /** Stops the data planes; established FULLNAT connections are closed. */
    @Override
    public void close() {
        if (admin != null) {
            admin.close();
        }
        rateTicker.shutdownNow();
        proxy.close();
    }
}
