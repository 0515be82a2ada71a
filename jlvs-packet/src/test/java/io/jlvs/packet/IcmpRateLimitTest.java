package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ICMP errors the data plane originates obey Linux's limits, as IPVS's do (they go through icmp_send): a
 * UDP flood to a service without an available real server is not answered datagram for datagram.
 */
class IcmpRateLimitTest {

    private static Director director(IcmpLimits limits) {
        return new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096, ConnTableSettings.DEFAULTS,
                7, 1024, true, Director.FIRST_IP_ID, limits));
    }

    /** A UDP service whose only real server has weight 0: every datagram is "no destination", port unreachable. */
    private static Director withoutRealServers(IcmpLimits limits) throws Exception {
        Director d = director(limits);
        d.service(Protocol.UDP, 53, "rr").server(Director.key(Protocol.UDP, VIP, 53), RS1, 53, ForwardingMethod.MASQ, 0);
        return d;
    }

    private static int unreachablesTo(Director d, String client, int datagrams) {
        int icmp = 0;
        for (int i = 0; i < datagrams; i++) {
            byte[] frame = PacketBuilder.udp(client, 3000 + i, VIP, 53).payload(4).macs(CLIENT_MAC, OUR_MAC).build();
            icmp += d.send(frame).size();
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
        }
        return icmp;
    }

    @Test
    void aClientGetsABurstOfSixThenOneASecond() throws Exception {
        try (Director d = withoutRealServers(IcmpLimits.KERNEL_DEFAULTS)) {
            assertThat(unreachablesTo(d, Director.CLIENT, 20)).isEqualTo(6);
            assertThat(d.dataplane.icmpRateLimited()).isEqualTo(14);
            assertThat(d.dataplane.drops(DropReason.NO_DESTINATION)).as("every datagram still dropped and counted")
                    .isEqualTo(20);
            d.advance(1);
            assertThat(unreachablesTo(d, Director.CLIENT, 5)).isEqualTo(1);
            d.advance(60);
            assertThat(unreachablesTo(d, Director.CLIENT, 10)).as("the burst refills to six, no more").isEqualTo(6);
        }
    }

    @Test
    void allClientsTogetherGetTheHostWideBurst() throws Exception {
        try (Director d = withoutRealServers(IcmpLimits.KERNEL_DEFAULTS)) {
            int sent = 0;
            for (int c = 1; c <= 20; c++) {
                sent += unreachablesTo(d, "192.0.2." + (100 + c), 6);
            }
            assertThat(sent).as("icmp_msgs_burst").isEqualTo(50);
            assertThat(d.dataplane.icmpSent()).isEqualTo(50);
            assertThat(d.dataplane.icmpRateLimited()).isEqualTo(70);
        }
    }

    @Test
    void limitsOffAnswerEveryDatagram() throws Exception {
        try (Director d = withoutRealServers(new IcmpLimits(0, 6168, 1000, 1000))) {
            assertThat(unreachablesTo(d, Director.CLIENT, 40)).isEqualTo(40);
        }
        try (Director d = withoutRealServers(new IcmpLimits(1000, 0, 0, 0))) {
            assertThat(unreachablesTo(d, Director.CLIENT, 40)).as("destination unreachable outside the mask").isEqualTo(40);
        }
    }

    @Test
    void fragmentationNeededIsNeverLimited() throws Exception {
        try (Director d = director(IcmpLimits.KERNEL_DEFAULTS)) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP);
            int icmp = 0;
            for (int i = 0; i < 60; i++) {
                byte[] frame = PacketBuilder.tcp(Director.CLIENT, 40000, VIP, 80).flags(0x02).payload(1441)
                        .macs(CLIENT_MAC, OUR_MAC).build();
                icmp += d.send(frame).size();
            }
            assertThat(icmp).as("path MTU discovery depends on every one").isEqualTo(60);
            assertThat(d.dataplane.icmpRateLimited()).isZero();
        }
    }

    @Test
    void theLimitsAreTheNamespacesSysctls(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("icmp_ratelimit"), "250\n");
        Files.writeString(dir.resolve("icmp_ratemask"), "2048\n");
        Files.writeString(dir.resolve("icmp_msgs_per_sec"), "not a number\n");
        assertThat(IcmpLimits.read(dir)).isEqualTo(new IcmpLimits(250, 2048, 1000, 50));
        assertThat(IcmpLimits.read(dir.resolve("absent"))).isEqualTo(IcmpLimits.KERNEL_DEFAULTS);
    }
}
