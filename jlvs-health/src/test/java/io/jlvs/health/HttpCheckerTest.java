package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HttpCheckerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static CheckOutcome check(HttpCheck params, TestServer server) {
        return Fixtures.checker(params, server.port(), TIMEOUT).check();
    }

    @Test
    void defaultStatusRangeAcceptsTwoHundredsOnly() throws IOException {
        try (TestServer ok = TestServer.http(TestServer.ok("hello"));
             TestServer notFound = TestServer.http("HTTP/1.0 404 Not Found\r\n\r\nno");
             TestServer created = TestServer.http("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")) {
            CheckOutcome up = check(HttpCheck.http(UrlCheck.path("/")), ok);
            assertThat(up.up()).isTrue();
            assertThat(up.reason()).isEqualTo("HTTP status code success to [127.0.0.1]:tcp:" + ok.port() + " url(/)");
            assertThat(check(HttpCheck.http(UrlCheck.path("/")), created).up()).isTrue();
            CheckOutcome down = check(HttpCheck.http(UrlCheck.path("/")), notFound);
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).isEqualTo("HTTP status code error to server [127.0.0.1]:tcp:"
                    + notFound.port() + ".");
        }
    }

    @Test
    void statusCodeListsAndRanges() throws IOException {
        try (TestServer s404 = TestServer.http("HTTP/1.0 404 Not Found\r\n\r\nx");
             TestServer s503 = TestServer.http("HTTP/1.0 503 Busy\r\n\r\nx");
             TestServer s200 = TestServer.http(TestServer.ok("x"))) {
            UrlCheck url = UrlCheck.path("/").withStatusCodes("400-499 503");
            assertThat(check(HttpCheck.http(url), s404).up()).isTrue();
            assertThat(check(HttpCheck.http(url), s503).up()).isTrue();
            assertThat(check(HttpCheck.http(url), s200).up()).isFalse();
        }
    }

    @Test
    void digestIsTheMd5OfTheBody() throws Exception {
        try (TestServer s = TestServer.http(TestServer.ok("the page"))) {
            CheckOutcome good = check(HttpCheck.http(UrlCheck.path("/p").withDigest(md5("the page"))), s);
            assertThat(good.up()).isTrue();
            assertThat(good.reason()).startsWith("MD5 digest success to");
            CheckOutcome bad = check(HttpCheck.http(UrlCheck.path("/p").withDigest(md5("another page"))), s);
            assertThat(bad.up()).isFalse();
            assertThat(bad.reason()).startsWith("MD5 digest error to server");
        }
    }

    @Test
    void regexAndRegexNoMatch() throws IOException {
        try (TestServer s = TestServer.http(TestServer.ok("status: healthy\n"))) {
            assertThat(check(HttpCheck.http(UrlCheck.path("/").withRegex("status: (healthy|ok)", false)), s).up())
                    .isTrue();
            assertThat(check(HttpCheck.http(UrlCheck.path("/").withRegex("degraded", false)), s).up()).isFalse();
            assertThat(check(HttpCheck.http(UrlCheck.path("/").withRegex("healthy", true)), s).up()).isFalse();
            assertThat(check(HttpCheck.http(UrlCheck.path("/").withRegex("degraded", true)), s).up()).isTrue();
        }
    }

    @Test
    void requestAsKeepalivedSendsItWithVirtualhost() throws IOException {
        try (TestServer s = TestServer.http(TestServer.ok("x"))) {
            check(HttpCheck.http(UrlCheck.path("/health")), s);
            check(HttpCheck.http(UrlCheck.path("/health")).withVirtualhost("www.example.org")
                    .withProtocol(HttpProtocol.HTTP_1_1), s);
            check(HttpCheck.http(UrlCheck.path("/u").withVirtualhost("url.example.org"))
                    .withVirtualhost("checker.example.org").withProtocol(HttpProtocol.HTTP_1_0C), s);
            assertThat(s.requests).containsExactly(
                    "GET /health HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:" + s.port() + "\r\n\r\n",
                    "GET /health HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\n"
                            + "Host: www.example.org\r\n\r\n",
                    "GET /u HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\n"
                            + "Host: url.example.org\r\n\r\n");
        }
    }

    @Test
    void everyUrlMustPass() throws IOException {
        try (TestServer s = new TestServer((sock, req) -> {
            String body = req.startsWith("GET /good ") ? TestServer.ok("ok") : "HTTP/1.0 500 Oops\r\n\r\nx";
            sock.getOutputStream().write(body.getBytes(StandardCharsets.ISO_8859_1));
        }, true)) {
            assertThat(check(HttpCheck.http(UrlCheck.path("/good"), UrlCheck.path("/good")), s).up()).isTrue();
            assertThat(check(HttpCheck.http(UrlCheck.path("/good"), UrlCheck.path("/bad")), s).up()).isFalse();
        }
    }

    @Test
    void garbageStatusLineFails() throws IOException {
        try (TestServer s = TestServer.http("SSH-2.0-OpenSSH_9.2\r\n\r\n")) {
            assertWithinBound(() -> check(HttpCheck.http(UrlCheck.path("/")), s), "HTTP status code error to");
        }
    }

    @Test
    void drippingServerFailsWithinConnectTimeout() throws IOException {
        try (TestServer s = new TestServer((sock, req) -> {
            OutputStream out = sock.getOutputStream();
            out.write("HTTP/1.0 200 OK\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = "X-Drip: ".concat("d".repeat(40)).concat("\r\n").getBytes(StandardCharsets.ISO_8859_1);
            while (true) {
                out.write(chunk, 0, 50);
                out.flush();
                Thread.sleep(200); // the misbehaving server itself drips; the test never sleeps
            }
        }, true)) {
            assertWithinBound(() -> check(HttpCheck.http(UrlCheck.path("/")), s), "Timeout HTTP read");
        }
    }

    @Test
    void tenMegabyteHeaderFails() throws IOException {
        try (TestServer s = new TestServer((sock, req) -> {
            OutputStream out = sock.getOutputStream();
            out.write("HTTP/1.0 200 OK\r\nX-Big: ".getBytes(StandardCharsets.ISO_8859_1));
            byte[] junk = new byte[64 * 1024];
            java.util.Arrays.fill(junk, (byte) 'a');
            for (int i = 0; i < 160; i++) {
                out.write(junk);
            }
            out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }, true)) {
            assertWithinBound(() -> check(HttpCheck.http(UrlCheck.path("/")), s), "HTTP header too large from");
        }
    }

    @Test
    void silentServerAndEmptyReplyFail() throws IOException {
        try (TestServer silent = new TestServer((sock, req) -> sock.getInputStream().read(), true);
             TestServer empty = new TestServer((sock, req) -> { }, true)) {
            assertWithinBound(() -> check(HttpCheck.http(UrlCheck.path("/")), silent), "Timeout WEB read");
            assertWithinBound(() -> check(HttpCheck.http(UrlCheck.path("/")), empty), "Read, no data received from");
        }
    }

    @Test
    void responseLargerThanTheLimitFails() throws IOException {
        String body = "b".repeat(100_000);
        try (TestServer s = TestServer.http("HTTP/1.0 200 OK\r\n\r\n" + body)) {
            assertThat(check(HttpCheck.http(UrlCheck.path("/")).withMaxResponseBytes(10_000), s).up()).isFalse();
            assertThat(check(HttpCheck.http(UrlCheck.path("/")), s).up()).isTrue();
        }
    }

    /** Fails with the given keepalived text within connect_timeout + 1 s, with descriptors back to baseline. */
    static void assertWithinBound(java.util.function.Supplier<CheckOutcome> attempt, String text) {
        long fds = Fixtures.openFds();
        int threads = Thread.activeCount();
        long start = System.nanoTime();
        CheckOutcome outcome = attempt.get();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(outcome.up()).as(outcome.reason()).isFalse();
        assertThat(outcome.reason()).startsWith(text);
        assertThat(took).isLessThan(TIMEOUT.plusSeconds(1));
        // the test's own server closes its side when it notices: wait for it, bounded
        org.awaitility.Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> {
                    assertThat(Fixtures.openFds()).isLessThanOrEqualTo(fds);
                    assertThat(Thread.activeCount()).isLessThanOrEqualTo(threads);
                });
    }
}
