package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs on both TCP paths: the relay (the default) and Netty epoll. */
@ParameterizedClass
@EnumSource(value = ProxyTransportKind.class, names = {"RELAY", "EPOLL"})
class FullNatFailoverTest {
    private final ProxyTransportKind transport;
    private final ProxyFixture f;

    FullNatFailoverTest(ProxyTransportKind transport) {
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
    void aConnectionNoServerCanTakeIsClosedAndCounted() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, backend(TcpBackend.greeter("rs1")).port(), 0);
        f.awaitListening(key);

        assertThat(f.firstLine(key)).isNull();
        assertThat(f.proxy.metrics().noDestination()).isEqualTo(1);
        assertThat(f.view(key).stats().conns()).isZero();
    }

    @Test
    void refusedConnectIsRetriedOnceOnAnotherServer() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        int dead = ProxyFixture.freePort(Protocol.TCP);
        f.addServer(key, dead, 1);
        f.addServer(key, backend(TcpBackend.greeter("rs-alive")).port(), 1);
        f.awaitListening(key);

        for (int i = 0; i < 10; i++) {
            assertThat(f.firstLine(key)).isEqualTo("rs-alive");
        }
        // rr's retry advances its position, so most connections try the dead server first.
        long failures = f.proxy.metrics().connectFailures();
        assertThat(failures).isBetween(5L, 10L);
        assertThat(f.proxy.metrics().connectRetries()).isEqualTo(failures);
        assertThat(f.server(key, dead).stats().conns()).isEqualTo(failures);
        assertThat(f.server(key, dead).inactiveConns()).isZero();
        // as in IPVS, a service's Conns is the sum of its real servers': a retry is a scheduling decision too
        assertThat(f.view(key).stats().conns()).isEqualTo(f.view(key).realServers().stream()
                .mapToLong(r -> r.stats().conns()).sum()).isEqualTo(10 + failures);
    }

    /**
     * A real server whose accept queue is full: Linux drops the SYNs (tcp_abort_on_overflow 0), so a
     * connect neither succeeds nor fails until the proxy's connect timeout ends it.
     */
    @Test
    void aConnectThatHangsTimesOutAndIsRetriedOnAnotherServer() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    Socket s = new Socket();
                    fillers.add(s);
                    try {
                        s.connect(silent.getLocalSocketAddress(), 300);
                    } catch (java.net.SocketTimeoutException full) {
                        break;
                    }
                }
                InetServiceKey key = f.tcpService("rr");
                f.addServer(key, silent.getLocalPort(), 1);
                f.addServer(key, backend(TcpBackend.greeter("rs-alive")).port(), 1);
                f.proxy.setServiceOptions(key, FullNatServiceOptions.DEFAULTS
                        .withConnectTimeout(java.time.Duration.ofMillis(400)));
                f.awaitListening(key);

                for (int i = 0; i < 2; i++) {
                    assertThat(f.firstLine(key)).isEqualTo("rs-alive");
                }
                assertThat(f.proxy.metrics().connectFailures()).isEqualTo(1);
                assertThat(f.proxy.metrics().connectRetries()).isEqualTo(1);
                assertThat(f.server(key, silent.getLocalPort()).stats().conns()).isEqualTo(1);
                assertThat(f.server(key, silent.getLocalPort()).inactiveConns()).isZero();
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void withRetryOffARefusedConnectClosesTheClient() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        int dead = ProxyFixture.freePort(Protocol.TCP);
        f.addServer(key, dead, 1);
        f.addServer(key, backend(TcpBackend.greeter("rs-alive")).port(), 1);
        f.proxy.setServiceOptions(key, FullNatServiceOptions.DEFAULTS.withRetryOnConnectFailure(false));
        f.awaitListening(key);

        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add(f.firstLine(key));
        }
        assertThat(lines.stream().filter(l -> l == null)).hasSize(5);
        assertThat(lines.stream().filter("rs-alive"::equals)).hasSize(5);
        assertThat(f.proxy.metrics().connectRetries()).isZero();
    }

    @Test
    void proxyProtocolV1HeaderReachesTheRealServer() throws Exception {
        CompletableFuture<String> header = new CompletableFuture<>();
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, backend(new TcpBackend(s -> {
            header.complete(FullNatSchedulingTest.readLine(s.getInputStream()));
            s.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
        })).port(), 1);
        f.proxy.setServiceOptions(key, FullNatServiceOptions.DEFAULTS.withProxyProtocol(ProxyProtocol.V1));
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            assertThat(FullNatSchedulingTest.readLine(s.getInputStream())).isEqualTo("ok");
            assertThat(header.get(5, TimeUnit.SECONDS))
                    .isEqualTo("PROXY TCP4 127.0.0.1 127.0.0.1 " + s.getLocalPort() + " " + key.port() + "\r");
        }
    }

    @Test
    void proxyProtocolV2HeaderReachesTheRealServer() throws Exception {
        CompletableFuture<byte[]> header = new CompletableFuture<>();
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, backend(new TcpBackend(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] fixed = in.readNBytes(16);
            int len = ((fixed[14] & 0xff) << 8) | (fixed[15] & 0xff);
            byte[] all = Arrays.copyOf(fixed, 16 + len);
            in.readFully(all, 16, len);
            header.complete(all);
            s.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
        })).port(), 1);
        f.proxy.setServiceOptions(key, FullNatServiceOptions.DEFAULTS.withProxyProtocol(ProxyProtocol.V2));
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            InputStream in = s.getInputStream();
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("ok");
            byte[] h = header.get(5, TimeUnit.SECONDS);
            byte[] signature = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
            assertThat(Arrays.copyOf(h, 12)).isEqualTo(signature);
            assertThat(h[12]).isEqualTo((byte) 0x21); // version 2, PROXY
            assertThat(h[13]).isEqualTo((byte) 0x11); // AF_INET, STREAM
            assertThat(Arrays.copyOfRange(h, 16, 24)).isEqualTo(new byte[] {127, 0, 0, 1, 127, 0, 0, 1});
            assertThat(((h[24] & 0xff) << 8) | (h[25] & 0xff)).isEqualTo(s.getLocalPort());
            assertThat(((h[26] & 0xff) << 8) | (h[27] & 0xff)).isEqualTo(key.port());
        }
    }
}
