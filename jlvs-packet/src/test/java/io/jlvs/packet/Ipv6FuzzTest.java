package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_2;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.VirtualService;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random and mutated IPv6 frames to DR, NAT and TUN services: each counted once, none throws. */
class Ipv6FuzzTest {
    private static final long SEED = 0x6a6c7673_36667a7aL;
    private static final int FRAMES = 50_000;

    @Test
    void randomAndMutatedIpv6FramesAreEachCountedOnceAndNeverThrow() throws Exception {
        try (Director d = new Director()) {
            d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
            d.neighbours6.put(IpAddress.parse(RS6_1), RS1_MAC);
            d.neighbours6.put(IpAddress.parse(RS6_2), Director.RS2_MAC);
            d.service(VirtualService.of(Director.key(Protocol.TCP, VIP6, 80), "rr"));
            d.server(Director.key(Protocol.TCP, VIP6, 80), RS6_1, 8080, ForwardingMethod.MASQ, 1);
            d.server(Director.key(Protocol.TCP, VIP6, 80), RS6_2, 80, ForwardingMethod.DROUTE, 1);
            d.service(VirtualService.of(Director.key(Protocol.UDP, VIP6, 53), "rr"));
            d.server(Director.key(Protocol.UDP, VIP6, 53), RS6_1, 53, ForwardingMethod.MASQ, 1);
            // TUN: GUE with a checksum to one real server, IPv6-in-IPv6 to the other
            d.service(VirtualService.of(Director.key(Protocol.TCP, VIP6, 443), "rr"));
            d.tunnelServer(Director.key(Protocol.TCP, VIP6, 443), RS6_1, 443, io.jlvs.core.TunnelType.GUE,
                    io.jlvs.core.TunnelChecksum.CSUM);
            d.tunnelServer(Director.key(Protocol.TCP, VIP6, 443), RS6_2, 443, io.jlvs.core.TunnelType.IPIP);
            d.sources6.put(IpAddress.parse(RS6_1), IpAddress.parse("2001:db8::2"));
            // fragments of a query and of an answer (few identifications, so that mutated ones meet held datagrams)
            List<byte[]> fragments = Fragments6.cut(Packet6Builder.udp(CLIENT6, 3333, VIP6, 53).payload(3000).packet(),
                    40, 1448, 7, CLIENT_MAC, OUR_MAC);
            List<byte[]> answer = Fragments6.cut(Packet6Builder.udp(RS6_1, 53, CLIENT6, 3333).payload(2000).packet(),
                    40, 1448, 8, RS1_MAC, OUR_MAC);
            List<byte[]> seeds = List.of(
                    Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(30).build(),
                    Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(3).build(),
                    Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12).macs(RS1_MAC, OUR_MAC).build(),
                    Packet6Builder.udp(CLIENT6, 3333, VIP6, 53).payload(40).build(),
                    Packet6Builder.udp(RS6_1, 53, CLIENT6, 3333).payload(40).macs(RS1_MAC, OUR_MAC).build(),
                    Packet6Builder.udp(CLIENT6, 3333, VIP6, 53).payload(1600).build(),
                    Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).extensions(0, new byte[] {60, 0, 1, 4, 0, 0, 0, 0,
                            6, 0, 1, 4, 0, 0, 0, 0}).build(),
                    Packet6Builder.icmp(CLIENT6, VIP6, 128, 0, 1, new byte[8]).build(),
                    Packet6Builder.tcp(CLIENT6, 40001, VIP6, 443).payload(30).build(),
                    Packet6Builder.tcp(CLIENT6, 40001, VIP6, 443).flags(0x10).payload(1420).build(),
                    fragments.get(0), fragments.get(1), fragments.get(2), answer.get(0), answer.get(1));
            SplittableRandom random = new SplittableRandom(SEED);
            long sent = 0;
            for (int i = 0; i < FRAMES; i++) {
                byte[] f = seeds.get(random.nextInt(seeds.size())).clone();
                int kind = random.nextInt(4);
                if (kind == 0) {
                    PacketBuilder.put16(f, 14 + 40, 1024 + random.nextInt(2000));
                } else {
                    int flips = 1 + random.nextInt(4);
                    for (int k = 0; k < flips; k++) {
                        // mostly in the headers
                        int at = random.nextInt(Math.min(f.length, kind == 1 ? 14 + 40 + 24 : f.length));
                        f[at] = (byte) random.nextInt(256);
                    }
                    if (random.nextInt(8) == 0) {
                        f = Arrays.copyOf(f, random.nextInt(f.length + 1));
                    }
                }
                assertThat(d.io.inject(f)).isTrue();
                sent++;
                if ((i & 31) == 31 || i == FRAMES - 1) {
                    d.dataplane.runOnce();
                    d.io.discardTransmitted();
                }
                if ((i & 4095) == 0) {
                    d.clock[0] += random.nextLong(5 * Director.SECOND);
                }
            }
            // held fragments are given up after 60 s (IPv6) and counted
            d.advance(61);
            Dataplane p = d.dataplane;
            assertThat(p.frames()).isEqualTo(sent);
            assertThat(p.forwarded() + p.replied() + p.passed() + p.totalDrops() + p.mergedFragments())
                    .isEqualTo(sent);
            assertThat(p.forwarded()).isPositive();
            assertThat(p.drops(DropReason.IPV6_EXTENSION)).isPositive();
            assertThat(p.passed()).isPositive();
            assertThat(p.reassembledPackets()).isPositive();
            assertThat(p.drops(DropReason.FRAGMENT)).isPositive();
        }
    }
}
