package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** How keepalived 2.2.7's HTTP checker reads a response (html.c, check_http.c), against loopback servers. */
class HttpResponseRulesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static CheckOutcome check(UrlCheck url, TestServer server) {
        return Fixtures.checker(HttpCheck.http(url), server.port(), TIMEOUT).check();
    }

    @Test
    void theRegexAlsoSeesTheHeaderWhenThereIsABody() throws IOException {
        try (TestServer s = TestServer.http("HTTP/1.0 200 OK\r\nServer: nginx/1.22.1\r\nX-Health: green\r\n\r\nok")) {
            assertThat(check(UrlCheck.path("/").withRegex("X-Health: green", false), s).up()).isTrue();
            assertThat(check(UrlCheck.path("/").withRegex("^HTTP/1\\.0 200", false), s).up()).isTrue();
            assertThat(check(UrlCheck.path("/").withRegex("Server: nginx", true), s).up()).isFalse();
        }
    }

    @Test
    void anEmptyBodyMatchesNoRegex() throws IOException {
        try (TestServer s = TestServer.http("HTTP/1.0 200 OK\r\nX-Health: green\r\nContent-Length: 0\r\n\r\n")) {
            assertThat(check(UrlCheck.path("/").withRegex("X-Health", false), s).up()).isFalse();
            assertThat(check(UrlCheck.path("/").withRegex("^$", false), s).up()).isFalse();
            assertThat(check(UrlCheck.path("/").withRegex("X-Health", true), s).up()).isTrue();
        }
    }

    @Test
    void aStatusLineWithoutReasonPhraseHasNoStatus() throws IOException {
        try (TestServer bare = TestServer.http("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok");
             TestServer empty = TestServer.http("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
             TestServer icy = TestServer.http("ICY 200 OK\r\n\r\nok")) {
            CheckOutcome down = check(UrlCheck.path("/"), bare);
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).startsWith("HTTP status code error to server");
            assertThat(check(UrlCheck.path("/"), empty).up()).isTrue();
            assertThat(check(UrlCheck.path("/"), icy).up()).isTrue();
        }
    }

    @Test
    void aStreamEndingBeforeTheBlankLineIsNoData() throws IOException {
        try (TestServer cut = TestServer.http("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n")) {
            CheckOutcome down = check(UrlCheck.path("/"), cut);
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).isEqualTo("Read, no data received from  server [127.0.0.1]:tcp:"
                    + cut.port() + ".");
        }
    }

    @Test
    void aTimeoutAfterTheFirstBytesIsAnHttpReadTimeout() throws IOException {
        try (TestServer stalls = new TestServer((socket, request) -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.0 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(3000); // the server stalls mid-header; the check gives up at connect_timeout
        }, true)) {
            CheckOutcome down = check(UrlCheck.path("/"), stalls);
            assertThat(down.reason()).isEqualTo("Timeout HTTP read server [127.0.0.1]:tcp:" + stalls.port() + ".");
        }
    }

    @Test
    void urlSuccessLinesAreLoggedOnlyWhenTheCheckerComesUpFromDown() throws IOException {
        try (TestServer s = TestServer.http(TestServer.ok("fine"))) {
            List<String> lines = new CopyOnWriteArrayList<>();
            ManualHealthTimer timer = new ManualHealthTimer();
            VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, e -> { }, c -> { },
                    new CheckLog(lines::add));
            HttpCheck params = HttpCheck.http(UrlCheck.path("/a"), UrlCheck.path("/b"));
            CheckTiming timing = Fixtures.timing(CheckerKind.HTTP_GET, TIMEOUT).withWarmup(Duration.ZERO);
            HealthChecker checker = Fixtures.factory().create(params, Fixtures.subject(s.port()), timing, null);
            RealServerHealth rs = vs.addRealServer(Fixtures.LOOPBACK, s.port(), 1, false, null, null,
                    List.of(new CheckerSpec(checker, timing)));
            vs.start();
            try (CheckScheduler scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(3))) {
                scheduler.add(rs);
                timer.advance(Duration.ofMillis(1));
                // one url per attempt, delay_loop apart (keepalived's pacing): up only once /b passed
                assertThat(lines).isEmpty();
                timer.advance(timing.delayLoop());
            }
            String label = "[127.0.0.1]:tcp:" + s.port();
            assertThat(lines).containsExactly("Remote Web server " + label + " succeed on service.");

            lines.clear();
            VirtualServerHealth alphaVs = new VirtualServerHealth(Fixtures.VS, null, null, false, e -> { }, c -> { },
                    new CheckLog(lines::add));
            CheckTiming alpha = timing.withAlpha(true);
            RealServerHealth alphaRs = alphaVs.addRealServer(Fixtures.LOOPBACK, s.port(), 1, false, null, null,
                    List.of(new CheckerSpec(checker, alpha)));
            alphaVs.start();
            try (CheckScheduler scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(3))) {
                scheduler.add(alphaRs);
                timer.advance(Duration.ofMillis(1));
                timer.advance(alpha.delayLoop());
            }
            assertThat(lines).startsWith("HTTP status code success to " + label + " url(/a)",
                    "HTTP status code success to " + label + " url(/b)",
                    "Remote Web server " + label + " succeed on service.");
        }
    }
}
