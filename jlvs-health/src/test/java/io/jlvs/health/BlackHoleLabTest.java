package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Nginx;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: a real server (nginx) behind a router namespace, and the path to it black-holed in ways a network
 * does it: a blackhole route in the router (packets vanish, nothing answers), an nftables drop of the server's
 * SYNs, an nftables drop of everything the server sends after its SYN-ACK (connected, then silence), and a
 * blackhole route on this host (connect fails at once). TCP_CHECK and HTTP_GET fail within connect_timeout + 1 s
 * with this JVM's threads and file descriptors back to their baseline, and pass again once the path is back.
 */
class BlackHoleLabTest {

    /** The bound {@link HttpCheckerTest#assertWithinBound} checks against: connect_timeout + 1 s. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    static Path dir;
    private static NetnsLab lab;
    private static Nginx nginx;
    private static String router;
    private static String server;
    private static IpAddress rs;

    @BeforeAll
    static void startLab() throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("nginx", "nginx-light");
        Lab.requireCommand("nft", "nftables");
        long n = ProcessHandle.current().pid() % 250;
        String front = "10.215." + n + ".";
        String back = "10.216." + n + ".";
        rs = IpAddress.parse(back + "2");
        lab = new NetnsLab();
        router = lab.namespace("rt");
        server = lab.namespace("rs");
        String rootLink = lab.vethToRoot(router, front + "1/24", front + "2/24");
        String a = lab.prefix().substring(2) + "ra";
        String b = lab.prefix().substring(2) + "sa";
        lab.exec(router, "ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", server)
                .orThrow("veth router-server");
        lab.exec(router, "ip", "addr", "add", back + "1/24", "dev", a).orThrow("addr");
        lab.exec(router, "ip", "link", "set", a, "up").orThrow("up");
        lab.exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1").orThrow("forwarding");
        lab.exec(server, "ip", "addr", "add", back + "2/24", "dev", b).orThrow("addr");
        lab.exec(server, "ip", "link", "set", b, "up").orThrow("up");
        lab.exec(server, "ip", "route", "add", "default", "via", back + "1").orThrow("default route");
        // goes away with the root-side veth when the lab closes
        Shell.run("ip", "route", "add", back + "0/24", "via", front + "2", "dev", rootLink).orThrow("route");

        Path prefix = dir.resolve("nginx");
        Files.createDirectories(prefix.resolve("www"));
        Files.writeString(prefix.resolve("www/index.html"), "<html>behind a router</html>\n");
        nginx = Nginx.start(server, prefix, """
                  server {
                    listen 80;
                    root %PREFIX%/www;
                  }
                """);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .failFast("nginx exited: " + nginx.logs(), () -> !nginx.running())
                .until(() -> tcp().check().up());
    }

    @AfterAll
    static void stopLab() {
        if (nginx != null) {
            nginx.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private static HealthChecker tcp() {
        return Fixtures.factory().create(new TcpCheck(null), new CheckSubject(Fixtures.VS, rs, 80),
                Fixtures.timing(CheckerKind.TCP_CHECK, TIMEOUT), null);
    }

    private static HealthChecker http() {
        return Fixtures.factory().create(HttpCheck.http(UrlCheck.path("/index.html")),
                new CheckSubject(Fixtures.VS, rs, 80), Fixtures.timing(CheckerKind.HTTP_GET, TIMEOUT), null);
    }

    /** One failing attempt, through the shared bound-and-baseline assertion; returns how long it took. */
    private static Duration failsInBound(HealthChecker checker, String reasonStart) {
        AtomicReference<Duration> took = new AtomicReference<>();
        AtomicReference<String> reason = new AtomicReference<>();
        HttpCheckerTest.assertWithinBound(() -> {
            long start = System.nanoTime();
            CheckOutcome outcome = checker.check();
            took.set(Duration.ofNanos(System.nanoTime() - start));
            reason.set(outcome.reason());
            return outcome;
        }, reasonStart);
        System.out.printf("[lab] %s failed in %d ms: %s%n", checker.kind(), took.get().toMillis(), reason.get());
        return took.get();
    }

    private static void assertPathWorks() {
        CheckOutcome t = tcp().check();
        assertThat(t.up()).as(t.reason()).isTrue();
        CheckOutcome h = http().check();
        assertThat(h.up()).as(h.reason()).isTrue();
    }

    @Test
    void blackholeRouteInTheRouterDropsSilently() throws IOException {
        assertPathWorks();
        lab.exec(router, "ip", "route", "add", "blackhole", rs + "/32").orThrow("blackhole route");
        try {
            Duration tcp = failsInBound(tcp(), "TCP connection to [" + rs + "]:tcp:80 timeout.");
            Duration http = failsInBound(http(), "Timeout connecting server [" + rs + "]:tcp:80");
            // silent: the attempts waited for connect_timeout, nothing refused them early
            assertThat(tcp).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
            assertThat(http).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
        } finally {
            lab.exec(router, "ip", "route", "del", "blackhole", rs + "/32").orThrow("blackhole route del");
        }
        assertPathWorks();
    }

    @Test
    void nftablesDropOfTheServersSynsTimesOut() throws IOException {
        assertPathWorks();
        nft("add rule inet jlvslab input tcp dport 80 drop");
        try {
            assertThat(failsInBound(tcp(), "TCP connection to")).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
            assertThat(failsInBound(http(), "Timeout connecting")).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100));
        } finally {
            lab.exec(server, "nft", "delete", "table", "inet", "jlvslab").orThrow("nft delete");
        }
        assertPathWorks();
    }

    @Test
    void silenceAfterTheHandshakeFailsHttpGetButNotTcpCheck() throws IOException {
        assertPathWorks();
        // the SYN-ACK leaves, nothing after it: connected, then the response never arrives
        nft("add rule inet jlvslab output tcp sport 80 tcp flags & syn == 0 drop");
        try {
            CheckOutcome connects = tcp().check();
            assertThat(connects.up()).as(connects.reason()).isTrue();
            failsInBound(http(), "Timeout WEB read");
        } finally {
            lab.exec(server, "nft", "delete", "table", "inet", "jlvslab").orThrow("nft delete");
        }
        assertPathWorks();
    }

    @Test
    void blackholeRouteOnThisHostFailsAtOnce() throws IOException {
        assertPathWorks();
        Shell.run("ip", "route", "add", "blackhole", rs + "/32").orThrow("blackhole route");
        try {
            Duration tcp = failsInBound(tcp(), "TCP connection to [" + rs + "]:tcp:80 failed.");
            Duration http = failsInBound(http(), "Connection failed");
            assertThat(tcp).isLessThan(TIMEOUT.dividedBy(2));
            assertThat(http).isLessThan(TIMEOUT.dividedBy(2));
        } finally {
            Shell.run("ip", "route", "del", "blackhole", rs + "/32").orThrow("blackhole route del");
        }
        assertPathWorks();
    }

    private static void nft(String rule) throws IOException {
        Path file = dir.resolve("rules.nft");
        Files.writeString(file, """
                table inet jlvslab {
                  chain input { type filter hook input priority 0; policy accept; }
                  chain output { type filter hook output priority 0; policy accept; }
                }
                %s
                """.formatted(rule));
        lab.exec(server, "nft", "-f", file.toString()).orThrow("nft " + rule);
    }
}
