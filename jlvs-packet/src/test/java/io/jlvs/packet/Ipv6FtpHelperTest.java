package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FTP helper ({@code jlvs run --ftp-ports 21}) on an IPv6 NAT FTP service, as the kernel's ip_vs_ftp for
 * IPv6: EPSV (or {@code EPSV 2}) and the 229 reply give the passive data connection its entry on the real
 * server, a 229 naming an address is rewritten to {@code |||port|} and the sequence numbers after it line up,
 * {@code EPRT |2|address|port|} lets the real server's connection from port 20 reach the client from VIP:20;
 * PASV and PORT are IPv4's. Frames are built by {@link Packet6Builder}, whose checksums come from its own loop
 * over the IPv6 pseudo-header, and every frame sent out is checked the same way.
 */
class Ipv6FtpHelperTest {
    private static final String VIP6 = "2001:db8::100";
    private static final String CLIENT6 = "2001:db8:1::10";
    private static final String RS6 = "2001:db8::11";
    private static final InetServiceKey FTP6 = Director.key(Protocol.TCP, VIP6, 21);
    private static final int CPORT = 40000;
    private static final int CLIENT_SEQ = 100;
    private static final int SERVER_SEQ = 5000;
    private static final int PSH_ACK = 0x18;
    /** The TCP header of frames without extension headers: Ethernet 14 + IPv6 40. */
    private static final int TCP = 54;

    private static Director ftp6(FtpPassivePorts passive) throws Exception {
        return ftp6(4096, passive);
    }

