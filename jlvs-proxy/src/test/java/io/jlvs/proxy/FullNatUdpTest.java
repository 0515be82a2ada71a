package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FullNatUdpTest {
    private final ProxyFixture f = new ProxyFixture();
    private final List<DatagramSocket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() {
        f.close();
        sockets.forEach(DatagramSocket::close);
    }

    /** A UDP real server answering "name:payload". */
    private int echo(String name) throws IOException {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sockets.add(s);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] out = (name + ":" + new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s.getLocalPort();
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        c.setSoTimeout(5000);
        sockets.add(c);
        return c;
    }

    private static String ask(DatagramSocket c, InetServiceKey key, String payload) throws IOException {
        byte[] out = payload.getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress vip = new InetSocketAddress(InetAddress.getLoopbackAddress(), key.port());
        c.send(new DatagramPacket(out, out.length, vip));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        c.receive(in);
        assertThat(in.getSocketAddress()).isEqualTo(vip);
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
    }

    @Test
    void eachClientKeepsItsRealServerAndRepliesComeFromTheVip() throws Exception {
        InetServiceKey key = f.service(Protocol.UDP, "rr", 0, false);
        for (int i = 1; i <= 3; i++) {
            f.addServer(key, echo("rs" + i), 1);
        }
        f.awaitListening(key);

        Map<String, Integer> perServer = new HashMap<>();
        for (int c = 0; c < 3; c++) {
            DatagramSocket client = client();
            String first = ask(client, key, "hello").split(":")[0];
            for (int i = 0; i < 5; i++) {
                assertThat(ask(client, key, "ping" + i)).isEqualTo(first + ":ping" + i);
            }
            perServer.merge(first, 1, Integer::sum);
        }
        assertThat(perServer).containsOnlyKeys("rs1", "rs2", "rs3");

        List<ConnectionView> conns = f.engine.connections();
        assertThat(conns).hasSize(3).allSatisfy(c -> {
            assertThat(c.protocol()).isEqualTo(Protocol.UDP);
            assertThat(c.state()).isEqualTo("UDP");
            assertThat(c.expiresMillis()).isBetween(290_000L, 300_000L);
        });
        var stats = f.view(key).stats();
        assertThat(stats.conns()).isEqualTo(3);
        assertThat(stats.inPackets()).isEqualTo(18);
        assertThat(stats.outPackets()).isEqualTo(18);
        assertThat(f.view(key).realServers()).allSatisfy(r -> {
            assertThat(r.activeConns()).isZero();
            assertThat(r.inactiveConns()).isEqualTo(1);
        });
    }

    @Test
    void idleUdpFlowsExpireWithTheUdpTimeout() throws Exception {
        f.engine.execute(new IpvsCommand.SetTimeouts(new Timeouts(0, 0, 1)));
        InetServiceKey key = f.service(Protocol.UDP, "rr", 0, false);
        f.addServer(key, echo("rs1"), 1);
        f.awaitListening(key);

        assertThat(ask(client(), key, "x")).isEqualTo("rs1:x");
        assertThat(f.engine.connections()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(f.engine.connections()).isEmpty();
            assertThat(f.view(key).realServers().getFirst().inactiveConns()).isZero();
        });
    }

    @Test
    void onePacketSchedulingPlacesEveryDatagramOnItsOwn() throws Exception {
        InetServiceKey key = f.service(Protocol.UDP, "rr", 0, true);
        for (int i = 1; i <= 3; i++) {
            f.addServer(key, echo("rs" + i), 1);
        }
        f.awaitListening(key);

        DatagramSocket client = client();
        Map<String, Integer> perServer = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            perServer.merge(ask(client, key, "q" + i).split(":")[0], 1, Integer::sum);
        }
        assertThat(perServer).containsOnly(Map.entry("rs1", 10), Map.entry("rs2", 10), Map.entry("rs3", 10));
        assertThat(f.view(key).stats().conns()).isEqualTo(30);
        assertThat(f.engine.connections()).isEmpty();
    }
}
