package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SSL_GET against a TLS server with a self-signed certificate made by keytool in the test. */
class SslCheckerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static SSLContext serverContext;

    @BeforeAll
    static void makeCertificate(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("rs.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "rs", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=rs.example.org", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
    }

    private static TestServer tlsServer(String response, List<String> sniSeen) throws IOException {
        SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new TestServer(server, (sock, req) -> {
            ExtendedSSLSession session = (ExtendedSSLSession) ((SSLSocket) sock).getSession();
            for (SNIServerName n : session.getRequestedServerNames()) {
                sniSeen.add(new String(n.getEncoded(), StandardCharsets.US_ASCII));
            }
            sock.getOutputStream().write(response.getBytes(StandardCharsets.ISO_8859_1));
            sock.getOutputStream().flush();
        }, true);
    }

    @Test
    void sslGetUpAndDownWithSelfSignedCertificate() throws IOException {
        List<String> sni = new CopyOnWriteArrayList<>();
        try (TestServer ok = tlsServer(TestServer.ok("secure"), sni);
             TestServer bad = tlsServer("HTTP/1.0 500 Broken\r\n\r\nx", sni)) {
            CheckOutcome up = Fixtures.checker(HttpCheck.ssl(UrlCheck.path("/")), ok.port(), TIMEOUT).check();
            assertThat(up.up()).as(up.reason()).isTrue();
            assertThat(Fixtures.checker(HttpCheck.ssl(UrlCheck.path("/")), bad.port(), TIMEOUT).check().up())
                    .isFalse();
            assertThat(sni).isEmpty();
        }
    }

    @Test
    void sniIsSentWhenEnabled() throws IOException {
        List<String> sni = new CopyOnWriteArrayList<>();
        try (TestServer ok = tlsServer(TestServer.ok("secure"), sni)) {
            HttpCheck params = HttpCheck.ssl(UrlCheck.path("/")).withVirtualhost("www.example.org").withSni(null);
            assertThat(Fixtures.checker(params, ok.port(), TIMEOUT).check().up()).isTrue();
            HttpCheck named = HttpCheck.ssl(UrlCheck.path("/")).withSni("sni.example.org");
            assertThat(Fixtures.checker(named, ok.port(), TIMEOUT).check().up()).isTrue();
            assertThat(sni).containsExactly("www.example.org", "sni.example.org");
        }
    }

    @Test
    void handshakeThatNeverCompletesFailsWithinConnectTimeout() throws IOException {
        try (TestServer mute = new TestServer((sock, req) -> sock.getInputStream().transferTo(
                java.io.OutputStream.nullOutputStream()), false)) {
            HttpCheckerTest.assertWithinBound(
                    () -> Fixtures.checker(HttpCheck.ssl(UrlCheck.path("/")), mute.port(), TIMEOUT).check(),
                    "Timeout SSL read");
        }
    }

    @Test
    void genhashPrintsTheBodyMd5OverHttpAndHttps() throws Exception {
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                .digest("genhash me".getBytes(StandardCharsets.US_ASCII)));
        try (TestServer plain = TestServer.http(TestServer.ok("genhash me"));
             TestServer tls = tlsServer(TestServer.ok("genhash me"), new CopyOnWriteArrayList<>())) {
            for (TestServer s : List.of(plain, tls)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                // a generous timeout: this is about the digest, and a cold TLS handshake on a loaded
                // 2-core machine took more than the 1 s the timeout tests use
                Genhash g = new Genhash(Fixtures.LOOPBACK, s.port(), "/index.html", s == tls, false, null, null,
                        Duration.ofSeconds(10), false);
                int status = g.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
                assertThat(status).isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(expected + System.lineSeparator());
            }
        }
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = closed.getLocalPort();
            closed.close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = new Genhash(Fixtures.LOOPBACK, port, "/", false, false, null, null, TIMEOUT, false)
                    .run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Connection failed server [127.0.0.1]:");
        }
    }
}
