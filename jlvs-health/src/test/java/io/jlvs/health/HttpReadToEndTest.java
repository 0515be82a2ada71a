package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * keepalived's http_read_thread reads to the end of the stream whatever Content-Length says (the digest covers at
 * most Content-Length bytes), and http_handle_response logs a length that differs from what came, once per
 * difference and url.
 */
@Timeout(30)
class HttpReadToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static TestServer answering(String raw, long holdOpenMillis) throws IOException {
        return new TestServer((s, r) -> {
            s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            Thread.sleep(holdOpenMillis);
        }, true);
    }

    private static String md5(String text) {
        return HexFormat.of().formatHex(HttpFetch.md5().digest(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aServerThatKeepsTheConnectionOpenAfterContentLengthTimesOut() throws IOException {
        try (TestServer s = answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 3000)) {
            long start = System.nanoTime();
            CheckOutcome outcome = Fixtures.checker(HttpCheck.http(UrlCheck.path("/")), s.port(), TIMEOUT).check();
            assertThat(outcome.up()).isFalse();
            assertThat(outcome.reason()).isEqualTo("Timeout HTTP read server [127.0.0.1]:tcp:" + s.port() + ".");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
        }
    }

    @Test
    void bytesPastContentLengthAreReadButNotDigested() throws IOException {
        try (TestServer s = answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 0)) {
            CheckOutcome outcome = Fixtures.checker(HttpCheck.http(UrlCheck.path("/x").withDigest(md5("ok"))),
                    s.port(), TIMEOUT).check();
            assertThat(outcome.up()).isTrue();
            assertThat(outcome.note()).isEqualTo("http_check for RS [127.0.0.1]:tcp:" + s.port()
                    + " VS [192.168.0.10]:tcp:80 url /x: content_length (2) does not match received bytes (7)");
            // the regex sees everything received
            assertThat(Fixtures.checker(HttpCheck.http(UrlCheck.path("/").withRegex("EXTRA", false)), s.port(),
                    TIMEOUT).check().up()).isTrue();
        }
    }

    @Test
    void aShortBodyIsLoggedOnceForTheSameDifference() throws IOException {
        try (TestServer s = answering("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort", 0)) {
            List<String> lines = Fixtures.newLines();
            ManualHealthTimer timer = new ManualHealthTimer();
            VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, e -> { }, c -> { },
                    Fixtures.log(lines));
            CheckTiming timing = Fixtures.timing(CheckerKind.HTTP_GET, TIMEOUT).withWarmup(Duration.ZERO);
            HttpCheck params = HttpCheck.http(UrlCheck.path("/s").withVirtualhost("a.example"));
            RealServerHealth rs = Fixtures.checkedServer(vs, s.port(), params, timing);
            vs.start();
            try (CheckScheduler scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(3))) {
                scheduler.add(rs);
                timer.advance(Duration.ofMillis(1));
                timer.advance(timing.delayLoop().multipliedBy(2));
            }
            assertThat(rs.isAlive()).isTrue();
            assertThat(s.requests).hasSize(3);
            assertThat(lines).containsExactly("http_check for RS [127.0.0.1]:tcp:" + s.port()
                            + " VS [192.168.0.10]:tcp:80 url a.example/s: content_length (10) does not match received"
                            + " bytes (5)",
                    "Remote Web server [127.0.0.1]:tcp:" + s.port() + " succeed on service.");
        }
    }
}
