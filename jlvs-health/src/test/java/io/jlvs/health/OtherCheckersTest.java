package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherCheckersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static TestServer smtp(String banner, String heloReply, List<String> heard) throws IOException {
        return smtp(banner, heloReply, "221 bye", heard);
    }

    /** An SMTP server: banner, HELO answered with heloReply, QUIT answered with quitReply (null: closes). */
    private static TestServer smtp(String banner, String heloReply, String quitReply, List<String> heard)
            throws IOException {
        return new TestServer((sock, req) -> {
            OutputStream out = sock.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(sock.getInputStream(),
                    StandardCharsets.US_ASCII));
            out.write((banner + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String helo = in.readLine();
            heard.add(helo);
            out.write((heloReply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            heard.add(in.readLine());
            if (quitReply != null) {
                out.write((quitReply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }, false);
    }

    @Test
    void smtpBannerHeloQuit() throws IOException {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (TestServer good = smtp("220 mx.example.org ESMTP", "250 hello", heard);
             TestServer badBanner = smtp("554 go away", "250 hello", new CopyOnWriteArrayList<>());
             TestServer badHelo = smtp("220 ok", "500 what", new CopyOnWriteArrayList<>())) {
            assertThat(Fixtures.checker(new SmtpCheck(null, null), good.port(), TIMEOUT).check().up()).isTrue();
            org.awaitility.Awaitility.await().atMost(TIMEOUT).untilAsserted(() ->
                    assertThat(heard).containsExactly("HELO smtpchecker.keepalived.org", "QUIT"));
            CheckOutcome banner = Fixtures.checker(new SmtpCheck(null, "me"), badBanner.port(), TIMEOUT).check();
            assertThat(banner.up()).isFalse();
            assertThat(banner.reason()).isEqualTo("Bad greeting banner from server [127.0.0.1]:" + badBanner.port());
            CheckOutcome helo = Fixtures.checker(new SmtpCheck(null, "me"), badHelo.port(), TIMEOUT).check();
            assertThat(helo.reason()).isEqualTo("Bad HELO response from server [127.0.0.1]:" + badHelo.port());
        }
    }

    /** keepalived reads the first line of each reply (smtp_get_status) and waits for an answer to QUIT. */
    @Test
    void smtpRepliesAreJudgedByTheirFirstLineAndQuitMustBeAnswered() throws IOException {
        List<String> ignored = new CopyOnWriteArrayList<>();
        try (TestServer multiLine = smtp("220-mx.example.org ESMTP\r\n220 ready", "250 hello", ignored);
             TestServer bareCode = smtp("220", "250 hello", ignored);
             TestServer anyQuitLine = smtp("220 ok", "250 hello", "500 whatever", ignored);
             TestServer mute = smtp("220 ok", "250 hello", null, ignored);
             TestServer eightyOne = smtp("220 ok", "251 hello", ignored)) {
            CheckOutcome banner = Fixtures.checker(new SmtpCheck(null, null), multiLine.port(), TIMEOUT).check();
            assertThat(banner.reason()).isEqualTo("Bad greeting banner from server [127.0.0.1]:" + multiLine.port());
            assertThat(Fixtures.checker(new SmtpCheck(null, null), bareCode.port(), TIMEOUT).check().up()).isFalse();
            assertThat(Fixtures.checker(new SmtpCheck(null, null), anyQuitLine.port(), TIMEOUT).check().up()).isTrue();
            CheckOutcome quit = Fixtures.checker(new SmtpCheck(null, null), mute.port(), TIMEOUT).check();
            assertThat(quit.reason()).isEqualTo("Read failure from server [127.0.0.1]:" + mute.port());
            CheckOutcome helo = Fixtures.checker(new SmtpCheck(null, null), eightyOne.port(), TIMEOUT).check();
            assertThat(helo.reason()).isEqualTo("Bad HELO response from server [127.0.0.1]:" + eightyOne.port());
        }
        CheckOutcome refused = Fixtures.checker(new SmtpCheck(null, null), 1, TIMEOUT).check();
        assertThat(refused.reason()).isEqualTo("Could not connect to server [127.0.0.1]:1");
    }

    /** A one-shot UDP responder: answers each datagram with {@code reply(request)} (null = no answer). */
    private static Thread udpServer(DatagramSocket socket, UnaryOperator<byte[]> reply) {
        return Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[1500];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    byte[] req = java.util.Arrays.copyOf(buf, p.getLength());
                    byte[] answer = reply.apply(req);
                    if (answer != null) {
                        socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private static byte[] dnsReply(byte[] query, int idDelta, int rcode, int answers) {
        byte[] r = query.clone();
        int id = ((r[0] & 0xff) << 8 | r[1] & 0xff) + idDelta;
        r[0] = (byte) (id >> 8);
        r[1] = (byte) id;
        r[2] = (byte) 0x81;
        r[3] = (byte) (0x80 | rcode);
        r[7] = (byte) answers;
        return r;
    }

    @Test
    void dnsQueryIsWellFormedAndTheReplyIsChecked() throws IOException {
        byte[] q = DnsMessage.query(0x1234, DnsType.A, "www.example.org");
        assertThat(HexFormat.of().formatHex(q)).isEqualTo("123401000001000000000000"
                + "03777777076578616d706c65036f726700" + "00010001");
        assertThat(HexFormat.of().formatHex(DnsMessage.query(1, DnsType.SOA, "."))).endsWith("0000060001");

        List<byte[]> seen = new CopyOnWriteArrayList<>();
        try (DatagramSocket good = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket nx = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket wrongId = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket noData = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpServer(good, req -> {
                seen.add(req);
                return dnsReply(req, 0, 0, 1);
            });
            udpServer(nx, req -> dnsReply(req, 0, 3, 0));
            udpServer(wrongId, req -> dnsReply(req, 1, 0, 1));
            udpServer(noData, req -> dnsReply(req, 0, 0, 0));
            DnsCheck params = DnsCheck.of(DnsType.A, "www.example.org");
            assertThat(Fixtures.checker(params, good.getLocalPort(), TIMEOUT).check().up()).isTrue();
            assertThat(seen).hasSize(1);
            CheckOutcome nxdomain = Fixtures.checker(params, nx.getLocalPort(), TIMEOUT).check();
            assertThat(nxdomain.up()).isFalse();
            assertThat(nxdomain.reason()).isEqualTo("read error occurred. (rcode = 3)");
            // NOERROR without answers (NODATA) is up, as in keepalived, which reads only the RCODE
            assertThat(Fixtures.checker(params, noData.getLocalPort(), TIMEOUT).check().up()).isTrue();
            assertThat(Fixtures.checker(new DnsCheck(null, DnsType.A, "www.example.org", true), noData.getLocalPort(),
                    TIMEOUT).check().up()).isFalse();
            long start = System.nanoTime();
            CheckOutcome silent = Fixtures.checker(params, wrongId.getLocalPort(), TIMEOUT).check();
            assertThat(silent.up()).isFalse();
            assertThat(silent.reason()).isEqualTo("read timeout from socket");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(1));
        }
    }

    @Test
    void udpPayloadRequireReplyAndPortUnreachable() throws IOException {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket mute = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpServer(echo, req -> req);
            udpServer(mute, req -> null);
            byte[] payload = HexPattern.parse("de ad be ef").bytes();
            UdpCheck needReply = new UdpCheck(null, payload, true, HexPattern.parse("dead XXef"), 0, 0);
            assertThat(Fixtures.checker(needReply, echo.getLocalPort(), TIMEOUT).check().up()).isTrue();
            UdpCheck mismatch = new UdpCheck(null, payload, true, HexPattern.parse("beef"), 0, 0);
            CheckOutcome bad = Fixtures.checker(mismatch, echo.getLocalPort(), TIMEOUT).check();
            assertThat(bad.up()).isFalse();
            assertThat(bad.reason()).isEqualTo("UDP check to [127.0.0.1]:tcp:" + echo.getLocalPort()
                    + " reply data mismatch.");
            assertThat(Fixtures.checker(needReply, mute.getLocalPort(), TIMEOUT).check().up()).isFalse();
            UdpCheck noReplyNeeded = new UdpCheck(null, payload, false, null, 0, 0);
            assertThat(Fixtures.checker(noReplyNeeded, mute.getLocalPort(), TIMEOUT).check().up()).isTrue();
            int closedPort = mute.getLocalPort();
            mute.close();
            // the kernel rate-limits ICMP port unreachable, so one probe may see no error: retry, bounded
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300))
                    .until(() -> !Fixtures.checker(noReplyNeeded, closedPort, TIMEOUT).check().up());
        }
        assertThat(HexPattern.parse("Ab12f 3 456 546443123").bytes())
                .isEqualTo(HexFormat.of().parseHex("ab120f0345065464431203"));
    }

    @Test
    void pingLoopbackAndBuildsArgv() {
        PingChecker ping = new PingChecker(CheckTarget.of(Fixtures.LOOPBACK, 0), Fixtures.timing(
                CheckerKind.PING_CHECK, Duration.ofMillis(1500)), Fixtures.subject(0));
        assertThat(ping.argv()).containsExactly("ping", "-4", "-n", "-q", "-c", "1", "-W", "2", "127.0.0.1");
        CheckOutcome outcome = ping.check();
        // loopback answers wherever ping may send; where it may not (no CAP_NET_RAW, no ping_group_range) it fails
        if (outcome.up()) {
            assertThat(outcome.reason()).isEqualTo("ICMP connection to [127.0.0.1]:tcp:0 success.");
        } else {
            assertThat(outcome.reason()).isEqualTo("ICMP connection to address [127.0.0.1]:tcp:0 timeout.");
        }
    }

    @Test
    void fileCheckReadsAnInteger(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("rs1");
        HealthChecker zeroWeight = new FileChecker(new FileCheck(f, 0, false, false));
        HealthChecker dynamic = new FileChecker(new FileCheck(f, 2, false, true));
        HealthChecker reverse = new FileChecker(new FileCheck(f, 3, true, true));
        assertThat(zeroWeight.check().up()).isFalse(); // missing file
        Files.writeString(f, "0\n");
        assertThat(zeroWeight.check().up()).isTrue();
        Files.writeString(f, "5\n");
        assertThat(zeroWeight.check().up()).isFalse();
        assertThat(dynamic.check().weightOffset()).isEqualTo(10);
        assertThat(reverse.check().weightOffset()).isEqualTo(-15);
        assertThat(new FileChecker(new FileCheck(f, -1, false, false)).check().up()).isFalse();
        assertThat(new FileChecker(new FileCheck(f, 1, false, false)).check().up()).isTrue();
    }

    @Test
    void fileCheckOffsetsSaturateAtTheIntRangeAndItsFloorIsAFault(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("rs1");
        HealthChecker max = new FileChecker(new FileCheck(f, Integer.MAX_VALUE, false, true));
        HealthChecker small = new FileChecker(new FileCheck(f, 254, false, true));
        Files.writeString(f, "2\n");
        assertThat(max.check().up()).isTrue();
        assertThat(max.check().weightOffset()).isEqualTo(Integer.MAX_VALUE);
        Files.writeString(f, "-1\n");
        assertThat(max.check().weightOffset()).isEqualTo(-Integer.MAX_VALUE);
        assertThat(max.check().up()).isTrue();
        Files.writeString(f, "-2\n");             // below -2147483648: keepalived's IPVS_WEIGHT_FAULT
        assertThat(max.check().up()).isFalse();
        Files.writeString(f, "9223372036854775807\n"); // a 64-bit product would wrap negative
        assertThat(small.check().up()).isTrue();
        assertThat(small.check().weightOffset()).isEqualTo(Integer.MAX_VALUE);
        Files.writeString(f, "-9223372036854775808\n");
        assertThat(small.check().up()).isFalse();
    }
}
