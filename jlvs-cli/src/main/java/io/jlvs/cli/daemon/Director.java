package io.jlvs.cli.daemon;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.proxy.FullNatProxy;
import io.jlvs.proxy.ProxySettings;
import java.util.List;
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
        return new Director(engine, proxy, ticker);
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
        rateTicker.shutdownNow();
        proxy.close();
    }
}