    private static Director ftp6(int capacity, FtpPassivePorts passive) throws Exception {
        Director d = new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), capacity,
                ConnTableSettings.DEFAULTS, 7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE, List.of(21),
                passive));
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6), RS1_MAC);
        d.service(VirtualService.of(FTP6, "rr"));
        d.server(FTP6, RS6, 21, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static byte[] fromClient(int flags, int seq, int ack, String text) {
        return Packet6Builder.tcp(CLIENT6, CPORT, VIP6, 21).flags(flags).seq(seq).ack(ack)
                .payload(text.getBytes(StandardCharsets.US_ASCII)).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static byte[] fromServer(int flags, int seq, int ack, String text) {
        return Packet6Builder.tcp(RS6, 21, CLIENT6, CPORT).flags(flags).seq(seq).ack(ack)
                .payload(text.getBytes(StandardCharsets.US_ASCII)).macs(RS1_MAC, OUR_MAC).build();
    }

    /** SYN, SYN-ACK, ACK of the control connection: ESTABLISHED. */
    private static void login(Director d) {
        one(d.send(fromClient(0x02, CLIENT_SEQ - 1, 0, "")));
        one(d.send(fromServer(0x12, SERVER_SEQ - 1, CLIENT_SEQ, "")));
        one(d.send(fromClient(0x10, CLIENT_SEQ, SERVER_SEQ, "")));
    }

    /** The one frame sent, its TCP checksum verified over the IPv6 pseudo-header by the test's own loop. */
    private static byte[] one(List<byte[]> out) {
        assertThat(out).hasSize(1);
        byte[] f = out.get(0);
        assertThat(14 + 40 + u16(f, 18)).as("frame length").isEqualTo(f.length);
        assertThat(Packet6Builder.checksumValid(f)).as("TCP checksum").isTrue();
        return f;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static int u32(byte[] b, int at) {
        return u16(b, at) << 16 | u16(b, at + 2);
    }

    private static IpAddress address(byte[] f, int at) {
        return IpAddress.of(Arrays.copyOfRange(f, at, at + 16));
    }

    private static String src(byte[] f) {
        return address(f, 22).withPort(u16(f, TCP));
    }

    private static String dst(byte[] f) {
        return address(f, 38).withPort(u16(f, TCP + 2));
    }

    private static String at(String address, int port) {
        return IpAddress.parse(address).withPort(port);
    }

    private static int seq(byte[] f) {
        return u32(f, TCP + 4);
    }

    private static int ack(byte[] f) {
        return u32(f, TCP + 8);
    }

    private static String payload(byte[] f) {
        int start = TCP + ((f[TCP + 12] & 0xff) >>> 4) * 4;
        return new String(f, start, f.length - start, StandardCharsets.US_ASCII);
    }

    private static List<String> listing(Director d) {
        return d.connections().stream().filter(c -> !c.template())
                .map(c -> c.client().withPort(c.clientPort()) + " " + c.virtualAddress().withPort(c.virtualPort())
                        + " " + c.destination().withPort(c.destinationPort()) + " " + c.state())
                .sorted().toList();
    }

    private static String control() {
        return at(CLIENT6, CPORT) + " " + at(VIP6, 21) + " " + at(RS6, 21) + " ESTABLISHED";
    }

    @Test
    void epsvGivesThePassiveDataConnectionItsEntryAndTheClientReachesTheRealServer() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            assertThat(payload(one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")))))
                    .isEqualTo("EPSV\r\n");
            String reply = "229 Entering Extended Passive Mode (|||30001|)\r\n";
            byte[] out = one(d.send(fromServer(PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)));
            // no address in it: the same bytes, from the VIP
            assertThat(payload(out)).isEqualTo(reply);
            assertThat(src(out)).isEqualTo(at(VIP6, 21));
            assertThat(dst(out)).isEqualTo(at(CLIENT6, CPORT));
            assertThat(listing(d)).containsExactlyInAnyOrder(control(),
                    at(CLIENT6, 0) + " " + at(VIP6, 30001) + " " + at(RS6, 30001) + " LISTEN");
            assertThat(d.dataplane.ftpHelper().passiveReplies()).isEqualTo(1);
            assertThat(d.dataplane.ftpHelper().dataConnections()).isEqualTo(1);

            // the data connection: the client's SYN to [VIP]:30001 reaches the real server's port, and back
            byte[] toServer = one(d.send(Packet6Builder.tcp(CLIENT6, 51000, VIP6, 30001).flags(0x02)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(dst(toServer)).isEqualTo(at(RS6, 30001));
            assertThat(src(toServer)).isEqualTo(at(CLIENT6, 51000));
            byte[] synAck = one(d.send(Packet6Builder.tcp(RS6, 30001, CLIENT6, 51000).flags(0x12)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(src(synAck)).isEqualTo(at(VIP6, 30001));
            assertThat(dst(synAck)).isEqualTo(at(CLIENT6, 51000));
            assertThat(listing(d)).contains(
                    at(CLIENT6, 51000) + " " + at(VIP6, 30001) + " " + at(RS6, 30001) + " SYN_RECV");
            // the entry took that client port: another one is no connection's
            d.send(Packet6Builder.tcp(CLIENT6, 51001, VIP6, 30001).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);
            // no size change: later server segments keep their numbers
            int next = SERVER_SEQ + reply.length();
            assertThat(seq(one(d.send(fromServer(PSH_ACK, next, CLIENT_SEQ + 6, "150 ok\r\n"))))).isEqualTo(next);
            // the data connection counts in the service's real server, not in its connections
            var rs = d.engine.table().services().get(0).realServers().get(0);
            assertThat(rs.activeConns() + rs.inactiveConns()).isEqualTo(2);
            assertThat(rs.stats().conns()).isEqualTo(1);
        }
    }

    /**
     * A 229 that names an address ({@code |2|address|port|}) gets its entry on that address and is rewritten to
     * {@code |||port|}, as the kernel's: shorter, so the server's later sequence numbers are shifted and the
     * client's acknowledgements and SACK edges shifted back.
     */
    @Test
    void a229NamingAnAddressIsShortenedAndTheSequenceNumbersAfterItLineUp() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV 2\r\n")));
            int cseq = CLIENT_SEQ + 8;
            String reply = "229 Entering Extended Passive Mode (|2|" + RS6 + "|30002|)\r\n";
            String rewritten = "229 Entering Extended Passive Mode (|||30002|)\r\n";
            int diff = rewritten.length() - reply.length();
            assertThat(diff).isNegative();
            byte[] out = one(d.send(fromServer(PSH_ACK, SERVER_SEQ, cseq, reply)));
            assertThat(payload(out)).isEqualTo(rewritten);
            assertThat(u16(out, 18)).as("payload length").isEqualTo(20 + rewritten.length());
            assertThat(seq(out)).isEqualTo(SERVER_SEQ);
            assertThat(listing(d)).contains(at(CLIENT6, 0) + " " + at(VIP6, 30002) + " " + at(RS6, 30002) + " LISTEN");

            int next = SERVER_SEQ + reply.length();
            byte[] later = one(d.send(fromServer(PSH_ACK, next, cseq, "150 Here it comes.\r\n")));
            assertThat(seq(later)).isEqualTo(next + diff);
            assertThat(payload(later)).isEqualTo("150 Here it comes.\r\n");
            // the client acknowledges what it saw; the server gets its own numbers back
            byte[] acked = one(d.send(fromClient(0x10, cseq, next + diff + 20, "")));
            assertThat(ack(acked)).isEqualTo(next + 20);
            assertThat(dst(acked)).isEqualTo(at(RS6, 21));
            // before the change: as it was
            assertThat(ack(one(d.send(fromClient(0x10, cseq, SERVER_SEQ, ""))))).isEqualTo(SERVER_SEQ);
            // SACK edges too (NOP, NOP, kind 5, length 10)
            byte[] sack = {1, 1, 5, 10, 0, 0, 0, 0, 0, 0, 0, 0};
            PacketBuilder.put32(sack, 4, next + diff + 40);
            PacketBuilder.put32(sack, 8, next + diff + 60);
            byte[] sent = one(d.send(Packet6Builder.tcp(CLIENT6, CPORT, VIP6, 21).flags(0x10).seq(cseq)
                    .ack(next + diff + 20).tcpOptions(sack).macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(u32(sent, TCP + 20 + 4)).isEqualTo(next + 40);
            assertThat(u32(sent, TCP + 20 + 8)).isEqualTo(next + 60);
            assertThat(ack(sent)).isEqualTo(next + 20);
        }
    }

    /** The same past a destination-options header: the payload length counts it, the checksum still verifies. */
    @Test
    void aShortenedReplyKeepsItsExtensionHeaders() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")));
            // destination options: next header TCP, length 0 (8 bytes), a PadN option of 4 bytes
            byte[] options = {6, 0, 1, 4, 0, 0, 0, 0};
            String reply = "229 Entering Extended Passive Mode (|2|" + RS6 + "|30003|)\r\n";
            byte[] in = Packet6Builder.tcp(RS6, 21, CLIENT6, CPORT).flags(PSH_ACK).seq(SERVER_SEQ).ack(CLIENT_SEQ + 6)
                    .extensions(60, options).payload(reply.getBytes(StandardCharsets.US_ASCII))
                    .macs(RS1_MAC, OUR_MAC).build();
            List<byte[]> out = d.send(in);
            assertThat(out).hasSize(1);
            byte[] f = out.get(0);
            String rewritten = "229 Entering Extended Passive Mode (|||30003|)\r\n";
            assertThat(u16(f, 18)).isEqualTo(8 + 20 + rewritten.length());
            assertThat(f.length).isEqualTo(54 + 8 + 20 + rewritten.length());
            assertThat(f[20]).isEqualTo((byte) 60);
            assertThat(Arrays.copyOfRange(f, 54, 62)).isEqualTo(options);
            assertThat(new String(f, 54 + 8 + 20, rewritten.length(), StandardCharsets.US_ASCII)).isEqualTo(rewritten);
            byte[] upper = Arrays.copyOfRange(f, 62, f.length);
            assertThat(Packet6Builder.checksum(Arrays.copyOfRange(f, 22, 38), Arrays.copyOfRange(f, 38, 54), 6, upper))
                    .as("TCP checksum over the IPv6 pseudo-header").isEqualTo(0xffff);
            assertThat(address(f, 22)).isEqualTo(IpAddress.parse(VIP6));
        }
    }

    @Test
    void eprtLetsTheRealServersConnectionFromPort20ReachTheClientFromTheVirtualAddress() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            String eprt = "EPRT |2|" + CLIENT6 + "|51210|\r\n";
            byte[] cmd = one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, eprt)));
            // the command is not changed: the client's address stays the client's
            assertThat(payload(cmd)).isEqualTo(eprt);
            assertThat(dst(cmd)).isEqualTo(at(RS6, 21));
            assertThat(listing(d)).contains(at(CLIENT6, 51210) + " " + at(VIP6, 20) + " " + at(RS6, 20) + " LISTEN");

            byte[] syn = one(d.send(Packet6Builder.tcp(RS6, 20, CLIENT6, 51210).flags(0x02)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(src(syn)).isEqualTo(at(VIP6, 20));
            assertThat(dst(syn)).isEqualTo(at(CLIENT6, 51210));
            byte[] synAck = one(d.send(Packet6Builder.tcp(CLIENT6, 51210, VIP6, 20).flags(0x12)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(dst(synAck)).isEqualTo(at(RS6, 20));
            // nothing shifts after a command
            assertThat(ack(one(d.send(fromClient(0x10, CLIENT_SEQ + eprt.length(), SERVER_SEQ + 7, "")))))
                    .isEqualTo(SERVER_SEQ + 7);
        }
    }

    /**
     * The client's address in an EPRT in any of IPv6's text forms (RFC 4291 §2.2), as the kernel's in6_pton reads
     * them.
     */
    @Test
    void eprtAddressesInEveryTextForm() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            List<String> forms = List.of("2001:DB8:1:0:0:0:0:10", "2001:db8:1::0.0.0.16", "2001:db8:1:0:0:0:0.0.0.16",
                    "2001:0db8:0001::0010", "2001:db8:1:0::0:0:10", "2001:db8:1::10");
            int seq = CLIENT_SEQ;
            int port = 52000;
            for (String form : forms) {
                String cmd = "EPRT |2|" + form + "|" + port++ + "|\r\n";
                one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ, cmd)));
                seq += cmd.length();
            }
            // another delimiter than "|"
            one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ, "EPRT !2!" + CLIENT6 + "!" + port + "!\r\n")));
            assertThat(d.dataplane.ftpHelper().ignoredLines()).isZero();
            List<String> clients = listing(d).stream().filter(l -> l.contains(" " + at(VIP6, 20) + " "))
                    .map(l -> l.substring(0, l.indexOf(' '))).toList();
            assertThat(clients).containsExactlyInAnyOrder(at(CLIENT6, 52000), at(CLIENT6, 52001), at(CLIENT6, 52002),
                    at(CLIENT6, 52003), at(CLIENT6, 52004), at(CLIENT6, 52005), at(CLIENT6, 52006));
        }
    }

    /**
     * FTP bounce: an EPRT naming another host than the client (a third party, or another form of address such as
     * the IPv4-mapped one) gets no entry, so a real server that obeys it cannot reach that host from VIP:20 through
     * the director; the command passes unchanged and is counted.
     */
    @Test
    void anEprtNamingAnotherHostThanTheClientGetsNoEntry() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            int seq = CLIENT_SEQ;
            List<String> others = List.of("2001:db8:1::11", "2001:db8::11", "::1", "fe80::10", "::ffff:192.0.2.10");
            for (String other : others) {
                String cmd = "EPRT |2|" + other + "|5000|\r\n";
                assertThat(payload(one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ, cmd))))).isEqualTo(cmd);
                seq += cmd.length();
            }
            assertThat(d.dataplane.ftpHelper().foreignAddresses()).isEqualTo(others.size());
            assertThat(d.dataplane.ftpHelper().dataConnections()).isZero();
            assertThat(listing(d)).containsExactly(control());
            // the real server's connection from port 20 to the third party is not translated to VIP:20
            d.send(Packet6Builder.tcp(RS6, 20, "2001:db8:1::11", 5000).flags(0x02).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isNotEqualTo(Verdict.FORWARD);
        }
    }

    /**
     * What the kernel leaves alone on an IPv6 control connection: PASV and PORT (IPv4's), EPSV 1, an IPv4 EPRT
     * (counted, as any EPRT that does not parse), and malformed addresses.
     */
    @Test
    void ipv4CommandsAndMalformedAddressesAreLeftAlone() throws Exception {
        try (Director d = ftp6(null)) {
            login(d);
            int seq = CLIENT_SEQ;
            for (String cmd : List.of("PASV\r\n", "PORT 192,0,2,10,200,10\r\n", "EPSV 1\r\n")) {
                assertThat(payload(one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ, cmd))))).isEqualTo(cmd);
                seq += cmd.length();
                // no reply is expected after them: a 227 or a 229 passes as it is
                for (String reply : List.of("227 Entering Passive Mode (10,0,0,11,117,48).\r\n",
                        "229 Entering Extended Passive Mode (|||30009|)\r\n")) {
                    assertThat(payload(one(d.send(fromServer(PSH_ACK, SERVER_SEQ, seq, reply))))).isEqualTo(reply);
                }
            }
            assertThat(d.dataplane.ftpHelper().ignoredLines()).isZero();
            List<String> bad = List.of("|1|192.0.2.10|5000|", "|2|2001:db8::1::2|5000|", "|2|1:2:3:4:5:6:7:8:9|5000|",
                    "|2|12345::1|5000|", "|2|:1::|5000|", "|2|1:2:3:4:5:6:7|5000|", "|2|g::1|5000|",
                    "|2|192.0.2.10|5000|", "|2|::ffff:1.2.3|5000|", "|2|1:2:3:4:5:6:7:1.2.3.4|5000|",
                    "|2|2001:db8::1|0|", "|2|2001:db8::1|", "|2|2001:db8::1:|5000|", "|2||5000|");
            for (String arguments : bad) {
                String cmd = "EPRT " + arguments + "\r\n";
                assertThat(payload(one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ, cmd))))).isEqualTo(cmd);
                seq += cmd.length();
            }
            assertThat(d.dataplane.ftpHelper().ignoredLines()).isEqualTo(bad.size());
            assertThat(d.dataplane.ftpHelper().dataConnections()).isZero();
            assertThat(listing(d)).containsExactly(control());
            // the real server's connection from port 20 then matches nothing: not translated
            d.send(Packet6Builder.tcp(RS6, 20, "2001:db8::1", 5000).flags(0x02).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    /**
     * An expected entry nobody connects to goes after the LISTEN timeout (2 minutes) while its control connection
     * stays; at most {@link FtpHelper#MAX_EXPECTED} wait for one control connection at once, as for IPv4.
     */
    @Test
    void expectedEntriesExpireAndAreBounded() throws Exception {
        try (Director d = ftp6(256, null)) {
            login(d);
            one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")));
            String reply = "229 Entering Extended Passive Mode (|||30004|)\r\n";
            one(d.send(fromServer(PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6, reply)));
            assertThat(listing(d)).hasSize(2);
            // the control connection is kept alive by its client meanwhile (ESTABLISHED lasts 15 minutes)
            d.advance(119);
            assertThat(listing(d)).hasSize(2);
            d.advance(2);
            assertThat(listing(d)).containsExactly(control());
            d.send(Packet6Builder.tcp(CLIENT6, 51000, VIP6, 30004).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);

            int seq = CLIENT_SEQ + 6;
            for (int i = 0; i < 40; i++) {
                String cmd = "EPRT |2|" + CLIENT6 + "|" + (53000 + i) + "|\r\n";
                one(d.send(fromClient(PSH_ACK, seq, SERVER_SEQ + reply.length(), cmd)));
                seq += cmd.length();
            }
            assertThat(d.dataplane.connections()).isEqualTo(1 + FtpHelper.MAX_EXPECTED);
            assertThat(d.dataplane.ftpHelper().expectedRefused()).isEqualTo(40 - FtpHelper.MAX_EXPECTED);
        }
    }

    /**
     * The guard's {@code ip6 jlvs} table takes an IPv6 FTP service's data connections from the kernel as {@code ip
     * jlvs} does for IPv4: with {@code --ftp-passive-ports} the range and port 20 of the VIP and of its NAT real
     * servers, without it every TCP port of both.
     */
    @Test
    void theGuardTakesTheDataConnectionsOfAnIpv6FtpService() throws Exception {
        FtpPassivePorts range = new FtpPassivePorts(30000, 30099);
        try (Director d = ftp6(range)) {
            PacketDirectorSettings s = PacketDirectorSettings.of(List.of("eth0")).withFtpPorts(List.of(21))
                    .withFtpPassivePorts(range);
            String script = PacketDirector.taken(d.engine.snapshot(), s).script();
            String v6 = script.substring(script.indexOf("table ip6 jlvs {"));
            assertThat(v6).contains("set ranges {\n    type ipv6_addr . inet_proto . inet_service\n    flags interval\n"
                            + "    elements = { " + VIP6 + " . tcp . 20, " + VIP6 + " . tcp . 30000-30099 }")
                    .contains("ip6 daddr . meta l4proto . th dport @ranges counter drop")
                    .contains("set masqranges {\n    type ipv6_addr . inet_proto . inet_service\n    flags interval\n"
                            + "    elements = { " + RS6 + " . tcp . 30000-30099 }")
                    .contains("ip6 saddr . meta l4proto . th sport @masqranges fib daddr type != local counter drop")
                    .contains(RS6 + " . tcp . 20").contains(RS6 + " . tcp . 21")
                    .doesNotContain("1-65535").doesNotContain("set masq {");
        }
        try (Director d = ftp6(null)) {
            PacketDirectorSettings s = PacketDirectorSettings.of(List.of("eth0")).withFtpPorts(List.of(21));
            PacketDirector.Taken t = PacketDirector.taken(d.engine.snapshot(), s);
            String v6 = t.script().substring(t.script().indexOf("table ip6 jlvs {"));
            assertThat(v6).contains(VIP6 + " . tcp . 1-65535").contains("set masq {\n    type ipv6_addr . inet_proto\n"
                    + "    elements = { " + RS6 + " . tcp }").doesNotContain("masqranges");
            // IPv6 clients are hashed by address anyway: the IPv4 hash keeps its ports
            assertThat(t.ftp()).isFalse();
        }
        try (Director d = ftp6(null)) {
            // without --ftp-ports nothing more than the service
            String script = PacketDirector.taken(d.engine.snapshot(), PacketDirectorSettings.of(List.of("eth0")))
                    .script();
            assertThat(script).doesNotContain("ranges").doesNotContain("set masq {");
        }
    }

    /**
     * What the guard takes from an FTP real server and belongs to no connection is routed by the worker (it would
     * be lost otherwise); with the passive range, the real server's own TCP from another port stays the kernel's.
     */
    @Test
    void aRealServersTcpOutsideAnyConnectionIsRoutedOnlyWhereTheGuardTakesIt() throws Exception {
        String remote = "2001:db8:9::9";
        for (FtpPassivePorts passive : new FtpPassivePorts[] {null, new FtpPassivePorts(30000, 30099)}) {
            try (Director d = ftp6(passive)) {
                d.dataplane.routeUnclaimed(true, false);
                d.neighbours6.put(IpAddress.parse(remote), Director.GATEWAY_MAC);
                for (int port : new int[] {33000, 30050, 20}) {
                    List<byte[]> out = d.send(Packet6Builder.tcp(RS6, port, remote, 443).flags(0x02)
                            .macs(RS1_MAC, OUR_MAC).build());
                    boolean taken = passive == null || port != 33000;
                    assertThat(out).as("port %d with %s", port, passive).hasSize(taken ? 1 : 0);
                    assertThat(d.verdict()).isEqualTo(taken ? Verdict.FORWARD : Verdict.PASS);
                    if (taken) {
                        assertThat(src(out.get(0))).isEqualTo(at(RS6, port));
                    }
                }
                assertThat(d.dataplane.routed()).isEqualTo(passive == null ? 3 : 2);
            }
        }
    }

    @Test
    void aReplyOutsideThePassiveRangeIsRewrittenAndCounted() throws Exception {
        try (Director d = ftp6(new FtpPassivePorts(30000, 30099))) {
            login(d);
            one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")));
            one(d.send(fromServer(PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6,
                    "229 Entering Extended Passive Mode (|||40000|)\r\n")));
            assertThat(d.dataplane.ftpHelper().outsidePassiveRange()).isEqualTo(1);
            assertThat(listing(d)).contains(at(CLIENT6, 0) + " " + at(VIP6, 40000) + " " + at(RS6, 40000) + " LISTEN");
        }
    }

    /** IPv6 and IPv4 control connections side by side in one worker's helper keep their own state. */
    @Test
    void ipv4AndIpv6ControlConnectionsSideBySide() throws Exception {
        try (Director d = ftp6(null)) {
            InetServiceKey ftp4 = Director.key(Protocol.TCP, Director.VIP, 21);
            d.service(Protocol.TCP, 21, "rr").server(ftp4, Director.RS1, 21, ForwardingMethod.MASQ, 1);
            login(d);
            d.send(PacketBuilder.tcp(Director.CLIENT, CPORT, Director.VIP, 21).flags(0x02).seq(CLIENT_SEQ - 1)
                    .macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(Director.RS1, 21, Director.CLIENT, CPORT).flags(0x12).seq(SERVER_SEQ - 1)
                    .ack(CLIENT_SEQ).macs(RS1_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(Director.CLIENT, CPORT, Director.VIP, 21).flags(0x10).seq(CLIENT_SEQ)
                    .ack(SERVER_SEQ).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(Director.CLIENT, CPORT, Director.VIP, 21).flags(PSH_ACK).seq(CLIENT_SEQ)
                    .ack(SERVER_SEQ).payload("PASV\r\n".getBytes(StandardCharsets.US_ASCII))
                    .macs(CLIENT_MAC, OUR_MAC).build());
            one(d.send(fromClient(PSH_ACK, CLIENT_SEQ, SERVER_SEQ, "EPSV\r\n")));
            one(d.send(fromServer(PSH_ACK, SERVER_SEQ, CLIENT_SEQ + 6,
                    "229 Entering Extended Passive Mode (|2|" + RS6 + "|30005|)\r\n")));
            byte[] out4 = d.send(PacketBuilder.tcp(Director.RS1, 21, Director.CLIENT, CPORT).flags(PSH_ACK)
                    .seq(SERVER_SEQ).ack(CLIENT_SEQ + 6).payload("227 Entering Passive Mode (10,0,0,11,117,49).\r\n"
                            .getBytes(StandardCharsets.US_ASCII)).macs(RS1_MAC, OUR_MAC).build()).get(0);
            FtpHelperTest.assertValidChecksums(out4);
            assertThat(new String(out4, StandardCharsets.US_ASCII)).contains("(10,77,0,100,117,49)");
            assertThat(listing(d)).contains(at(CLIENT6, 0) + " " + at(VIP6, 30005) + " " + at(RS6, 30005) + " LISTEN",
                    Director.CLIENT + ":0 " + Director.VIP + ":30001 " + Director.RS1 + ":30001 LISTEN");
            // each control connection shifts by its own change: +2 for IPv4, the IPv6 reply's for IPv6
            int next = SERVER_SEQ + 100;
            byte[] later4 = d.send(PacketBuilder.tcp(Director.RS1, 21, Director.CLIENT, CPORT).flags(PSH_ACK)
                    .seq(next).ack(CLIENT_SEQ + 6).payload(1).macs(RS1_MAC, OUR_MAC).build()).get(0);
            assertThat(u32(later4, 14 + 20 + 4)).isEqualTo(next + 2);
            int diff6 = -(1 + RS6.length());
            assertThat(seq(one(d.send(fromServer(PSH_ACK, next, CLIENT_SEQ + 6, "x"))))).isEqualTo(next + diff6);
        }
    }
}
