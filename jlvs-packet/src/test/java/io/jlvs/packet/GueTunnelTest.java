package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.FIRST_IP_ID;
import static io.jlvs.packet.Director.LOCAL;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** GUE tunnels (--tun-type gue --tun-port 6080): outer IPv4 + UDP + 4-byte GUE header + the packet. */
class GueTunnelTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);

    static byte[] gueFrame(int sourcePort, byte[] inner, boolean checksum, boolean df, int id) {
        byte[] body = new byte[4 + inner.length];
        body[1] = 4; // proto_ctype: IPIP
        System.arraycopy(inner, 0, body, 4, inner.length);
        PacketBuilder b = PacketBuilder.udp(LOCAL, sourcePort, RS1, 6080).payload(body).ttl(63).df(df).id(id)
                .macs(OUR_MAC, RS1_MAC);
        return checksum ? b.build() : b.noUdpChecksum().build();
    }

    static int sourcePort(byte[] frame) {
        return (frame[34] & 0xff) << 8 | (frame[35] & 0xff);
    }

    /**
     * Each checksum mode: --tun-nocsum sends UDP checksum 0; --tun-csum and --tun-remcsum a computed one, as the
     * kernel's ip_vs_tunnel_xmit asks udp_set_csum for a checksum when either flag is set (remcsum's own option
     * only for packets with a partial checksum, which forwarded ones are not). The source port is stable per flow.
     */
    @Test
    void encapsulatesWithAStableFlowSourcePortAndTheModesChecksum() throws Exception {
        for (TunnelChecksum mode : TunnelChecksum.values()) {
            try (Director d = new Director()) {
                d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GUE, mode);
                PacketBuilder syn = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(11);
                List<byte[]> out = d.send(syn.macs(CLIENT_MAC, OUR_MAC).build());
                assertThat(out).hasSize(1);
                int port = sourcePort(out.get(0));
                assertThat(port).isBetween(32768, 60999);
                byte[] inner = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(11).ttl(63).datagram();
                assertThat(ForwardingCasesTest.hex(out.get(0))).as(mode.name())
                        .isEqualTo(ForwardingCasesTest.hex(gueFrame(port, inner, mode != TunnelChecksum.NOCSUM, true, 0)));

                List<byte[]> again = d.send(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x10)
                        .macs(CLIENT_MAC, OUR_MAC).build());
                assertThat(sourcePort(again.get(0))).isEqualTo(port);
            }
        }
    }

    /**
     * A real server's tunnel type edited while a connection runs (IPIP to GUE, then GRE): the connection's next
     * packets take the new encapsulation, as IPVS reads the destination's tunnel type for each packet.
     */
    @Test
    void anEditedTunnelTypeTakesEffectAtTheNextPacket() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.IPIP);
            byte[] syn = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build();
            byte[] ack = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x10).macs(CLIENT_MAC, OUR_MAC).build();
            assertThat(d.send(syn).get(0)[14 + 9]).as("IPIP").isEqualTo((byte) 4);
            for (var type : List.of(TunnelType.GUE, TunnelType.GRE)) {
                d.engine.execute(new io.jlvs.core.command.IpvsCommand.EditServer(WEB, new io.jlvs.core.model.RealServer(
                        io.jlvs.core.IpAddress.parse(RS1), 80, io.jlvs.core.ForwardingMethod.TUNNEL, 1, 0, 0, type,
                        type == TunnelType.GUE ? 6080 : 0, TunnelChecksum.NOCSUM)));
                assertThat(d.send(ack).get(0)[14 + 9]).as(type.name()).isEqualTo((byte) (type == TunnelType.GUE ? 17 : 47));
            }
            assertThat(d.connections()).hasSize(1);
        }
    }

    @Test
    void otherFlowsSpreadOverSourcePorts() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GUE, TunnelChecksum.NOCSUM);
            java.util.Set<Integer> ports = new java.util.HashSet<>();
            for (int i = 0; i < 50; i++) {
                ports.add(sourcePort(d.send(PacketBuilder.tcp(CLIENT, 1000 + i, VIP, 80).flags(0x02)
                        .macs(CLIENT_MAC, OUR_MAC).build()).get(0)));
            }
            assertThat(ports).hasSizeGreaterThan(40);
        }
    }

    @Test
    void tooBigForTheGueOverheadAsksForMtuMinus32() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GUE, TunnelChecksum.NOCSUM);
            // 1469 bytes fit IPIP (1480) but not GUE (1468)
            List<byte[]> out = d.send(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1429)
                    .macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            byte[] quoted = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1429).ttl(63).datagram();
            assertThat(ForwardingCasesTest.hex(out.get(0))).isEqualTo(ForwardingCasesTest.hex(
                    PacketBuilder.icmp(VIP, CLIENT, 3, 4, 1468, ForwardingCasesTest.quote(quoted))
                            .tos(0xc0).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC).build()));
        }
    }
    /**
     * As IPVS: a link whose MTU leaves under 68 bytes beneath the outer IPv4 header tunnels nothing (no
     * fragmentation-needed either: no valid MTU could be named); from 88 bytes on, a SYN goes through.
     */
    @ParameterizedTest
    @EnumSource(TunnelType.class)
    void aLinkTooSmallForAnyTunnelDropsItsPackets(TunnelType type) throws Exception {
        for (int mtu : new int[] {87, 88}) {
            try (Director d = new Director(io.jlvs.conn.ConnTableSettings.DEFAULTS, mtu)) {
                d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, type);
                List<byte[]> out = d.send(ScenarioTest.tcp(CLIENT, 40000, 0x02));
                if (mtu == 87) {
                    assertThat(out).as("MTU 87").isEmpty();
                    assertThat(d.dataplane.drops(DropReason.TOO_BIG)).isEqualTo(1);
                } else {
                    assertThat(out).as("MTU 88").hasSize(1);
                    assertThat(Ipv4Header.dst(MemorySegment.ofArray(out.get(0)), 14)).isEqualTo(PacketBuilder.addr(RS1));
                }
            }
        }
    }
}
