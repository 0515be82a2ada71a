package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs on both TCP paths: the relay (the default) and Netty epoll. */
@ParameterizedClass
@EnumSource(value = ProxyTransportKind.class, names = {"RELAY", "EPOLL"})
class FullNatSchedulingTest {
    private final ProxyTransportKind transport;
    private final ProxyFixture f;

    FullNatSchedulingTest(ProxyTransportKind transport) {
        this.transport = transport;
        this.f = new ProxyFixture(java.time.Duration.ZERO, transport);
    }
    private final List<TcpBackend> backends = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        f.close();
        for (TcpBackend b : backends) {
            b.close();
        }
    }

    private TcpBackend backend(TcpBackend b) {
        backends.add(b);
        return b;
    }

    @Test
    void roundRobinSplitsThreeHundredConnectionsIntoExactThirds() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        for (int i = 1; i <= 3; i++) {
            f.addServer(key, backend(TcpBackend.greeter("rs" + i)).port(), 1);
        }
        f.awaitListening(key);

        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            seen.merge(f.firstLine(key), 1, Integer::sum);
        }

        assertThat(seen).containsOnly(Map.entry("rs1", 100), Map.entry("rs2", 100), Map.entry("rs3", 100));
        assertThat(f.view(key).stats().conns()).isEqualTo(300);
        for (TcpBackend b : backends) {
            assertThat(f.server(key, b.port()).stats().conns()).isEqualTo(100);
            assertThat(f.server(key, b.port()).stats().outBytes()).isEqualTo(100L * "rs1\n".length());
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (TcpBackend b : backends) {
                RealServerView r = f.server(key, b.port());
                assertThat(r.activeConns() + r.inactiveConns()).isZero();
            }
        });
    }

    @Test
    void weightedLeastConnectionFollowsWeightsAndCountsActiveConnections() throws Exception {
        InetServiceKey key = f.tcpService("wlc");
        int[] weights = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            f.addServer(key, backend(TcpBackend.echo("rs" + (i + 1))).port(), weights[i]);
        }
        f.awaitListening(key);

        List<Socket> held = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        try {
            for (int i = 0; i < 60; i++) {
                Socket s = f.connect(key);
                held.add(s);
                seen.merge(readLine(s.getInputStream()), 1, Integer::sum);
            }
            assertThat(seen.get("rs1")).isBetween(9, 11);
            assertThat(seen.get("rs2")).isBetween(19, 21);
            assertThat(seen.get("rs3")).isBetween(29, 31);
            for (int i = 0; i < 3; i++) {
                RealServerView r = f.server(key, backends.get(i).port());
                assertThat(r.activeConns()).isEqualTo(seen.get("rs" + (i + 1)));
                assertThat(r.inactiveConns()).isZero();
            }
            assertThat(f.engine.connections()).filteredOn(c -> c.state().equals("ESTABLISHED")).hasSize(60);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (TcpBackend b : backends) {
                RealServerView r = f.server(key, b.port());
                assertThat(r.activeConns() + r.inactiveConns()).isZero();
            }
            assertThat(f.engine.connections()).isEmpty();
        });
    }

    @Test
    void persistentServiceSendsEachClientAddressToOneServer() throws Exception {
        InetServiceKey key = f.service(Protocol.TCP, "rr", 300, false);
        for (int i = 1; i <= 3; i++) {
            f.addServer(key, backend(TcpBackend.greeter("rs" + i)).port(), 1);
        }
        f.awaitListening(key);

        Map<String, List<String>> byClient = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            String clientAddr = "127.0.0." + (1 + i % 3);
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(clientAddr), 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), key.port()), 5000);
                s.setSoTimeout(10_000);
                byClient.computeIfAbsent(clientAddr, k -> new ArrayList<>()).add(readLine(s.getInputStream()));
            }
        }

        assertThat(byClient).hasSize(3);
        for (List<String> servers : byClient.values()) {
            assertThat(servers).hasSize(10).containsOnly(servers.get(0));
        }
        assertThat(byClient.values().stream().map(l -> l.get(0)).distinct()).hasSize(3);
        List<ConnectionView> templates = f.engine.connections().stream().filter(ConnectionView::template).toList();
        assertThat(templates).hasSize(3).allSatisfy(t -> {
            assertThat(t.state()).isEqualTo("NONE");
            assertThat(t.clientPort()).isZero();
            assertThat(t.expiresMillis()).isBetween(290_000L, 300_000L);
        });
        for (TcpBackend b : backends) {
            assertThat(f.server(key, b.port()).persistConns()).isEqualTo(1);
        }
    }

    @Test
    void persistenceTemplateOfAQuiescentServerIsNotUsedForNewConnections() throws Exception {
        InetServiceKey key = f.service(Protocol.TCP, "rr", 300, false);
        TcpBackend a = backend(TcpBackend.greeter("rs1"));
        TcpBackend b = backend(TcpBackend.greeter("rs2"));
        f.addServer(key, a.port(), 1);
        f.addServer(key, b.port(), 1);
        f.awaitListening(key);

        String first = f.firstLine(key);
        int firstPort = first.equals("rs1") ? a.port() : b.port();
        assertThat(f.firstLine(key)).isEqualTo(first);
        f.setWeight(key, firstPort, 0);

        String other = first.equals("rs1") ? "rs2" : "rs1";
        for (int i = 0; i < 5; i++) {
            assertThat(f.firstLine(key)).isEqualTo(other);
        }
    }

    @Test
    void closedConnectionsLingerAsTimeWaitSoWlcSpreadsShortConnections() throws Exception {
        try (ProxyFixture lingering = new ProxyFixture(Duration.ofMillis(1500), transport)) {
            InetServiceKey key = lingering.tcpService("wlc");
            for (int i = 1; i <= 3; i++) {
                lingering.addServer(key, backend(TcpBackend.greeter("rs" + i)).port(), 1);
            }
            lingering.awaitListening(key);

            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                seen.merge(lingering.firstLine(key), 1, Integer::sum);
            }
            assertThat(seen).containsOnly(Map.entry("rs1", 2), Map.entry("rs2", 2), Map.entry("rs3", 2));
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(lingering.engine.connections()).hasSize(6)
                            .allSatisfy(c -> assertThat(c.state()).isEqualTo("TIME_WAIT")));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(lingering.engine.connections()).isEmpty();
                for (RealServerView r : lingering.view(key).realServers()) {
                    assertThat(r.inactiveConns()).isZero();
                }
            });
        }
    }

    static String readLine(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return c < 0 && sb.isEmpty() ? null : sb.toString();
    }
}
