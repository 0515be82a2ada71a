package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs on both TCP paths: the relay (the default) and Netty epoll. */
@ParameterizedClass
@EnumSource(value = ProxyTransportKind.class, names = {"RELAY", "EPOLL"})
class FullNatTransferTest {
    private final ProxyTransportKind transport;
    private static final long MB = 1024 * 1024;

    private final ProxyFixture f;

    FullNatTransferTest(ProxyTransportKind transport) {
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

    /** Sends "name\n" then {@code stream}, and closes. */
    private TcpBackend streamer(String name, Stream stream, AtomicLong written) throws Exception {
        return backend(new TcpBackend(s -> {
            s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            stream.writeTo(s.getOutputStream(), written);
        }));
    }

    @Test
    void quiescedServerFinishesItsTransferWhileNewConnectionsGoElsewhere() throws Exception {
        Stream stream = new Stream(20 * MB, 42);
        InetServiceKey key = f.tcpService("rr");
        for (int i = 1; i <= 3; i++) {
            f.addServer(key, streamer("rs" + i, stream, new AtomicLong()).port(), 1);
        }
        f.awaitListening(key);

        TcpBackend drained;
        try (Socket s = f.connect(key)) {
            s.setReceiveBufferSize(64 * 1024);
            InputStream in = s.getInputStream();
            String name = FullNatSchedulingTest.readLine(in);
            drained = backends.get(Integer.parseInt(name.substring(2)) - 1);
            byte[] first = in.readNBytes(256 * 1024);

            f.setWeight(key, drained.port(), 0);
            List<String> later = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                try (Socket other = f.connect(key)) {
                    later.add(FullNatSchedulingTest.readLine(other.getInputStream()));
                }
            }
            assertThat(later).hasSize(20).doesNotContain(name).doesNotContainNull();

            var md = Stream.digest();
            md.update(first);
            byte[] buf = new byte[16 * 1024];
            int n;
            long total = first.length;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(stream.length());
            assertThat(java.util.HexFormat.of().formatHex(md.digest())).isEqualTo(stream.sha256());
        }
        assertThat(drained.accepted()).isEqualTo(1);
        assertThat(f.server(key, drained.port()).stats().outBytes()).isEqualTo(stream.length() + 4);
    }

