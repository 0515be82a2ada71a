package io.jlvs.proxy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.EngineSettings;
import io.jlvs.engine.IpvsEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** An engine with test schedulers and a FULLNAT proxy on 127.0.0.1, and helpers to build services. */
final class ProxyFixture implements AutoCloseable {
    static final IpAddress LOCALHOST = IpAddress.parse("127.0.0.1");

    final IpvsEngine engine = new IpvsEngine(EngineSettings.defaults(), TestSchedulers.all());
    final FullNatProxy proxy;

    ProxyFixture() {
        this(Duration.ZERO);
    }

    ProxyFixture(Duration closedLinger) {
        this(closedLinger, ProxyTransportKind.AUTO);
    }

    ProxyFixture(Duration closedLinger, ProxyTransportKind transport) {
        proxy = new FullNatProxy(engine, ProxySettings.defaults().withEventLoops(2).withTransport(transport)
                .withSweepInterval(Duration.ofMillis(100)).withClosedLinger(closedLinger));
    }

    static int freePort(Protocol protocol) throws IOException {
        if (protocol == Protocol.UDP) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    InetServiceKey service(Protocol protocol, String scheduler, int persistence, boolean onePacket) throws Exception {
        InetServiceKey key = new InetServiceKey(protocol, LOCALHOST, freePort(protocol));
        engine.execute(new IpvsCommand.AddService(new VirtualService(key, scheduler, Set.of(), persistence,
                VirtualService.IPV4_FULL_MASK, onePacket, null)));
        return key;
    }

    InetServiceKey tcpService(String scheduler) throws Exception {
        return service(Protocol.TCP, scheduler, 0, false);
    }

    void addServer(InetServiceKey key, int port, int weight) throws IpvsException {
        engine.execute(new IpvsCommand.AddServer(key, RealServer.of(LOCALHOST, port, ForwardingMethod.FULLNAT, weight)));
    }

    void setWeight(InetServiceKey key, int port, int weight) throws IpvsException {
        engine.execute(new IpvsCommand.EditServer(key, RealServer.of(LOCALHOST, port, ForwardingMethod.FULLNAT, weight)));
    }

    void awaitListening(InetServiceKey key) throws Exception {
        proxy.listening(key).get(5, TimeUnit.SECONDS);
    }

    Socket connect(InetServiceKey key) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), key.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Connects and returns the first line the real server sent (null if closed without one). */
    String firstLine(InetServiceKey key) throws IOException {
        try (Socket s = connect(key)) {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    VirtualServiceView view(InetServiceKey key) throws IOException {
        return engine.table().services().stream().filter(v -> v.service().key().equals(key)).findFirst().orElseThrow();
    }

    RealServerView server(InetServiceKey key, int port) throws IOException {
        return view(key).realServers().stream().filter(r -> r.server().port() == port).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
