package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An IPv6 virtual service on ::1: the client's address reaches the real server in a PROXY v1 TCP6 line. */
class FullNatIpv6Test {
    private static final IpAddress V6_LOOPBACK = IpAddress.parse("::1");

    @ParameterizedTest
    @EnumSource(value = ProxyTransportKind.class, names = {"RELAY", "EPOLL"})
    void anIpv6ClientIsProxiedAndNamedInTheProxyHeader(ProxyTransportKind transport) throws Exception {
        InetAddress lo6 = Inet6Address.getByName("::1");
        ServerSocket backend;
        try {
            backend = new ServerSocket(0, 16, lo6);
        } catch (java.io.IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        java.util.concurrent.CountDownLatch listed = new java.util.concurrent.CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try (Socket s = backend.accept()) {
                String header = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                s.getOutputStream().write((header + " seen from " + s.getInetAddress().getHostAddress() + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                listed.await(10, java.util.concurrent.TimeUnit.SECONDS);   // open while the test lists it
            } catch (java.io.IOException | InterruptedException ignored) {
                // the assertions report it
            }
        });
        try (backend; ProxyFixture f = new ProxyFixture(java.time.Duration.ZERO, transport)) {
            int vport;
            try (ServerSocket probe = new ServerSocket(0, 1, lo6)) {
                vport = probe.getLocalPort();
            }
            InetServiceKey key = new InetServiceKey(Protocol.TCP, V6_LOOPBACK, vport);
            f.engine.execute(new IpvsCommand.AddService(new VirtualService(key, "rr", Set.of(), 0, 128, false, null)));
            f.engine.execute(new IpvsCommand.AddServer(key,
                    RealServer.of(V6_LOOPBACK, backend.getLocalPort(), ForwardingMethod.FULLNAT, 1)));
            f.proxy.setServiceOptions(key, FullNatServiceOptions.DEFAULTS.withProxyProtocol(ProxyProtocol.V1));
            f.awaitListening(key);

            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(lo6, vport), 5000);
                client.setSoTimeout(10_000);
                client.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
                String line = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertThat(line).isEqualTo("PROXY TCP6 ::1 ::1 " + client.getLocalPort() + " " + vport
                        + " seen from 0:0:0:0:0:0:0:1");
                List<ConnectionView> conns = new ArrayList<>();
                f.proxy.collect(conns);
                assertThat(conns).anySatisfy(c -> {
                    assertThat(c.client()).isEqualTo(V6_LOOPBACK);
                    assertThat(c.clientPort()).isEqualTo(client.getLocalPort());
                    assertThat(c.destinationPort()).isEqualTo(backend.getLocalPort());
                });
                listed.countDown();
            }
        }
    }
}
