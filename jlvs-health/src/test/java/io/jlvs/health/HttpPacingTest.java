package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP_GET paced as keepalived's check_http.c epilog: one url per attempt, delay_loop apart; a down checker whose
 * failed url passes again starts a whole new pass, so with one url it rejoins after two successes delay_loop
 * apart; fast_recovery makes that second pass immediate. Real requests to a loopback server, on the manual clock.
 */
@Timeout(30)
class HttpPacingTest {
    /** delay_loop 10 s, retry 1, delay_before_retry 3 s (HTTP_GET's default), connect_timeout 1 s. */
    private static final CheckTiming TIMING = CheckTiming.defaults(CheckerKind.HTTP_GET)
            .withConnectTimeout(Duration.ofSeconds(1)).withDelayLoop(Duration.ofSeconds(10)).withRetry(1)
            .withDelayBeforeRetry(Duration.ofSeconds(3)).withWarmup(Duration.ZERO);

    private final Map<String, Integer> status = new ConcurrentHashMap<>();
    private final List<String> lines = Fixtures.newLines();
    private final List<HealthEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ManualHealthTimer timer = new ManualHealthTimer();
    private TestServer server;
    private CheckScheduler scheduler;

    @BeforeEach
    void serve() throws IOException {
        server = new TestServer((s, request) -> {
            String path = request.split(" ", 3)[1];
            int code = status.getOrDefault(path, 200);
            s.getOutputStream().write(("HTTP/1.0 " + code + " X\r\nContent-Length: 2\r\n\r\nok")
                    .getBytes(StandardCharsets.ISO_8859_1));
        }, true);
    }

    @AfterEach
    void close() throws IOException {
        if (scheduler != null) {
            scheduler.close();
        }
        server.close();
    }

    private RealServerHealth start(HttpCheck params) {
        VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, events::add, c -> { },
                Fixtures.log(lines));
        RealServerHealth rs = Fixtures.checkedServer(vs, server.port(), params, TIMING);
        vs.start();
        scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(3));
        scheduler.add(rs);
        return rs;
    }

    /** Moves the clock to {@code seconds} (plus a little) after the start. */
    private void at(double seconds) {
        long target = (long) (seconds * 1000) + 1;
        long now = timer.nanoTime() / 1_000_000;
        timer.advance(Duration.ofMillis(target - now));
    }

    @Test
    void aOneUrlCheckerRejoinsOnlyAfterTwoSuccessesDelayLoopApart() {
        RealServerHealth rs = start(HttpCheck.http(UrlCheck.path("/a")));
        String label = "[127.0.0.1]:tcp:" + server.port();
        at(0);
        assertThat(rs.isAlive()).isTrue();
        status.put("/a", 500);
        at(10); // fails, retried 3 s later
        assertThat(rs.isAlive()).isTrue();
        at(13);
        assertThat(rs.isAlive()).isFalse();
        status.put("/a", 200);
        at(23); // the failed url passes: a whole new pass must follow
        assertThat(rs.isAlive()).isFalse();
        assertThat(lines).contains("HTTP status code success to " + label + " url(/a)");
        at(32.9);
        assertThat(rs.isAlive()).isFalse();
        at(33);
        assertThat(rs.isAlive()).isTrue();
        assertThat(lines).filteredOn(l -> l.startsWith("HTTP status code success")).hasSize(2);
        assertThat(lines).containsSubsequence("Removing service " + label + " from VS [192.168.0.10]:tcp:80",
                "HTTP status code success to " + label + " url(/a)", "HTTP status code success to " + label + " url(/a)",
                "Remote Web server " + label + " succeed on service.",
                "Adding service " + label + " to VS [192.168.0.10]:tcp:80");
    }

    @Test
    void withFastRecoveryTheSecondPassFollowsAtOnce() {
        RealServerHealth rs = start(HttpCheck.http(UrlCheck.path("/a")).withFastRecovery(true));
        at(0);
        status.put("/a", 500);
        at(13);
        assertThat(rs.isAlive()).isFalse();
        status.put("/a", 200);
        at(22.9);
        assertThat(rs.isAlive()).isFalse();
        at(23);
        assertThat(rs.isAlive()).isTrue();
    }

    @Test
    void oneUrlIsCheckedPerDelayLoopSoAFailingThirdUrlIsNoticedOnItsTurn() {
        status.put("/c", 404);
        RealServerHealth rs = start(HttpCheck.http(UrlCheck.path("/a"), UrlCheck.path("/b"), UrlCheck.path("/c")));
        at(0);
        assertThat(server.requests).hasSize(1);
        at(19.9);
        assertThat(server.requests).hasSize(2);
        assertThat(rs.isAlive()).isTrue();
        at(20); // /c's turn; not retried (the checker has not completed a pass yet)
        assertThat(rs.isAlive()).isFalse();
        assertThat(server.requests).hasSize(3);
        assertThat(server.requests).extracting(r -> r.split(" ", 3)[1]).containsExactly("/a", "/b", "/c");
    }
}
