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
import io.jlvs.cli.adm.Jlvsadm;
import io.jlvs.cli.adm.SystemNameResolver;
import io.jlvs.cli.daemon.DaemonOptions;
import io.jlvs.cli.daemon.DaemonProcess;
import io.jlvs.cli.daemon.DaemonStartException;
import io.jlvs.cli.daemon.Director;
import io.jlvs.cli.daemon.SocketPaths;
import io.jlvs.admin.AdminOptions;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    private Director director;
    private DaemonProcess control;
    private String controlProblem;
    private InetSocketAddress adminAddress;
    private String adminProblem;

    private DemoRun(IpvsEngine engine, InetServiceKey service) {
        this.engine = engine;
        this.service = service;
    }

    /**
     * Starts servers on {@code firstServerPort}.. and the virtual service on {@code port}. On failure
     * everything started is stopped and the reason comes back as one line.
     */
    static DemoRun start(int port, int serverCount, int firstServerPort, List<SchedulerFactory> schedulers,
                         Path socket, int adminPort) throws DemoFailure {
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
            run.startControlSocket(socket);
            run.startAdmin(adminPort);
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
        director = Director.start(engine);
        try {
            director.proxy().listening(service).get(10, TimeUnit.SECONDS);
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

    /** The control socket, so that jlvsadm works against the demo; the demo runs on without it. */
    private void startControlSocket(Path socket) {
        try {
            control = DaemonProcess.start(new DaemonOptions(socket, SocketPaths.pidFileFor(socket), director));
        } catch (DaemonStartException e) {
            controlProblem = e.getMessage();
        }
    }

    /** The status page, REST API and /metrics on 127.0.0.1; the demo runs on without them. */
    private void startAdmin(int adminPort) {
        try {
            adminAddress = director.startAdmin(AdminOptions.defaults().withPort(adminPort));
        } catch (IOException | IllegalArgumentException e) {
            adminProblem = e.getMessage();
        }
    }

    InetSocketAddress adminAddress() {
        return adminAddress;
    }

    String adminProblem() {
        return adminProblem;
    }

    /** The control socket jlvsadm can use, or null (then {@link #controlProblem()} says why). */
    Path controlSocket() {
        return control == null ? null : control.socket();
    }

    String controlProblem() {
        return controlProblem;
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
        return director == null ? "none" : director.proxy().transportName();
    }

    /** The table exactly as `jlvsadm -Ln` prints it. */
    String table() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        Jlvsadm.run(new String[] {"-Ln"}, engine, ps, ps, InputStream.nullInputStream(), SystemNameResolver.standard());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (director != null) {
            director.close();
        }
        for (DemoRealServer s : servers) {
            s.close();
        }
    }
}
