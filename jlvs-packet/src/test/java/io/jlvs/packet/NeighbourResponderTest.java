package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static io.jlvs.packet.Ipv6ForwardingTest.WEB6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.IpvsEngine;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * IPv6 neighbour solicitations for virtual addresses answered with our MAC when the data plane answers ARP
 * (RFC 4861): the advertisements exact, built here with {@link Packet6Builder} (its own checksum loop), malformed
 * solicitations dropped and counted, others left to the kernel.
 */
class NeighbourResponderTest {
    /** The VIP's solicited-node multicast address: ff02::1:ff plus its last 24 bits. */
    static final String SOLICITED = "ff02::1:ff00:100";
    static final long OTHER_MAC = 0x02_00_00_00_00_0dL;

    private static Director director(boolean answer) throws Exception {
        Director d = new Director(new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096,
                ConnTableSettings.DEFAULTS, 7, 1024, answer, Director.FIRST_IP_ID, IcmpLimits.NONE));
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_1), Director.RS1_MAC);
        d.service(VirtualService.of(WEB6, "rr"));
        d.server(WEB6, RS6_1, 8080, ForwardingMethod.MASQ, 1);
        return d;
    }

    /** A link-layer address option (RFC 4861 §4.6.1): type, length 1 (8 bytes), the MAC. */
    static byte[] linkOption(int type, long mac) {
        byte[] o = new byte[8];
        o[0] = (byte) type;
        o[1] = 1;
        PacketBuilder.putMac(o, 2, mac);
        return o;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A solicitation for {@code target}, hop limit 255, with the options given. */
    static Packet6Builder solicitation(String src, String dst, String target, byte[]... options) {
        return Packet6Builder.icmp(src, dst, NeighbourResponder.TYPE_SOLICITATION, 0, 0,
                concat(Packet6Builder.addr(target), concat(options))).hopLimit(255);
    }

    /** The advertisement RFC 4861 §7.2.4 asks for, from the VIP, flags S (when solicited) and O, our MAC. */
    static byte[] advertisement(String to, long toMac, boolean solicited) {
        int flags = (solicited ? 0x4000_0000 : 0) | 0x2000_0000;
        return Packet6Builder.icmp(VIP6, to, NeighbourResponder.TYPE_ADVERTISEMENT, 0, flags,
                concat(Packet6Builder.addr(VIP6), linkOption(2, OUR_MAC))).hopLimit(255).macs(OUR_MAC, toMac).build();
    }

    @Test
    void aSolicitationToTheSolicitedNodeAddressGetsAnExactSolicitedAdvertisementWithOurMac() throws Exception {
        try (Director d = director(true)) {
            byte[] ns = solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC))
                    .macs(CLIENT_MAC, 0x3333_ff00_0100L).build();
            List<byte[]> out = d.send(ns);
            assertThat(d.verdict()).isEqualTo(Verdict.REPLY);
            assertThat(out).singleElement().isEqualTo(advertisement(CLIENT6, CLIENT_MAC, true));
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();
            assertThat(d.dataplane.replied()).isEqualTo(1);
            // no connection, no statistics: it is no service's traffic
            assertThat(d.connections()).isEmpty();
        }
    }

    @Test
    void aUnicastSolicitationToTheVipIsAnsweredToo() throws Exception {
        try (Director d = director(true)) {
            // neighbour unreachability detection: to the address itself, often without a source link-layer option
            List<byte[]> out = d.send(solicitation(CLIENT6, VIP6, VIP6).build());
            assertThat(out).singleElement().isEqualTo(advertisement(CLIENT6, CLIENT_MAC, true));
        }
    }

    @Test
    void theSourceLinkLayerOptionNamesWhereTheAnswerGoes() throws Exception {
        try (Director d = director(true)) {
            List<byte[]> out = d.send(solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, OTHER_MAC)).build());
            assertThat(out).singleElement().isEqualTo(advertisement(CLIENT6, OTHER_MAC, true));
            // an unknown option is skipped (RFC 4861 §7.1.1: ignored), a nonce (14) too
            byte[] nonce = {14, 1, 1, 2, 3, 4, 5, 6};
            out = d.send(solicitation(CLIENT6, SOLICITED, VIP6, nonce, linkOption(1, CLIENT_MAC)).build());
            assertThat(out).singleElement().isEqualTo(advertisement(CLIENT6, CLIENT_MAC, true));
        }
    }

    @Test
    void duplicateAddressDetectionIsAnsweredToAllNodesWithoutTheSolicitedFlag() throws Exception {
        try (Director d = director(true)) {
            List<byte[]> out = d.send(solicitation("::", SOLICITED, VIP6).build());
            assertThat(d.verdict()).isEqualTo(Verdict.REPLY);
            assertThat(out).singleElement().isEqualTo(advertisement("ff02::1", 0x3333_0000_0001L, false));
        }
    }

    @Test
    void aTaggedSolicitationIsAnsweredOnItsVlan() throws Exception {
        try (Director d = director(true)) {
            byte[] ns = tagged(solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build(), 42);
            List<byte[]> out = d.send(ns);
            assertThat(out).singleElement().isEqualTo(tagged(advertisement(CLIENT6, CLIENT_MAC, true), 42));
        }
    }

    /** {@code frame} with an 802.1Q tag of {@code vlan} after the MACs. */
    static byte[] tagged(byte[] frame, int vlan) {
        byte[] t = new byte[frame.length + 4];
        System.arraycopy(frame, 0, t, 0, 12);
        PacketBuilder.put16(t, 12, 0x8100);
        PacketBuilder.put16(t, 14, vlan);
        System.arraycopy(frame, 12, t, 16, frame.length - 12);
        return t;
    }

    @Test
    void otherTargetsAndOtherMessagesAreLeftToTheKernel() throws Exception {
        try (Director d = director(true)) {
            assertThat(d.send(solicitation(CLIENT6, "ff02::1:ff00:101", "2001:db8::101").build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // the director's own address (the kernel answers for it), a real server's
            assertThat(d.send(solicitation(CLIENT6, "ff02::1:ff00:11", RS6_1).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // an advertisement, a router solicitation, an echo to the VIP
            assertThat(d.send(Packet6Builder.icmp(CLIENT6, VIP6, 136, 0, 0x6000_0000,
                    concat(Packet6Builder.addr(VIP6), linkOption(2, CLIENT_MAC))).hopLimit(255).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.send(Packet6Builder.icmp(CLIENT6, "ff02::2", 133, 0, 0, new byte[0]).hopLimit(255).build()))
                    .isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.send(Packet6Builder.icmp(CLIENT6, VIP6, 128, 0, 1, new byte[8]).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.dataplane.drops(DropReason.BAD_NEIGHBOUR_SOLICITATION)).isZero();
        }
    }

    @Test
    void aVipOfAServiceTheDataPlaneDoesNotForwardIsNotAnswered() throws Exception {
        try (Director d = director(true)) {
            // FULLNAT real servers only: the kernel's stack and the proxy serve it, on an address of the director
            InetServiceKey fullnat = Director.key(Protocol.TCP, "2001:db8::200", 80);
            d.service(VirtualService.of(fullnat, "rr"));
            d.server(fullnat, RS6_1, 80, ForwardingMethod.FULLNAT, 1);
            assertThat(d.send(solicitation(CLIENT6, "ff02::1:ff00:200", "2001:db8::200").build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // a service deleted: no longer answered
            assertThat(d.send(solicitation(CLIENT6, SOLICITED, VIP6).build())).hasSize(1);
            d.engine.execute(new IpvsCommand.DeleteService(WEB6));
            assertThat(d.send(solicitation(CLIENT6, SOLICITED, VIP6).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void withoutAnswerArpTheKernelHasThem() throws Exception {
        try (Director d = director(false)) {
            assertThat(d.send(solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void malformedSolicitationsForAVipAreDroppedAndCounted() throws Exception {
        byte[] valid = solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build();
        byte[] badChecksum = valid.clone();
        badChecksum[14 + 40 + 2] ^= 0x10;
        byte[] truncated = Arrays.copyOf(valid, valid.length - 4);   // payload length beyond the frame
        List<byte[]> bad = List.of(
                // routers never forward ND: a hop limit below 255 came from off the link
                solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).hopLimit(254).build(),
                badChecksum,
                truncated,
                Packet6Builder.icmp(CLIENT6, SOLICITED, 135, 1, 0, Packet6Builder.addr(VIP6)).hopLimit(255).build(),
                // an option of length 0, an option past the message's end
                solicitation(CLIENT6, SOLICITED, VIP6, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}).build(),
                solicitation(CLIENT6, SOLICITED, VIP6, new byte[] {1, 2, 0, 0, 0, 0, 0, 0}).build(),
                // a source link-layer option of 16 bytes: not an Ethernet address
                solicitation(CLIENT6, SOLICITED, VIP6, new byte[] {1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                        .build(),
                // duplicate address detection to a unicast address, or with a source link-layer option
                solicitation("::", VIP6, VIP6).build(),
                solicitation("::", SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build(),
                // to all nodes, or another solicited-node group; from a multicast address
                solicitation(CLIENT6, "ff02::1", VIP6).build(),
                solicitation(CLIENT6, "ff02::1:ff00:101", VIP6).build(),
                solicitation("ff02::5", SOLICITED, VIP6).build());
        try (Director d = director(true)) {
            for (byte[] f : bad) {
                assertThat(d.send(f)).isEmpty();
                assertThat(d.verdict()).isEqualTo(Verdict.DROP);
                assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.BAD_NEIGHBOUR_SOLICITATION);
            }
            assertThat(d.dataplane.drops(DropReason.BAD_NEIGHBOUR_SOLICITATION)).isEqualTo(bad.size());
            // and the valid one is answered after them all
            assertThat(d.send(valid)).singleElement().isEqualTo(advertisement(CLIENT6, CLIENT_MAC, true));
        }
    }

    @Test
    void mutatedSolicitationsAreEachCountedOnceAndNeverThrow() throws Exception {
        List<byte[]> seeds = List.of(
                solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build(),
                solicitation(CLIENT6, VIP6, VIP6).build(),
                solicitation("::", SOLICITED, VIP6).build(),
                tagged(solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build(), 7));
        SplittableRandom random = new SplittableRandom(0x6e64_7265_7370L);
        int frames = 20_000;
        try (Director d = director(true)) {
            for (int i = 0; i < frames; i++) {
                byte[] f = seeds.get(random.nextInt(seeds.size())).clone();
                int flips = 1 + random.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(6) == 0) {
                    f = Arrays.copyOf(f, random.nextInt(f.length + 1));
                }
                assertThat(d.io.inject(f)).isTrue();
                if ((i & 31) == 31 || i == frames - 1) {
                    d.dataplane.runOnce();
                    d.io.discardTransmitted();
                }
            }
            // a mutation that made a frame to the VIP a fragment waits for the rest: given up (counted) after 60 s
            d.advance(61);
            Dataplane p = d.dataplane;
            assertThat(p.frames()).isEqualTo(frames);
            assertThat(p.forwarded() + p.replied() + p.passed() + p.totalDrops() + p.mergedFragments())
                    .isEqualTo(frames);
            assertThat(p.replied()).as("some mutations leave a valid solicitation").isPositive();
            assertThat(p.drops(DropReason.BAD_NEIGHBOUR_SOLICITATION)).isPositive();
        }
    }

    @Test
    void anAdvertisementLeavingByAnotherLinkNamesThatLinksMac() {
        byte[] na = advertisement(CLIENT6, CLIENT_MAC, true);
        MemorySegment s = MemorySegment.ofArray(na);
        long second = 0x02_00_00_00_00_e2L;
        NeighbourResponder.relink(s, 0, na.length, OUR_MAC, second);
        byte[] expected = Packet6Builder.icmp(VIP6, CLIENT6, 136, 0, 0x6000_0000,
                concat(Packet6Builder.addr(VIP6), linkOption(2, second))).hopLimit(255).macs(OUR_MAC, CLIENT_MAC).build();
        assertThat(na).isEqualTo(expected);
        assertThat(Packet6Builder.checksumValid(na)).isTrue();
        // anything else is left as it is
        byte[] syn = Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).build();
        byte[] copy = syn.clone();
        NeighbourResponder.relink(MemorySegment.ofArray(copy), 0, copy.length, OUR_MAC, second);
        assertThat(copy).isEqualTo(syn);
    }

    @Test
    void answeringAllocatesNothing() throws Exception {
        NeighbourTable none = new NeighbourTable() {
            @Override
            public long nextHopMac(int ipv4) {
                return UNKNOWN;
            }
        };
        IpvsEngine engine = new IpvsEngine();
        try (MemoryPacketIo io = new MemoryPacketIo(OUR_MAC, 1500, 64, 9216)) {
            Dataplane d = new Dataplane(io, new DataplaneConfig(PacketBuilder.addr(Director.LOCAL), 4096,
                    ConnTableSettings.DEFAULTS, 7, 1024, true, Director.FIRST_IP_ID, IcmpLimits.NONE), none,
                    () -> 1_000 * Director.SECOND);
            d.attachTo(engine);
            engine.execute(new IpvsCommand.AddService(VirtualService.of(WEB6, "rr")));
            engine.execute(new IpvsCommand.AddServer(WEB6,
                    RealServer.of(IpAddress.parse(RS6_1), 80, ForwardingMethod.DROUTE, 1)));
            MemorySegment ns = MemorySegment.ofArray(
                    solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build());
            var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 50_000; round++) { // warm up the JIT
                io.inject(ns, 0, (int) ns.byteSize());
                d.runOnce();
                io.discardTransmitted();
            }
            long repliedBefore = d.replied();
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < 30_000; round++) {
                io.inject(ns, 0, (int) ns.byteSize());
                d.runOnce();
                io.discardTransmitted();
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(d.replied() - repliedBefore).isEqualTo(30_000);
            assertThat(allocated).as("bytes allocated answering 30,000 solicitations").isLessThan(1024);
        }
    }

    /**
     * The workers' socket filter (PacketDirector.packetFilter), run by a small classic-BPF interpreter as the
     * kernel would: with answerArp it passes solicitations to the VIP's solicited-node group (which ends unlike the
     * VIP), without it they stay the kernel's alone; to the VIP itself they pass either way.
     */
    @Test
    void withAnswerArpThePacketFilterPassesSolicitationsToTheVipsSolicitedNodeGroup() throws Exception {
        try (Director d = director(true)) {
            PacketDirectorSettings plain = PacketDirectorSettings.of(List.of("eth0"));
            PacketDirectorSettings answering = plain.withAnswerArp(true);
            io.jlvs.sys.BpfFilter off = PacketDirector.packetFilter(PacketDirector.taken(d.engine.snapshot(), plain),
                    plain);
            io.jlvs.sys.BpfFilter on = PacketDirector.packetFilter(
                    PacketDirector.taken(d.engine.snapshot(), answering), answering);
            byte[] multicast = solicitation(CLIENT6, SOLICITED, VIP6, linkOption(1, CLIENT_MAC)).build();
            byte[] unicast = solicitation(CLIENT6, VIP6, VIP6).build();
            byte[] otherGroup = solicitation(CLIENT6, "ff02::1:ff00:101", "2001:db8::101").build();
            assertThat(runFilter(on, multicast)).isPositive();
            assertThat(runFilter(off, multicast)).isZero();
            assertThat(runFilter(on, unicast)).isPositive();
            assertThat(runFilter(off, unicast)).isPositive();
            assertThat(runFilter(on, otherGroup)).isZero();
        }
    }

    /** Runs a classic BPF program over {@code pkt} (the opcodes BpfFilter emits); the bytes kept, 0 for a drop. */
    static int runFilter(io.jlvs.sys.BpfFilter f, byte[] pkt) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pkt);
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            int k = f.operand(pc);
            switch (f.code(pc)) {
                case 0x28 -> a = k + 2 <= pkt.length ? b.getShort(k) & 0xffff : -1;
                case 0x20 -> a = k + 4 <= pkt.length ? b.getInt(k) : -1;
                case 0x30 -> a = k < pkt.length ? pkt[k] & 0xff : -1;
                case 0xb1 -> x = k < pkt.length ? 4 * (pkt[k] & 0x0f) : 0;
                case 0x50 -> a = x + k < pkt.length ? pkt[x + k] & 0xff : -1;
                case 0x15 -> pc += a == k ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x05 -> pc += k;
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("unexpected opcode " + f.code(pc));
            }
            pc++;
        }
    }

    @Test
    void solicitedNodeAddressesAreTheLast24BitsUnderFf02Colon1ColonFf() {
        assertThat(NeighbourResponder.solicitedNodes(Set.of(IpAddress.parse(VIP6), IpAddress.parse("2001:db8::1:abcd:ef12"))))
                .containsExactlyInAnyOrder(IpAddress.parse(SOLICITED), IpAddress.parse("ff02::1:ffcd:ef12"));
    }
}