    @Test
    void removedServerFinishesItsTransfer() throws Exception {
        Stream stream = new Stream(20 * MB, 7);
        InetServiceKey key = f.tcpService("rr");
        for (int i = 1; i <= 2; i++) {
            f.addServer(key, streamer("rs" + i, stream, new AtomicLong()).port(), 1);
        }
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            InputStream in = s.getInputStream();
            String name = FullNatSchedulingTest.readLine(in);
            int removed = backends.get(Integer.parseInt(name.substring(2)) - 1).port();
            f.engine.execute(new IpvsCommand.DeleteServer(key, ProxyFixture.LOCALHOST, removed));
            assertThat(f.view(key).realServers()).hasSize(1);
            try (Socket other = f.connect(key)) {
                assertThat(FullNatSchedulingTest.readLine(other.getInputStream())).isNotEqualTo(name);
            }

            AtomicLong read = new AtomicLong();
            assertThat(Stream.sha256Of(in, read, 8192)).isEqualTo(stream.sha256());
            assertThat(read.get()).isEqualTo(stream.length());
        }
    }

    @Test
    void deletedServiceStopsListeningButOpenConnectionsGoOn() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, backend(TcpBackend.echo("rs1")).port(), 1);
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            InputStream in = s.getInputStream();
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("rs1");
            f.engine.execute(new IpvsCommand.DeleteService(key));
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket probe = f.connect(key)) {
                    return false;
                } catch (java.net.ConnectException refused) {
                    return true;
                }
            });
            s.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("still here");
        }
    }

    @Test
    void slowReaderHoldsBackTheRealServerInsteadOfFillingTheProxy() throws Exception {
        Stream stream = new Stream(200 * MB, 3);
        AtomicLong written = new AtomicLong();
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, streamer("rs1", stream, written).port(), 1);
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            // Not reading: the proxy must stop reading from the real server once the client's buffer is full.
            await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.metrics().maxPendingWriteBytes() > 0);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                    f.proxy.metrics().maxPendingWriteBytes() <= 256 * 1024 && written.get() < 100 * MB);

            InputStream in = s.getInputStream();
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("rs1");
            AtomicLong read = new AtomicLong();
            assertThat(Stream.sha256Of(in, read, 64 * 1024)).isEqualTo(stream.sha256());
            assertThat(read.get()).isEqualTo(stream.length());
        }
        // At the real server's FIN epoll drains its socket buffer at once: bounded by that buffer, not the stream.
        assertThat(f.proxy.metrics().maxPendingWriteBytes()).isLessThanOrEqualTo(16 * MB);
    }

    @Test
    void slowRealServerHoldsBackTheClientInsteadOfFillingTheProxy() throws Exception {
        Stream stream = new Stream(200 * MB, 5);
        java.util.concurrent.CountDownLatch startReading = new java.util.concurrent.CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        java.util.concurrent.CompletableFuture<String> digest = new java.util.concurrent.CompletableFuture<>();
        InetServiceKey key = f.tcpService("rr");
        f.addServer(key, backend(new TcpBackend(s -> {
            try {
                startReading.await();
                digest.complete(Stream.sha256Of(s.getInputStream(), received, 64 * 1024));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).port(), 1);
        f.awaitListening(key);

        AtomicLong written = new AtomicLong();
        try (Socket s = f.connect(key)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    stream.writeTo(s.getOutputStream(), written);
                    s.shutdownOutput();
                } catch (java.io.IOException ignored) {
                    // the test failed elsewhere
                }
            });
            // The real server reads nothing yet: the proxy must stop reading the client once its buffer is full.
            await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.metrics().maxPendingWriteBytes() > 0);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                    f.proxy.metrics().maxPendingWriteBytes() <= 256 * 1024 && written.get() < 100 * MB);

            startReading.countDown();
            assertThat(digest.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(stream.sha256());
            assertThat(received.get()).isEqualTo(stream.length());
            writer.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void halfCloseReachesTheRealServerAndTheAnswerStillComesBack() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        TcpBackend counter = backend(new TcpBackend(s -> {
            long n = s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            s.getOutputStream().write(("got " + n + "\n").getBytes(StandardCharsets.US_ASCII));
        }));
        f.addServer(key, counter.port(), 1);
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            s.getOutputStream().write(new byte[100_000]);
            s.shutdownOutput();
            assertThat(FullNatSchedulingTest.readLine(s.getInputStream())).isEqualTo("got 100000");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void countersAndActiveInactiveCountsFollowTheConnection() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TcpBackend rs = backend(new TcpBackend(s -> {
            s.getOutputStream().write("rs1\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().transferTo(s.getOutputStream());
            holdUntil(release);
        }));
        f.addServer(key, rs.port(), 1);
        f.awaitListening(key);

        try (Socket s = f.connect(key)) {
            InputStream in = s.getInputStream();
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("rs1");
            RealServerView r = f.server(key, rs.port());
            assertThat(r.activeConns()).isEqualTo(1);
            assertThat(r.inactiveConns()).isZero();
            ConnectionView c = f.engine.connections().getFirst();
            assertThat(c.state()).isEqualTo("ESTABLISHED");
            assertThat(c.clientPort()).isEqualTo(s.getLocalPort());
            assertThat(c.destinationPort()).isEqualTo(rs.port());
            assertThat(c.expiresMillis()).isBetween(890_000L, 900_000L);

            s.getOutputStream().write(new byte[1000]);
            assertThat(in.readNBytes(1000)).hasSize(1000);
            s.shutdownOutput();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                RealServerView v = f.server(key, rs.port());
                assertThat(v.activeConns()).isZero();
                assertThat(v.inactiveConns()).isEqualTo(1);
            });
            assertThat(f.engine.connections().getFirst().state()).isEqualTo("FIN_WAIT");
            release.countDown();
            assertThat(in.read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            RealServerView v = f.server(key, rs.port());
            assertThat(v.activeConns() + v.inactiveConns()).isZero();
            assertThat(f.engine.connections()).isEmpty();
        });
        var rsStats = f.server(key, rs.port()).stats();
        assertThat(rsStats.conns()).isEqualTo(1);
        assertThat(rsStats.inBytes()).isEqualTo(1000);
        assertThat(rsStats.outBytes()).isEqualTo(1000 + 4);
        assertThat(rsStats.inPackets()).isBetween(1L, 1000L);
        assertThat(f.view(key).stats()).isEqualTo(rsStats);
    }

    @Test
    void aConnectionTheRealServerClosedFirstIsListedInCloseWaitWithIpvssSixtySecondsWhateverTcpfinSays()
            throws Exception {
        InetServiceKey key = f.tcpService("rr");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TcpBackend rs = backend(new TcpBackend(s -> {
            s.getOutputStream().write("rs1\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();   // the real server closes first: CLOSE_WAIT
            holdUntil(release);
        }));
        f.addServer(key, rs.port(), 1);
        f.awaitListening(key);
        // jlvsadm --set 0 300 0: FIN_WAIT's timeout only, as in IPVS
        f.engine.execute(new IpvsCommand.SetTimeouts(new io.jlvs.core.view.Timeouts(0, 300, 0)));

        try (Socket s = f.connect(key)) {
            InputStream in = s.getInputStream();
            assertThat(FullNatSchedulingTest.readLine(in)).isEqualTo("rs1");
            assertThat(in.read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(f.engine.connections()).singleElement().satisfies(c -> {
                        assertThat(c.state()).isEqualTo("CLOSE_WAIT");
                        // jlvsadm -Lnc: CLOSE_WAIT 00:59 or 01:00, not tcpfin's 05:00
                        assertThat(c.expiresMillis()).isBetween(50_000L, 60_000L);
                    }));
        } finally {
            release.countDown();
        }
    }

    @Test
    void idleConnectionIsClosedOnceTheTcpTimeoutHasPassed() throws Exception {
        InetServiceKey key = f.tcpService("rr");
        TcpBackend rs = backend(TcpBackend.echo("rs1"));
        f.addServer(key, rs.port(), 1);
        f.awaitListening(key);
        f.engine.execute(new IpvsCommand.SetTimeouts(new io.jlvs.core.view.Timeouts(1, 0, 0)));

        try (Socket busy = f.connect(key); Socket idle = f.connect(key)) {
            assertThat(FullNatSchedulingTest.readLine(busy.getInputStream())).isEqualTo("rs1");
            assertThat(FullNatSchedulingTest.readLine(idle.getInputStream())).isEqualTo("rs1");
            long start = System.nanoTime();
            idle.setSoTimeout(10_000);
            busy.setSoTimeout(1_000);
            // The busy connection talks every 300 ms and outlives the idle one, which gets no byte more:
            // the proxy ends it with a FIN (end of stream), not sooner than the one-second timeout.
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300)).until(() -> {
                busy.getOutputStream().write('x');
                return busy.getInputStream().read() == 'x' && f.engine.connections().size() == 1;
            });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(f.engine.connections()).singleElement()
                    .satisfies(c -> assertThat(c.clientPort()).isEqualTo(busy.getLocalPort()));
            busy.getOutputStream().write('y');
            assertThat(busy.getInputStream().read()).isEqualTo('y');
        }
    }

    /** In a real server's handler: keeps the connection until {@code release} (at most 10 s). */
    private static void holdUntil(java.util.concurrent.CountDownLatch release) {
        try {
            release.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
