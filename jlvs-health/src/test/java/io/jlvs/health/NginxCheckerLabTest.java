package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Nginx;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: HTTP_GET and SSL_GET against a real Debian nginx in a network namespace, configured by the test:
 * MD5 digest of a served page, status codes, name-based virtual hosts, TLS with a self-signed certificate made
 * by the openssl CLI (SNI picks the server block), and HTTP/1.0 versus 1.1.
 */
class NginxCheckerLabTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final String SERVERS = """
              server {
                listen 80 default_server;
                server_name a.example;
                root %PREFIX%/www-a;
                location = /missing { return 404; }
                location = /busy { return 503; }
                location = /moved { return 302 /index.html; }
                location = /protocol { return 200 "$server_protocol\\n"; }
              }
              server {
                listen 80;
                server_name b.example;
                root %PREFIX%/www-b;
              }
              server {
                listen 443 ssl default_server;
                server_name _;
                ssl_reject_handshake on;
              }
              server {
                listen 443 ssl;
                server_name a.example;
                ssl_certificate %PREFIX%/rs.crt;
                ssl_certificate_key %PREFIX%/rs.key;
                root %PREFIX%/www-a;
              }
              server {
                listen 443 ssl;
                server_name b.example;
                ssl_certificate %PREFIX%/rs.crt;
                ssl_certificate_key %PREFIX%/rs.key;
                root %PREFIX%/www-b;
              }
            """;

    @TempDir
    static Path dir;
    private static NetnsLab lab;
    private static Nginx nginx;
    private static IpAddress rs;
    private static Path pageA;
    private static Path pageB;

    @BeforeAll
    static void startNginx() throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("nginx", "nginx-light");
        Lab.requireCommand("openssl", "openssl");
        String net = "10.214." + (ProcessHandle.current().pid() % 250) + ".";
        rs = IpAddress.parse(net + "2");
        Path prefix = dir.resolve("nginx");
        Files.createDirectories(prefix);
        pageA = write(prefix.resolve("www-a/index.html"), "<html>real server A</html>\n");
        pageB = write(prefix.resolve("www-b/index.html"), "<html>real server B, another page</html>\n");
        Shell.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=rs.example", "-keyout", prefix.resolve("rs.key").toString(),
                "-out", prefix.resolve("rs.crt").toString()), 60).orThrow("openssl req");
        lab = new NetnsLab();
        String ns = lab.namespace("rs");
        lab.vethToRoot(ns, net + "1/24", net + "2/24");
        nginx = Nginx.start(ns, prefix, SERVERS);
        awaitListening(rs, 80);
        awaitListening(rs, 443);
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    static void awaitListening(IpAddress address, int port) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .failFast("nginx exited: " + nginx.logs(), () -> !nginx.running())
                .until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(address.toInetAddress(), port), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    static String md5(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CheckOutcome check(HttpCheck params, int port) {
        return Fixtures.factory().create(params, new CheckSubject(Fixtures.VS, rs, port),
                Fixtures.timing(params.kind(), TIMEOUT), null).check();
    }

    private static boolean up(HttpCheck params, int port) {
        return check(params, port).up();
    }

    @Test
    void digestOfTheServedPageUpAndAChangedPageDown() throws IOException {
        String digest = md5(pageA);
        HttpCheck byDigest = HttpCheck.http(UrlCheck.path("/index.html").withDigest(digest));
        CheckOutcome up = check(byDigest, 80);
        assertThat(up.up()).as(up.reason()).isTrue();
        assertThat(up.reason()).isEqualTo("MD5 digest success to [" + rs + "]:tcp:80 url(/index.html)");

        byte[] original = Files.readAllBytes(pageA);
        try {
            Files.writeString(pageA, "<html>real server A, edited</html>\n");
            CheckOutcome down = check(byDigest, 80);
            assertThat(down.up()).isFalse();
            assertThat(down.reason()).isEqualTo("MD5 digest error to server [" + rs + "]:tcp:80.");
            assertThat(up(HttpCheck.http(UrlCheck.path("/index.html").withDigest(md5(pageA))), 80)).isTrue();
        } finally {
            Files.write(pageA, original);
        }
        assertThat(up(byDigest, 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/index.html").withDigest("0".repeat(32))), 80)).isFalse();
    }

    @Test
    void statusCodesDefaultToTwoHundredsAndAcceptListsAndRanges() {
        assertThat(up(HttpCheck.http(UrlCheck.path("/index.html")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/no-such-page.html")), 80)).isFalse();

        CheckOutcome missing = check(HttpCheck.http(UrlCheck.path("/missing")), 80);
        assertThat(missing.up()).isFalse();
        assertThat(missing.reason()).isEqualTo("HTTP status code error to server [" + rs + "]:tcp:80.");
        assertThat(up(HttpCheck.http(UrlCheck.path("/missing").withStatusCodes("404")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/missing").withStatusCodes("200-299 404")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/missing").withStatusCodes("400-403 405-499")), 80)).isFalse();

        assertThat(up(HttpCheck.http(UrlCheck.path("/busy")), 80)).isFalse();
        assertThat(up(HttpCheck.http(UrlCheck.path("/busy").withStatusCodes("500-599")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/busy").withStatusCodes("404 500-502 504-599")), 80)).isFalse();

        assertThat(up(HttpCheck.http(UrlCheck.path("/moved")), 80)).isFalse();
        assertThat(up(HttpCheck.http(UrlCheck.path("/moved").withStatusCodes("300-399")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/moved").withStatusCodes("200 302")), 80)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/moved").withStatusCodes("301 303-399")), 80)).isFalse();

        // every url must pass
        assertThat(up(HttpCheck.http(UrlCheck.path("/index.html"), UrlCheck.path("/missing")), 80)).isFalse();
        assertThat(up(HttpCheck.http(UrlCheck.path("/index.html"), UrlCheck.path("/missing").withStatusCodes("404")),
                80)).isTrue();
    }

    @Test
    void virtualhostSelectsTheServerBlock() throws IOException {
        UrlCheck pageOfB = UrlCheck.path("/index.html").withDigest(md5(pageB));
        assertThat(up(HttpCheck.http(pageOfB).withVirtualhost("b.example"), 80)).isTrue();
        CheckOutcome wrongHost = check(HttpCheck.http(pageOfB).withVirtualhost("a.example"), 80);
        assertThat(wrongHost.up()).isFalse();
        assertThat(wrongHost.reason()).startsWith("MD5 digest error to server");
        // no virtualhost: Host is address:port, which nginx gives to its default server (A)
        assertThat(up(HttpCheck.http(pageOfB), 80)).isFalse();
        // the url's virtualhost wins over the checker's
        assertThat(up(HttpCheck.http(pageOfB.withVirtualhost("b.example")).withVirtualhost("a.example"), 80)).isTrue();
        // the real server's (inherited) virtualhost applies when the checker has none
        CheckOutcome inherited = Fixtures.factory().create(HttpCheck.http(pageOfB), new CheckSubject(Fixtures.VS, rs, 80),
                Fixtures.timing(CheckerKind.HTTP_GET, TIMEOUT), "b.example").check();
        assertThat(inherited.up()).as(inherited.reason()).isTrue();
    }

    @Test
    void sslGetWithASelfSignedCertificateAndSniSelectingTheServerBlock() throws IOException {
        // nginx's default server on 443 rejects every handshake: only SNI can reach a.example or b.example
        UrlCheck pageOfA = UrlCheck.path("/index.html").withDigest(md5(pageA));
        UrlCheck pageOfB = UrlCheck.path("/index.html").withDigest(md5(pageB));
        CheckOutcome up = check(HttpCheck.ssl(pageOfB).withVirtualhost("b.example").withSni(null), 443);
        assertThat(up.up()).as(up.reason()).isTrue();
        assertThat(up.reason()).isEqualTo("MD5 digest success to [" + rs + "]:tcp:443 url(/index.html)");
        assertThat(up(HttpCheck.ssl(pageOfA).withVirtualhost("a.example").withSni(null), 443)).isTrue();
        assertThat(up(HttpCheck.ssl(pageOfB).withVirtualhost("a.example").withSni(null), 443)).isFalse();

        // without SNI the handshake reaches the default server, which refuses it
        CheckOutcome noSni = check(HttpCheck.ssl(pageOfB).withVirtualhost("b.example"), 443);
        assertThat(noSni.up()).isFalse();
        assertThat(noSni.reason()).startsWith("SSL handshake/communication error connecting to");
        assertThat(up(HttpCheck.ssl(UrlCheck.path("/index.html")), 443)).isFalse();
        // sni_name picks the TLS server block, the virtualhost (Host) the block that answers
        assertThat(up(HttpCheck.ssl(pageOfA).withVirtualhost("a.example").withSni("b.example"), 443)).isTrue();
        assertThat(up(HttpCheck.ssl(pageOfB).withVirtualhost("b.example").withSni("nobody.example"), 443)).isFalse();

        // TLS to the plain port fails in time; plain HTTP to the TLS port gets nginx's 400
        CheckOutcome tlsToPlain = check(HttpCheck.ssl(UrlCheck.path("/index.html")), 80);
        assertThat(tlsToPlain.up()).isFalse();
        assertThat(tlsToPlain.latency()).isLessThan(TIMEOUT.plusSeconds(1));
        CheckOutcome plainToTls = check(HttpCheck.http(UrlCheck.path("/index.html")), 443);
        assertThat(plainToTls.up()).isFalse();
        assertThat(plainToTls.reason()).startsWith("HTTP status code error to");
        assertThat(up(HttpCheck.http(UrlCheck.path("/index.html").withStatusCodes("400")), 443)).isTrue();
    }

    @Test
    void httpProtocolIsTheVersionNginxSees() throws IOException {
        // the regex sees nginx's header too (its status line is always "HTTP/1.1 200 OK"), as keepalived's
        // does: anchor on the end of the body, which is the protocol nginx saw
        UrlCheck says10 = UrlCheck.path("/protocol").withRegex("HTTP/1\\.0$", false);
        UrlCheck says11 = UrlCheck.path("/protocol").withRegex("HTTP/1\\.1$", false);
        assertThat(up(HttpCheck.http(UrlCheck.path("/protocol").withRegex("^HTTP/1\\.1 200", false)), 80)).isTrue();
        assertThat(up(HttpCheck.http(says10), 80)).isTrue();
        assertThat(up(HttpCheck.http(says11), 80)).isFalse();
        assertThat(up(HttpCheck.http(says10).withProtocol(HttpProtocol.HTTP_1_0C), 80)).isTrue();
        assertThat(up(HttpCheck.http(says11).withProtocol(HttpProtocol.HTTP_1_1), 80)).isTrue();
        assertThat(up(HttpCheck.http(says10).withProtocol(HttpProtocol.HTTP_1_1), 80)).isFalse();

        // HTTP/1.1 (keep-alive by default in nginx) still completes: the checker asks for Connection: close
        UrlCheck page = UrlCheck.path("/index.html").withDigest(md5(pageA));
        CheckOutcome over11 = check(HttpCheck.http(page).withProtocol(HttpProtocol.HTTP_1_1), 80);
        assertThat(over11.up()).as(over11.reason()).isTrue();
        assertThat(over11.latency()).isLessThan(TIMEOUT);
        assertThat(up(HttpCheck.ssl(page).withProtocol(HttpProtocol.HTTP_1_1).withVirtualhost("a.example")
                .withSni(null), 443)).isTrue();
        assertThat(up(HttpCheck.http(UrlCheck.path("/protocol").withRegex("HTTP/1\\.1", false))
                .withProtocol(HttpProtocol.HTTP_1_1).withVirtualhost("a.example"), 80)).isTrue();
    }
}
