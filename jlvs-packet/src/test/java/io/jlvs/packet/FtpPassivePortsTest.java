package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.sys.XdpSteering.ServerPort;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --ftp-passive-ports LO-HI}: what the guard and the XDP steering take from the kernel for an FTP service
 * (found by review: with --ftp-ports alone every TCP port of the VIP, so sshd on the VIP stopped answering, and
 * every TCP port of the NAT real servers, so their own TCP out through the director skipped its netfilter).
 */
class FtpPassivePortsTest {
    private static final InetServiceKey FTP = Director.key(Protocol.TCP, VIP, 21);
    private static final FtpPassivePorts RANGE = new FtpPassivePorts(30000, 30099);

    private static Director director(FtpPassivePorts passive) throws Exception {
        Director d = new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096,
                ConnTableSettings.DEFAULTS, 7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE, List.of(21),
                passive));
        d.service(Protocol.TCP, 21, "rr").server(FTP, RS1, 21, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static PacketDirectorSettings settings(FtpPassivePorts passive) {
        return PacketDirectorSettings.of(List.of("eth0")).withFtpPorts(List.of(21)).withFtpPassivePorts(passive);
    }

    private static ServerPort tcp(String address, int port) {
        return new ServerPort(IpAddress.parse(address), 6, port);
    }

    @Test
    void withTheRangeOnlyItAndTheActivePortAreTakenFromTheKernel() throws Exception {
        try (Director d = director(RANGE)) {
            PacketDirector.Taken t = PacketDirector.taken(d.engine.snapshot(), settings(RANGE));
            assertThat(t.script()).doesNotContain("1-65535")
                    .contains(VIP + " . tcp . 30000-30099").contains(VIP + " . tcp . 20")
                    .contains("set masqranges {\n    type ipv4_addr . inet_proto . inet_service\n    flags interval\n"
                            + "    elements = { " + RS1 + " . tcp . 30000-30099 }")
                    .contains("ip saddr . meta l4proto . th sport @masqranges fib daddr type != local counter drop")
                    .contains(RS1 + " . tcp . 20").contains(RS1 + " . tcp . 21")
                    .doesNotContain("set masq {");
            // the VIP's port 22 (sshd) and the real server's own ports stay the kernel's with AF_XDP too
            assertThat(t.masqPorts()).doesNotContain(tcp(VIP, 0), tcp(RS1, 0), tcp(VIP, 22), tcp(RS1, 33000))
                    .contains(tcp(VIP, 21), tcp(VIP, 20), tcp(VIP, 30000), tcp(VIP, 30099), tcp(RS1, 21),
                            tcp(RS1, 20), tcp(RS1, 30000), tcp(RS1, 30099))
                    .doesNotContain(tcp(VIP, 29999), tcp(VIP, 30100));
        }
    }

    @Test
    void withoutTheRangeEveryTcpPortIsTakenAsBefore() throws Exception {
        try (Director d = director(null)) {
            PacketDirector.Taken t = PacketDirector.taken(d.engine.snapshot(), settings(null));
            assertThat(t.script()).contains(VIP + " . tcp . 1-65535").contains("set masq {")
                    .doesNotContain("masqranges");
            assertThat(t.masqPorts()).contains(tcp(VIP, 0), tcp(RS1, 0));
        }
    }

    /** A real server's own TCP (apt, SMTP) from another port is left to the kernel, not routed by the worker. */
    @Test
    void aRealServersOwnTcpIsTheKernelsWithTheRange() throws Exception {
        try (Director d = director(RANGE)) {
            d.dataplane.routeUnclaimed(true, false);
            d.neighbours.put(PacketBuilder.addr("203.0.113.9"), Director.GATEWAY_MAC);
            d.send(PacketBuilder.tcp(RS1, 33000, "203.0.113.9", 443).flags(0x02).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.dataplane.routed()).isZero();
            // from the passive range or port 20 (what the guard takes), outside any connection: routed
            assertThat(d.send(PacketBuilder.tcp(RS1, 30050, "203.0.113.9", 443).flags(0x02)
                    .macs(RS1_MAC, OUR_MAC).build())).hasSize(1);
            assertThat(d.send(PacketBuilder.tcp(RS1, 20, "203.0.113.9", 443).flags(0x02)
                    .macs(RS1_MAC, OUR_MAC).build())).hasSize(1);
            assertThat(d.dataplane.routed()).isEqualTo(2);
        }
    }

    /** A 227 naming a port outside the range is still rewritten (as the kernel) but counted. */
    @Test
    void aReplyOutsideTheRangeIsRewrittenAndCounted() throws Exception {
        try (Director d = director(RANGE)) {
            int cport = 40000;
            d.send(PacketBuilder.tcp(CLIENT, cport, VIP, 21).flags(0x02).seq(99).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(RS1, 21, CLIENT, cport).flags(0x12).seq(4999).ack(100)
                    .macs(RS1_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(CLIENT, cport, VIP, 21).flags(0x10).seq(100).ack(5000)
                    .macs(CLIENT_MAC, OUR_MAC).build());
            int seq = 100;
            int sseq = 5000;
            for (int port : new int[] {30010, 40000}) {
                d.send(PacketBuilder.tcp(CLIENT, cport, VIP, 21).flags(0x18).seq(seq).ack(sseq)
                        .payload("PASV\r\n".getBytes(StandardCharsets.US_ASCII)).macs(CLIENT_MAC, OUR_MAC).build());
                seq += 6;
                String reply = "227 Entering Passive Mode (10,0,0,11," + (port >> 8) + "," + (port & 0xff) + ").\r\n";
                byte[] out = d.send(PacketBuilder.tcp(RS1, 21, CLIENT, cport).flags(0x18).seq(sseq).ack(seq)
                        .payload(reply.getBytes(StandardCharsets.US_ASCII)).macs(RS1_MAC, OUR_MAC).build()).get(0);
                assertThat(new String(out, StandardCharsets.US_ASCII)).contains("(10,77,0,100,");
                sseq += reply.length();
            }
            assertThat(d.dataplane.ftpHelper().passiveReplies()).isEqualTo(2);
            assertThat(d.dataplane.ftpHelper().outsidePassiveRange()).isEqualTo(1);
        }
    }

    @Test
    void theRangeIsValidated() {
        assertThat(FtpPassivePorts.parse("30000-30099")).isEqualTo(RANGE);
        assertThat(FtpPassivePorts.parse("5000")).isEqualTo(new FtpPassivePorts(5000, 5000));
        for (String bad : List.of("0-10", "10-5", "1-65536", "a-b", "", "-", "1-")) {
            assertThatThrownBy(() -> FtpPassivePorts.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> PacketDirectorSettings.of(List.of("eth0")).withFtpPassivePorts(RANGE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
