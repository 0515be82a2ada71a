package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.packet.FakeFlowOffload.Key;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FTP helper ({@code jlvs run --ftp-ports 21}, the kernel's {@code ip_vs_ftp ports=21}) on a NAT FTP
 * service: passive and active data connections reach the real server that has the control connection,
 * its 227 reply names the virtual address, and the sequence numbers after a size change line up.
 */
class FtpHelperTest {
    private static final InetServiceKey FTP = Director.key(Protocol.TCP, VIP, 21);
    private static final int CPORT = 40000;
    /** The client's and the real server's first data byte (after the handshake). */
    private static final int CLIENT_SEQ = 100;
    private static final int SERVER_SEQ = 5000;
    private static final int PSH_ACK = 0x18;

    private final FakeFlowOffload fast = new FakeFlowOffload();

    private static Director director(List<Integer> ftpPorts) {
        return new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096, ConnTableSettings.DEFAULTS,
                7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE, ftpPorts));
    }

    /** An FTP service on {@code port} with RS1:port (MASQ), the helper on {@code ftpPorts}. */
    private static Director ftp(int port, List<Integer> ftpPorts) throws Exception {
        Director d = director(ftpPorts);
        InetServiceKey key = Director.key(Protocol.TCP, VIP, port);
        d.service(Protocol.TCP, port, "rr").server(key, RS1, port, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static byte[] fromClient(int port, int flags, int seq, int ack, String text) {
        return PacketBuilder.tcp(CLIENT, CPORT, VIP, port).flags(flags).seq(seq).ack(ack)
                .payload(text.getBytes(StandardCharsets.US_ASCII)).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static byte[] fromServer(int port, int flags, int seq, int ack, String text) {
        return PacketBuilder.tcp(RS1, port, CLIENT, CPORT).flags(flags).seq(seq).ack(ack)
                .payload(text.getBytes(StandardCharsets.US_ASCII)).macs(RS1_MAC, OUR_MAC).build();
    }

    /** SYN, SYN-ACK, ACK of the control connection to VIP:port: ESTABLISHED. */
    private static void login(Director d, int port) {
        d.send(fromClient(port, 0x02, CLIENT_SEQ - 1, 0, ""));
        d.send(fromServer(port, 0x12, SERVER_SEQ - 1, CLIENT_SEQ, ""));
        d.send(fromClient(port, 0x10, CLIENT_SEQ, SERVER_SEQ, ""));
    }

    private static byte[] one(List<byte[]> out) {
        assertThat(out).hasSize(1);
        byte[] f = out.get(0);
        assertValidChecksums(f);
        return f;
    }

    /** The IPv4 header and TCP checksums of a frame verify (computed by the test's own code). */
    static void assertValidChecksums(byte[] f) {
        int ihl = (f[14] & 0xf) * 4;
        int total = u16(f, 16);
        assertThat(f.length).as("frame length").isGreaterThanOrEqualTo(14 + total);
        assertThat(PacketBuilder.checksum(f, 14, ihl, 0)).as("IPv4 header checksum").isZero();
        int l4 = 14 + ihl;
        int len = total - ihl;
        int pseudo = u16(f, 26) + u16(f, 28) + u16(f, 30) + u16(f, 32) + 6 + len;
        assertThat(PacketBuilder.checksum(f, l4, len, pseudo)).as("TCP checksum").isZero();
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static String ip(byte[] f, int at) {
        return (f[at] & 0xff) + "." + (f[at + 1] & 0xff) + "." + (f[at + 2] & 0xff) + "." + (f[at + 3] & 0xff);
    }

    private static String src(byte[] f) {
        return ip(f, 26) + ":" + u16(f, 34);
    }

    private static String dst(byte[] f) {
        return ip(f, 30) + ":" + u16(f, 36);
    }

    private static int seq(byte[] f) {
        return u32(f, 38);
    }

    private static int ack(byte[] f) {
        return u32(f, 42);
    }

    private static String payload(byte[] f) {
        int ihl = (f[14] & 0xf) * 4;
        int doff = (f[14 + ihl + 12] & 0xff) >>> 4;
        int start = 14 + ihl + doff * 4;
        return new String(f, start, 14 + u16(f, 16) - start, StandardCharsets.US_ASCII);
    }

    private static List<String> listing(Director d) {
        return d.connections().stream().filter(c -> !c.template())
                .map(c -> c.client().withPort(c.clientPort()) + " " + c.virtualAddress().withPort(c.virtualPort())
                        + " " + c.destination().withPort(c.destinationPort()) + " " + c.state())
                .sorted().toList();
    }

    @Test
    void aPassiveReplyNamesTheVirtualAddressAndLaterSegmentsAreShiftedBothWays() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            byte[] pasv = one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            assertThat(payload(pasv)).isEqualTo("PASV\r\n");

            String reply = "227 Entering Passive Mode (10,0,0,11,117,48).\r\n";
            byte[] out = one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)));
            assertThat(src(out)).isEqualTo(VIP + ":21");
            assertThat(dst(out)).isEqualTo(CLIENT + ":" + CPORT);
            // 10,0,0,11 became 10,77,0,100: two bytes longer; the segment's own sequence number is unchanged
            assertThat(payload(out)).isEqualTo("227 Entering Passive Mode (10,77,0,100,117,48).\r\n");
            assertThat(u16(out, 16)).isEqualTo(20 + 20 + reply.length() + 2);
            assertThat(seq(out)).isEqualTo(SERVER_SEQ);
            assertThat(listing(d)).containsExactlyInAnyOrder(
                    CLIENT + ":" + CPORT + " " + VIP + ":21 " + RS1 + ":21 ESTABLISHED",
                    CLIENT + ":0 " + VIP + ":30000 " + RS1 + ":30000 LISTEN");

            // the server's next segment: two bytes later in the client's view
            int next = SERVER_SEQ + reply.length();
            byte[] later = one(d.send(fromServer(21, PSH_ACK, next, CLIENT_SEQ + 6, "150 Here it comes.\r\n")));
            assertThat(seq(later)).isEqualTo(next + 2);
            assertThat(payload(later)).isEqualTo("150 Here it comes.\r\n");
            // the client acknowledges what it saw: the server gets its own numbers back
            byte[] acked = one(d.send(fromClient(21, 0x10, CLIENT_SEQ + 6, next + 2, "")));
            assertThat(ack(acked)).isEqualTo(next);
            assertThat(dst(acked)).isEqualTo(RS1 + ":21");
            // an acknowledgement of data before the change is left as it is
            assertThat(ack(one(d.send(fromClient(21, 0x10, CLIENT_SEQ + 6, SERVER_SEQ, ""))))).isEqualTo(SERVER_SEQ);
            // SACK blocks too: kind 5, length 10, left and right edges after the change
            byte[] sack = {5, 10, 0, 0, 0, 0, 0, 0, 0, 0};
            PacketBuilder.put32(sack, 2, next + 22);
            PacketBuilder.put32(sack, 6, next + 42);
            byte[] withSack = PacketBuilder.tcp(CLIENT, CPORT, VIP, 21).flags(0x10).seq(CLIENT_SEQ + 6)
                    .ack(next + 2).tcpOptions(sack).macs(CLIENT_MAC, OUR_MAC).build();
            byte[] sent = one(d.send(withSack));
            assertThat(u32(sent, 14 + 20 + 20 + 2)).isEqualTo(next + 20);
            assertThat(u32(sent, 14 + 20 + 20 + 6)).isEqualTo(next + 40);
            assertThat(ack(sent)).isEqualTo(next);

            // the data connection: the client's SYN to VIP:30000 reaches the real server at its port
            byte[] syn = PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build();
            byte[] toServer = one(d.send(syn));
            assertThat(dst(toServer)).isEqualTo(RS1 + ":30000");
            assertThat(src(toServer)).isEqualTo(CLIENT + ":51000");
            byte[] synAck = one(d.send(PacketBuilder.tcp(RS1, 30000, CLIENT, 51000).flags(0x12)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(src(synAck)).isEqualTo(VIP + ":30000");
            assertThat(listing(d)).contains(CLIENT + ":51000 " + VIP + ":30000 " + RS1 + ":30000 SYN_RECV");
            // another client port no longer matches it
            d.send(PacketBuilder.tcp(CLIENT, 51001, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);
            // the data connection counts in the FTP service's traffic, not in its connections
            assertThat(d.engine.table().services().get(0).realServers().get(0).inactiveConns()
                    + d.engine.table().services().get(0).realServers().get(0).activeConns()).isEqualTo(2);
        }
    }

    @Test
    void aPortCommandLetsTheRealServersConnectionFromPort20ReachTheClientFromTheVirtualAddress() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            String port = "PORT 192,0,2,10,200,10\r\n";
            byte[] cmd = one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, port)));
            assertThat(payload(cmd)).isEqualTo(port);
            assertThat(listing(d)).contains(CLIENT + ":51210 " + VIP + ":20 " + RS1 + ":20 LISTEN");

            byte[] syn = one(d.send(PacketBuilder.tcp(RS1, 20, CLIENT, 51210).flags(0x02)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(src(syn)).isEqualTo(VIP + ":20");
            assertThat(dst(syn)).isEqualTo(CLIENT + ":51210");
            byte[] synAck = one(d.send(PacketBuilder.tcp(CLIENT, 51210, VIP, 20).flags(0x12)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(dst(synAck)).isEqualTo(RS1 + ":20");
            // the command is not rewritten: nothing shifts
            assertThat(ack(one(d.send(fromClient(21, 0x10, CLIENT_SEQ + port.length(), SERVER_SEQ + 7, "")))))
                    .isEqualTo(SERVER_SEQ + 7);
        }
    }

    @Test
    void eprtWorksAsPort() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPRT |1|192.0.2.10|51211|\r\n")));
            byte[] syn = one(d.send(PacketBuilder.tcp(RS1, 20, CLIENT, 51211).flags(0x02)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(src(syn)).isEqualTo(VIP + ":20");
        }
    }

    @Test
    void anExtendedPassiveReplyKeepsItsBytesAndGetsTheEntry() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")));
            String reply = "229 Entering Extended Passive Mode (|||30001|)\r\n";
            byte[] out = one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)));
            assertThat(payload(out)).isEqualTo(reply);
            assertThat(listing(d)).contains(CLIENT + ":0 " + VIP + ":30001 " + RS1 + ":30001 LISTEN");
            byte[] toServer = one(d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30001).flags(0x02)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(dst(toServer)).isEqualTo(RS1 + ":30001");
            // no size change: later segments keep their numbers
            int next = SERVER_SEQ + reply.length();
            assertThat(seq(one(d.send(fromServer(21, PSH_ACK, next, CLIENT_SEQ + 6, "150 ok\r\n"))))).isEqualTo(next);
        }
    }

    @Test
    void a227WithoutAPasvCommandBeforeIsLeftAlone() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            String reply = "227 Entering Passive Mode (10,0,0,11,117,48).\r\n";
            assertThat(payload(one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ, reply))))).isEqualTo(reply);
            assertThat(listing(d)).hasSize(1);
        }
    }

    @Test
    void malformedRepliesAndCommandsAreLeftAloneAndCounted() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            for (String bad : List.of("227 Entering Passive Mode (10,0,0,311,117,48).\r\n",
                    "227 Entering Passive Mode (10,0,0,11,117).\r\n", "227 Entering Passive Mode (10,0,0,11,117,48",
                    "227 nothing here\r\n")) {
                byte[] out = one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, bad)));
                assertThat(payload(out)).isEqualTo(bad);
                assertThat(seq(out)).isEqualTo(SERVER_SEQ);
            }
            for (String bad : List.of("PORT 192,0,2,10,200\r\n", "PORT 192,0,2,1000,200,10\r\n",
                    "EPRT |2|::1|5000|\r\n", "EPRT |1|192.0.2|5000|\r\n", "EPRT |1|192.0.2.10|0|\r\n")) {
                assertThat(payload(one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ + 6, SERVER_SEQ, bad)))))
                        .isEqualTo(bad);
            }
            assertThat(listing(d)).hasSize(1);
            assertThat(d.dataplane.ftpHelper().ignoredLines()).isEqualTo(9);
            assertThat(d.dataplane.ftpHelper().dataConnections()).isZero();
            // a real server's connection from port 20 then matches nothing: it is not translated
            d.send(PacketBuilder.tcp(RS1, 20, CLIENT, 51200).flags(0x02).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void aServiceOnAnotherPortIsUntouched() throws Exception {
        try (Director d = ftp(2121, List.of(21))) {
            login(d, 2121);
            one(d.send(fromClient(2121, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            String reply = "227 Entering Passive Mode (10,0,0,11,117,48).\r\n";
            assertThat(payload(one(d.send(fromServer(2121, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)))))
                    .isEqualTo(reply);
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);
            assertThat(listing(d)).hasSize(1);
        }
    }

    @Test
    void withoutFtpPortsNothingChanges() throws Exception {
        try (Director d = ftp(21, List.of())) {
            assertThat(d.dataplane.ftpHelper()).isNull();
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            String reply = "227 Entering Passive Mode (10,0,0,11,117,48).\r\n";
            assertThat(payload(one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)))))
                    .isEqualTo(reply);
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ + 6, SERVER_SEQ, "PORT 192,0,2,10,200,10\r\n")));
            d.send(PacketBuilder.tcp(RS1, 20, CLIENT, 51210).flags(0x02).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    /**
     * The guard gives the worker every TCP port of an FTP real server (its data connections): what of it belongs
     * to no connection, such as the real server's own connections out through the director, is routed on, even
     * with nat_icmp_send, which answers only what comes from a real server's service port (as the kernel).
     */
    @Test
    void aRealServersOwnTcpIsRoutedWithNatIcmpSendToo() throws Exception {
        ConnTableSettings icmpSend = new ConnTableSettings(false, false, 1, false, false,
                io.jlvs.conn.DefenseSettings.DEFAULTS, new io.jlvs.conn.ForwardingSettings(false, true, true));
        try (Director d = new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096, icmpSend, 7, 1024,
                true, Director.FIRST_IP_ID, IcmpLimits.NONE, List.of(21)))) {
            d.service(Protocol.TCP, 21, "rr").server(FTP, RS1, 21, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            d.neighbours.put(PacketBuilder.addr("203.0.113.9"), Director.GATEWAY_MAC);
            byte[] own = PacketBuilder.tcp(RS1, 33000, "203.0.113.9", 443).flags(0x02).macs(RS1_MAC, OUR_MAC).build();
            byte[] routed = one(d.send(own));
            assertThat(src(routed)).isEqualTo(RS1 + ":33000");
            assertThat(d.dataplane.routed()).isEqualTo(1);
            // from the service port, outside any connection: port unreachable, as without the helper
            d.send(PacketBuilder.tcp(RS1, 21, CLIENT, 40009).flags(0x18).payload(3).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.UNCLAIMED_REPLY);
        }
    }

    @Test
    void theControlConnectionStaysWithTheWorkerWhileDataConnectionsMayBeOffloaded() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            d.dataplane.offloadTo(fast, 0);
            login(d, 21);
            one(d.send(fromServer(21, 0x10, SERVER_SEQ, CLIENT_SEQ, "")));
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6,
                    "227 Entering Passive Mode (10,0,0,11,117,48).\r\n")));
            assertThat(fast.offloaded).isEmpty();

            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(RS1, 30000, CLIENT, 51000).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x10).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(RS1, 30000, CLIENT, 51000).flags(0x10).macs(RS1_MAC, OUR_MAC).build());
            assertThat(fast.offloaded).containsOnlyKeys(Key.tcp(CLIENT, 51000, VIP, 30000),
                    Key.tcp(RS1, 30000, CLIENT, 51000));
        }
    }

    @Test
    void theControlConnectionOutlivesItsDataConnection() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            one(d.send(fromServer(21, PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6,
                    "227 Entering Passive Mode (10,0,0,11,117,48).\r\n")));
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(RS1, 30000, CLIENT, 51000).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x10).macs(CLIENT_MAC, OUR_MAC).build());
            // the control connection closes (its client's FIN and RST: CLOSE, 10 s) while the download runs
            d.send(fromClient(21, 0x04, CLIENT_SEQ + 6, SERVER_SEQ, ""));
            d.advance(30);
            assertThat(listing(d)).anyMatch(l -> l.startsWith(CLIENT + ":" + CPORT + " "))
                    .anyMatch(l -> l.startsWith(CLIENT + ":51000 "));
            d.send(PacketBuilder.tcp(CLIENT, 51000, VIP, 30000).flags(0x04).macs(CLIENT_MAC, OUR_MAC).build());
            d.advance(11);
            d.advance(61);
            assertThat(listing(d)).isEmpty();
        }
    }

    /**
     * A 227 that comes with the server's FIN is rewritten: the helper judges the state before the segment, as
     * the kernel's handle_response does (the helper, then ip_vs_set_state). Found by review.
     */
    @Test
    void a227CarryingFinIsRewritten() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            one(d.send(fromClient(21, PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "PASV\r\n")));
            String reply = "227 Entering Passive Mode (10,0,0,11,117,48).\r\n";
            byte[] out = one(d.send(fromServer(21, 0x19, SERVER_SEQ, CLIENT_SEQ + 6, reply)));
            assertThat(payload(out)).isEqualTo("227 Entering Passive Mode (10,77,0,100,117,48).\r\n");
            assertThat(listing(d)).contains(CLIENT + ":0 " + VIP + ":30000 " + RS1 + ":30000 LISTEN");
        }
    }

    /**
     * One control connection cannot fill the table with PORT commands (found by review: 300 PORTs filled a
     * 256-entry table for 120 s): at most FtpHelper.MAX_EXPECTED data connections wait for it at once, the rest
     * pass unprepared and are counted; another client still connects.
     */
    @Test
    void aPortFloodFromOneControlConnectionIsBounded() throws Exception {
        try (Director d = new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 256,
                ConnTableSettings.DEFAULTS, 7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE, List.of(21)))) {
            d.service(Protocol.TCP, 21, "rr").server(FTP, RS1, 21, ForwardingMethod.MASQ, 1);
            login(d, 21);
            int seq = CLIENT_SEQ;
            for (int i = 0; i < 300; i++) {
                String cmd = "PORT 192,0,2,10," + (100 + i / 256) + "," + (i % 256) + "\r\n";
                one(d.send(fromClient(21, PSH_ACK, seq, SERVER_SEQ, cmd)));
                seq += cmd.length();
            }
            assertThat(d.dataplane.connections()).isEqualTo(1 + FtpHelper.MAX_EXPECTED);
            assertThat(d.dataplane.ftpHelper().expectedRefused()).isEqualTo(300 - FtpHelper.MAX_EXPECTED);
            one(d.send(PacketBuilder.tcp("192.168.1.77", 1, VIP, 21).flags(0x02).seq(1)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
        }
    }

    /** Data connections that started no longer count against the bound: a long session keeps transferring. */
    @Test
    void startedDataConnectionsDoNotCountAgainstTheBound() throws Exception {
        try (Director d = ftp(21, List.of(21))) {
            login(d, 21);
            int seq = CLIENT_SEQ;
            int sseq = SERVER_SEQ;
            for (int i = 0; i < 3 * FtpHelper.MAX_EXPECTED; i++) {
                one(d.send(fromClient(21, PSH_ACK, seq, sseq, "PASV\r\n")));
                seq += 6;
                int port = 30000 + i;
                String reply = "227 Entering Passive Mode (10,0,0,11," + (port >> 8) + "," + (port & 0xff) + ").\r\n";
                byte[] out = one(d.send(fromServer(21, PSH_ACK, sseq, seq, reply)));
                assertThat(payload(out)).as("reply %d", i).contains("(10,77,0,100,");
                sseq += reply.length();
                // the client connects: the entry leaves LISTEN
                one(d.send(PacketBuilder.tcp(CLIENT, 51000 + i, VIP, port).flags(0x02)
                        .macs(CLIENT_MAC, OUR_MAC).build()));
            }
            assertThat(d.dataplane.ftpHelper().expectedRefused()).isZero();
            // while PASVs nobody follows up are bounded
            for (int i = 0; i < FtpHelper.MAX_EXPECTED + 2; i++) {
                one(d.send(fromClient(21, PSH_ACK, seq, sseq, "PASV\r\n")));
                seq += 6;
                int port = 40000 + i;
                String reply = "227 Entering Passive Mode (10,0,0,11," + (port >> 8) + "," + (port & 0xff) + ").\r\n";
                byte[] out = one(d.send(fromServer(21, PSH_ACK, sseq, seq, reply)));
                sseq += reply.length();
                if (i >= FtpHelper.MAX_EXPECTED) {
                    // unprepared: left as the server sent it
                    assertThat(payload(out)).isEqualTo(reply);
                }
            }
            assertThat(d.dataplane.ftpHelper().expectedRefused()).isEqualTo(2);
        }
    }
}
