package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Local clients of the packet data plane's services ({@link FullNatProxy#serveLocalClients}): the proxy listens on
 * VIP:port of the services whose real servers the data plane forwards, IPv4 and IPv6, and a client on this host
 * gets a connection to the real server the service's scheduler picks, counted in the service. Here the VIPs are
 * 127.0.0.1 and ::1, as an address of the director would be; the real servers listen on the same loopback, so
 * they are NAT ones (a DR or TUN real server is reached at the virtual port, which on the VIP's own address would
 * be the proxy itself; DR: jlvs-cli's LocalClientsDaemonLabTest).
 */
class LocalClientsTest {
    private static final IpAddress LO6 = IpAddress.parse("::1");
    private final ProxyFixture f = new ProxyFixture(Duration.ZERO);
    private final List<AutoCloseable> open = new ArrayList<>();
    private InetAddress lo6;

    @BeforeEach
    void ipv6Loopback() throws IOException {
        lo6 = Inet6Address.getByName("::1");
        try (ServerSocket probe = new ServerSocket(0, 1, lo6)) {
            assertThat(probe.getLocalPort()).isPositive();
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private int freePort(Protocol protocol, InetAddress on) throws IOException {
        if (protocol == Protocol.UDP) {
            try (DatagramSocket s = new DatagramSocket(0, on)) {
                return s.getLocalPort();
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, on)) {
            return s.getLocalPort();
        }
    }

    private InetServiceKey service(Protocol protocol, IpAddress vip, InetAddress on) throws Exception {
        InetServiceKey key = new InetServiceKey(protocol, vip, freePort(protocol, on));
        f.engine.execute(new IpvsCommand.AddService(new VirtualService(key, "rr", Set.of(), 0,
                vip.isV4() ? VirtualService.IPV4_FULL_MASK : 128, false, null)));
        return key;
    }

    private void server(InetServiceKey key, IpAddress address, int port, ForwardingMethod method) throws Exception {
        f.engine.execute(new IpvsCommand.AddServer(key, RealServer.of(address, port, method, 1)));
    }

    private TcpBackend greeter(InetAddress on, String name) throws IOException {
        TcpBackend b = TcpBackend.greeter(on, name);
        open.add(b);
        return b;
    }

    private static String firstLine(InetAddress vip, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(vip, port), 5000);
            s.setSoTimeout(10_000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** Two real servers by {@code method}, rr: four connections from this host alternate between them. */
    private void roundRobinOverTwo(IpAddress vip, InetAddress on, ForwardingMethod method) throws Exception {
        InetServiceKey key = service(Protocol.TCP, vip, on);
        server(key, vip, greeter(on, "rs1").port(), method);
        server(key, vip, greeter(on, "rs2").port(), method);
        f.awaitListening(key);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(firstLine(on, key.port()));
        }
        assertThat(seen).containsExactlyInAnyOrder("rs1", "rs2", "rs1", "rs2");
        assertThat(seen.get(0)).isNotEqualTo(seen.get(1));
        assertThat(f.view(key).stats().conns()).as("connections counted in the service").isEqualTo(4);
    }

    @Test
    void nothingListensForThemUntilAsked() throws Exception {
        InetServiceKey key = service(Protocol.TCP, LO6, lo6);
        server(key, LO6, greeter(lo6, "rs1").port(), ForwardingMethod.MASQ);
        assertThatThrownBy(() -> f.proxy.listening(key).get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
        f.proxy.serveLocalClients(true);
        f.awaitListening(key);
        assertThat(firstLine(lo6, key.port())).isEqualTo("rs1");
        f.proxy.serveLocalClients(false);
        assertThatThrownBy(() -> f.proxy.listening(key).get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    /** With AF_XDP I/O IPv6 stays the kernel's: a listener on an IPv6 VIP would take remote clients too. */
    @Test
    void ipv6ServicesAreLeftOutWhenAskedFor() throws Exception {
        InetServiceKey v6 = service(Protocol.TCP, LO6, lo6);
        server(v6, LO6, greeter(lo6, "rs1").port(), ForwardingMethod.MASQ);
        InetAddress lo4 = InetAddress.getByName("127.0.0.1");
        InetServiceKey v4 = service(Protocol.TCP, ProxyFixture.LOCALHOST, lo4);
        server(v4, ProxyFixture.LOCALHOST, greeter(lo4, "rs4").port(), ForwardingMethod.MASQ);
        f.proxy.serveLocalClients(true, false);
        f.awaitListening(v4);
        assertThat(firstLine(lo4, v4.port())).isEqualTo("rs4");
        assertThatThrownBy(() -> f.proxy.listening(v6).get(1, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIpv6NatServiceIsServedToLocalClientsWithItsScheduler() throws Exception {
        f.proxy.serveLocalClients(true);
        roundRobinOverTwo(LO6, lo6, ForwardingMethod.MASQ);
    }

    @Test
    void anIpv4NatServiceAsBefore() throws Exception {
        f.proxy.serveLocalClients(true);
        roundRobinOverTwo(ProxyFixture.LOCALHOST, InetAddress.getByName("127.0.0.1"), ForwardingMethod.MASQ);
    }

    @Test
    void anIpv6UdpServiceIsServedToLocalClients() throws Exception {
        f.proxy.serveLocalClients(true);
        DatagramSocket real = new DatagramSocket(0, lo6);
        open.add(real);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[512];
            while (!real.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    real.receive(p);
                    byte[] out = ("rs1:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    real.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        InetServiceKey key = service(Protocol.UDP, LO6, lo6);
        server(key, LO6, real.getLocalPort(), ForwardingMethod.MASQ);
        f.awaitListening(key);
        try (DatagramSocket client = new DatagramSocket(0, lo6)) {
            client.setSoTimeout(5000);
            byte[] q = "ping".getBytes(StandardCharsets.US_ASCII);
            client.send(new DatagramPacket(q, q.length, new InetSocketAddress(lo6, key.port())));
            DatagramPacket answer = new DatagramPacket(new byte[512], 512);
            client.receive(answer);
            assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("rs1:ping");
            assertThat(answer.getPort()).as("answered from the VIP's port").isEqualTo(key.port());
        }
    }

    /**
     * What the data plane leaves to the kernel (an IPv4 tunnel real server of an IPv6 service) is no service of its
     * to lend a listener; a NAT real server of the service's own family beside it makes it one.
     */
    @Test
    void anIpv6ServiceOfAnIpv4TunnelRealServerOnlyIsNotListenedFor() throws Exception {
        f.proxy.serveLocalClients(true);
        InetServiceKey key = service(Protocol.TCP, LO6, lo6);
        // DR and TUN real servers take the virtual port; weight 0: never scheduled, nothing connects to it
        f.engine.execute(new IpvsCommand.AddServer(key, RealServer.of(ProxyFixture.LOCALHOST, key.port(),
                ForwardingMethod.TUNNEL, 0)));
        assertThatThrownBy(() -> f.proxy.listening(key).get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
        server(key, LO6, greeter(lo6, "rs2").port(), ForwardingMethod.MASQ);
        f.awaitListening(key);
        for (int i = 0; i < 2; i++) {
            assertThat(firstLine(lo6, key.port())).isEqualTo("rs2");
        }
    }
}
