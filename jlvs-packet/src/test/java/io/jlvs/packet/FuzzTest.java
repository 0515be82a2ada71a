package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded frames, half well formed and half mutated or random, through a data plane serving
 * every method: none may throw, and every frame is counted exactly once (forwarded, replied, passed,
 * or dropped under one reason).
 */
class FuzzTest {
    private static final long SEED = 0x6a6c7673_70616b74L;
    private static final int FRAMES = 100_000;

    @Test
    void randomAndMutatedFramesAreEachCountedOnceAndNeverThrow() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(Director.key(Protocol.TCP, VIP, 80), RS1, 8080, ForwardingMethod.MASQ, 1)
                    .server(Director.key(Protocol.TCP, VIP, 80), RS2, 80, ForwardingMethod.DROUTE, 1);
            d.service(Protocol.UDP, 53, "rr").tunnelServer(Director.key(Protocol.UDP, VIP, 53), RS1, 53, TunnelType.IPIP);
            d.service(Protocol.SCTP, 5060, "rr").server(Director.key(Protocol.SCTP, VIP, 5060), RS2, 5061, ForwardingMethod.MASQ, 1);
            SplittableRandom random = new SplittableRandom(SEED);
            List<byte[]> seeds = seeds();
            long sent = 0;
            for (int i = 0; i < FRAMES; i++) {
                byte[] frame = frame(random, seeds);
                assertThat(d.io.inject(frame)).isTrue();
                sent++;
                if ((i & 31) == 31 || i == FRAMES - 1) {
                    d.dataplane.runOnce();
                    d.io.discardTransmitted();
                }
                if ((i & 4095) == 0) {
                    d.clock[0] += random.nextLong(5 * Director.SECOND);
                }
            }
            // frames waiting for a next hop (routed from a real server to a random address) are counted when
            // they leave or expire, fragments held for reassembly when their datagram is whole or given up (30 s)
            d.advance(31);
            Dataplane p = d.dataplane;
            assertThat(p.frames()).isEqualTo(sent);
            assertThat(p.forwarded() + p.replied() + p.passed() + p.totalDrops() + p.mergedFragments())
                    .isEqualTo(sent);
            assertThat(p.forwarded()).isPositive();
            assertThat(p.totalDrops()).isPositive();
            assertThat(p.passed()).isPositive();
        }
    }

    private static List<byte[]> seeds() {
        return List.of(
                PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(30).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x10).payload(3).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.tcp(RS1, 8080, CLIENT, 40000).flags(0x12).macs(RS1_MAC, OUR_MAC).build(),
                PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(40).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(1600).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).payload(12).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).vlan(7).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.icmp("203.0.113.1", VIP, 3, 4, 1400,
                        PacketBuilder.tcp(VIP, 80, CLIENT, 40000).flags(0x12).datagram()).macs(CLIENT_MAC, OUR_MAC).build(),
                PacketBuilder.icmp(RS1, CLIENT, 3, 3, 0,
                        PacketBuilder.tcp(CLIENT, 40000, RS1, 8080).flags(0x10).datagram()).macs(RS1_MAC, OUR_MAC).build(),
                ScenarioTest.arpRequest(VIP));
    }

    private static byte[] frame(SplittableRandom random, List<byte[]> seeds) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            byte[] f = seeds.get(random.nextInt(seeds.size())).clone();
            if (kind < 2) {
                // well formed but for the transport checksum, which is not verified: varied client ports
                PacketBuilder.put16(f, 14 + 20, 1024 + random.nextInt(2000));
                return f;
            }
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(f.length);
                f[at] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                int ihl = (f[14] & 0xf) * 4;
                if (ihl >= 20 && 14 + ihl <= f.length) {
                    f[24] = 0;
                    f[25] = 0;
                    PacketBuilder.put16(f, 24, PacketBuilder.checksum(f, 14, ihl, 0));
                }
            }
            return random.nextInt(8) == 0 ? Arrays.copyOf(f, random.nextInt(f.length + 1)) : f;
        }
        byte[] f = new byte[random.nextInt(200)];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) random.nextInt(256);
        }
        if (f.length > 34 && random.nextBoolean()) {
            PacketBuilder.put16(f, 12, 0x0800);
            f[14] = 0x45;
            PacketBuilder.put32(f, 30, PacketBuilder.addr(VIP));
            f[23] = (byte) (random.nextBoolean() ? 6 : 17);
        }
        return f;
    }
}
