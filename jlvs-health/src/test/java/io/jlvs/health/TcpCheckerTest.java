package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpCheckerTest {

    @Test
    void upWhenListeningDownWhenRefused() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            HealthChecker checker = Fixtures.checker(new TcpCheck(null), s.getLocalPort(), Duration.ofSeconds(2));
            CheckOutcome up = checker.check();
            assertThat(up.up()).isTrue();
            assertThat(up.reason()).isEqualTo("TCP connection to [127.0.0.1]:tcp:" + s.getLocalPort() + " success.");
            closedPort = s.getLocalPort();
        }
        CheckOutcome down = Fixtures.checker(new TcpCheck(null), closedPort, Duration.ofSeconds(2)).check();
        assertThat(down.up()).isFalse();
        assertThat(down.reason()).isEqualTo("TCP connection to [127.0.0.1]:tcp:" + closedPort + " failed.");
    }

    @Test
    void connectPortOverridesTheRealServerPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TcpCheck params = new TcpCheck(new ConnectOptions(null, s.getLocalPort(), Fixtures.LOOPBACK, 0));
            assertThat(Fixtures.checker(params, 1, Duration.ofSeconds(2)).check().up()).isTrue();
        }
    }

    @Test
    void blackHoleFailsWithinConnectTimeoutAndReleasesDescriptors() throws IOException {
        // a listener whose accept queue is full drops SYNs: connects hang like a black-holed address
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = fillBacklog(full);
            try {
                long fdsBefore = Fixtures.openFds();
                Duration timeout = Duration.ofMillis(800);
                long start = System.nanoTime();
                CheckOutcome outcome = Fixtures.checker(new TcpCheck(null), full.getLocalPort(), timeout).check();
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(outcome.up()).isFalse();
                assertThat(outcome.reason()).endsWith(" timeout.");
                assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(700)).isLessThan(timeout.plusSeconds(1));
                assertThat(Fixtures.openFds()).isLessThanOrEqualTo(fdsBefore);
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    static List<Socket> fillBacklog(ServerSocket full) throws IOException {
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 200);
                fillers.add(s);
            } catch (IOException e) {
                s.close();
                return fillers;
            }
        }
        throw new IllegalStateException("could not fill the accept queue");
    }
}
