package io.jlvs.cli.demo;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.engine.EngineSettings;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.proxy.FullNatProxy;
import io.jlvs.proxy.ProxySettings;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running demo: built-in HTTP real servers on 127.0.0.1, an IPVS table with one FULLNAT wlc virtual
 * service in front of them, and the FULLNAT proxy serving it.
 */
final class DemoRun implements AutoCloseable {
    static final IpAddress LOCALHOST = IpAddress.parse("127.0.0.1");
    static final String SCHEDULER = "wlc";

    private final List<DemoRealServer> servers = new ArrayList<>();
    private final IpvsEngine engine;
    private final InetServiceKey service;
    private FullNatProxy proxy;

    private DemoRun(IpvsEngine engine, InetServiceKey service) {
        this.engine = engine;
        this.service = service;
    }

    /**
     * Starts servers on {@code firstServerPort}.. and the virtual service on {@code port}. On failure
     * everything started is stopped and the reason comes back as one line.
     */
    static DemoRun start(int port, int serverCount, int firstServerPort, List<SchedulerFactory> schedulers)
            throws DemoFailure {
        if (schedulers.stream().noneMatch(f -> f.name().equals(SCHEDULER))) {
            throw new DemoFailure("the " + SCHEDULER + " scheduler is not available (jlvs-sched missing from the class path)");
        }
        if (serverCount < 1 || firstServerPort + serverCount - 1 > 65535 || port < 1 || port > 65535) {
            throw new DemoFailure("ports out of range: --port " + port + " with " + serverCount + " servers");
        }
        IpvsEngine engine = new IpvsEngine(EngineSettings.defaults(), schedulers);
        DemoRun run = new DemoRun(engine, new InetServiceKey(Protocol.TCP, LOCALHOST, port));
        try {
            run.startServers(serverCount, firstServerPort);
            run.startProxy();
            return run;
        } catch (DemoFailure | RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private void startServers(int count, int firstPort) throws DemoFailure {
        for (int i = 1; i <= count; i++) {
            int p = firstPort + i - 1;
            try {
                servers.add(new DemoRealServer(i, p));
            } catch (BindException e) {
                throw new DemoFailure("port 127.0.0.1:" + p + " is in use (demo real server " + i
                        + "); choose another with --port");
            } catch (IOException e) {
                throw new DemoFailure("cannot start demo real server " + i + " on 127.0.0.1:" + p + ": " + e.getMessage());
            }
        }
    }

    private void startProxy() throws DemoFailure {
        try {
            engine.execute(new IpvsCommand.AddService(VirtualService.of(service, SCHEDULER)));
            for (DemoRealServer s : servers) {
                engine.execute(new IpvsCommand.AddServer(service,
                        RealServer.of(LOCALHOST, s.port(), ForwardingMethod.FULLNAT, 1)));
            }
        } catch (IpvsException e) {
            throw new DemoFailure("cannot set up the virtual service: " + e.getMessage());
        }
        proxy = new FullNatProxy(engine, ProxySettings.defaults());
        try {
            proxy.listening(service).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BindException || String.valueOf(e.getCause()).contains("in use")) {
                throw new DemoFailure("port 127.0.0.1:" + service.port() + " is in use; choose another with --port");
            }
            throw new DemoFailure("cannot listen on 127.0.0.1:" + service.port() + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new DemoFailure("listening on 127.0.0.1:" + service.port() + " did not complete in 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted while starting");
        }
    }

    IpvsEngine engine() {
        return engine;
    }

    InetServiceKey service() {
        return service;
    }

    List<Integer> serverPorts() {
        return servers.stream().map(DemoRealServer::port).toList();
    }

    String transport() {
        return proxy == null ? "none" : proxy.transportName();
    }

    String table() throws IOException {
        return DemoTable.format(engine.table());
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        for (DemoRealServer s : servers) {
            s.close();
        }
    }
}
