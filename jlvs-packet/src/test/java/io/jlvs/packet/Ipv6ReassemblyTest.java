package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2_MAC;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.DNS6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_2;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualService;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPv6 fragments to a virtual service or from a NAT real server are put together before anything looks at the
 * datagram, as nf_defrag_ipv6 does for IPVS (AF_PACKET's fanout defragments IPv4 only): in any order, repeats
 * ignored, extension headers before the Fragment header kept; overlapping, stale and too many datagrams given up
 * and counted. The datagram is scheduled and translated whole and leaves cut again into fragments no larger
 * than the largest it came in (nor the MTU), with a new identification; one whose largest fragment exceeds the
 * MTU gets packet too big. Expected datagrams are built by {@link Packet6Builder} (checksums from scratch) and
 * the fragments cut and put together by {@link Fragments6}, apart from the data plane.
 */
class Ipv6ReassemblyTest {
    private static final int ID = 0x1234_5678;

    private static Director natDns() throws Exception {
        return natDns(Director.MTU);
    }

    private static Director natDns(int mtu) throws Exception {
        Director d = new Director(ConnTableSettings.DEFAULTS, mtu);
        neighbours(d);
        d.service(VirtualService.of(DNS6, "rr"));
        d.server(DNS6, RS6_1, 5353, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static void neighbours(Director d) {
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_1), RS1_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_2), RS2_MAC);
    }

    private static Packet6Builder query(int payload) {
        return Packet6Builder.udp(CLIENT6, 3333, VIP6, 53).payload(payload);
    }

    /** The query as the real server gets it: to its address and port, hop limit less one. */
    private static Packet6Builder translated(int payload) {
        return Packet6Builder.udp(CLIENT6, 3333, RS6_1, 5353).payload(payload).hopLimit(63).macs(OUR_MAC, RS1_MAC);
    }

    private static List<byte[]> fragments(Packet6Builder p, int dataPerFragment, int id) {
        return Fragments6.cut(p.packet(), 40, dataPerFragment, id, CLIENT_MAC, OUR_MAC);
    }

    private static List<byte[]> sendAll(Director d, List<byte[]> frames) {
        List<byte[]> out = List.of();
        for (byte[] f : frames) {
            out = d.send(f);
        }
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void assertAccounted(Director d) {
        Dataplane p = d.dataplane;
        assertThat(p.forwarded() + p.replied() + p.passed() + p.totalDrops() + p.mergedFragments())
                .as("every frame accounted once").isEqualTo(p.frames());
    }

    @Test
    void fragmentsInOrderBecomeOneDatagramTranslatedWhole() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1200), 504, ID);
            assertThat(f).hasSize(3);
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            assertThat(d.send(f.get(1))).isEmpty();
            // 1,248 bytes fit the 1,280 the fragments allow (the largest was 552 bytes; never below the IPv6 minimum)
            assertThat(d.send(f.get(2))).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1200).build())));
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            assertThat(d.dataplane.reassembledPackets()).isEqualTo(1);
            assertThat(d.dataplane.mergedFragments()).isEqualTo(2);
            assertThat(d.dataplane.totalDrops()).isZero();
            assertThat(d.connections()).singleElement().satisfies(c -> assertThat(c.destination())
                    .isEqualTo(IpAddress.parse(RS6_1)));
            // the datagram counts once, 40 + 8 + 1,200 bytes
            assertThat(d.engine.table().services().get(0).stats().inPackets()).isEqualTo(1);
            assertThat(d.engine.table().services().get(0).stats().inBytes()).isEqualTo(1248);
            assertAccounted(d);
        }
    }

    @Test
    void fragmentsOutOfOrderWithRepeatsBecomeOneDatagram() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1203), 504, ID);
            assertThat(d.send(f.get(2))).isEmpty();
            assertThat(d.send(f.get(2))).as("a repeat of the last").isEmpty();
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.send(f.get(0))).as("a repeat of the first").isEmpty();
            assertThat(d.send(f.get(1))).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1203).build())));
            assertThat(d.dataplane.totalDrops()).isZero();
            assertThat(d.dataplane.mergedFragments()).as("the repeats too").isEqualTo(4);
            assertAccounted(d);
        }
    }

    /** RFC 5722: an overlapping fragment gives up the whole datagram, as Linux does. */
    @Test
    void anOverlappingFragmentGivesUpTheDatagram() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1200), 504, ID);
            d.send(f.get(0));
            byte[] overlapping = f.get(1).clone();
            PacketBuilder.put16(overlapping, 14 + 40 + 2, 496 | 1); // offset 496: the first's last 8 bytes again
            assertThat(d.send(overlapping)).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("the held fragment and this one").isEqualTo(2);
            assertThat(d.send(f.get(1))).isEmpty();
            assertThat(d.send(f.get(2))).as("the first fragment is gone: never whole").isEmpty();
            assertThat(d.connections()).isEmpty();
        }
    }

    /** A fragment before the last whose data is not in 8-byte units gives up the datagram (Linux, RFC 8200). */
    @Test
    void aMiddleFragmentNotIn8ByteUnitsGivesUpTheDatagram() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1200), 504, ID);
            d.send(f.get(0));
            byte[] odd = Arrays.copyOf(f.get(1), f.get(1).length + 4);
            PacketBuilder.put16(odd, 14 + 4, odd.length - 14 - 40);
            assertThat(d.send(odd)).isEmpty();
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isEqualTo(2);
            d.send(f.get(1));
            assertThat(d.send(f.get(2))).isEmpty();
        }
    }

    /** RFC 8200 §4.5 and RFC 7112: a first fragment must hold the whole header chain and the transport header. */
    @Test
    void aFirstFragmentWithoutTheWholeTransportHeaderIsGivenUp() throws Exception {
        try (Director d = natDns()) {
            d.service(VirtualService.of(Ipv6ForwardingTest.WEB6, "rr"));
            d.server(Ipv6ForwardingTest.WEB6, RS6_1, 8080, ForwardingMethod.MASQ, 1);
            // 16 bytes of a 20-byte TCP header in the first fragment
            List<byte[]> f = Fragments6.cut(Packet6Builder.tcp(CLIENT6, 4000, VIP6, 80).payload(100).packet(), 40,
                    16, ID, CLIENT_MAC, OUR_MAC);
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAGMENT);
            assertThat(sendAll(d, f.subList(1, f.size()))).isEmpty();
            assertThat(d.connections()).isEmpty();
        }
    }

    /** A datagram put together whose data starts with another Fragment header is dropped, not taken in again. */
    @Test
    void aFragmentInsideADatagramPutTogetherIsDropped() throws Exception {
        try (Director d = natDns()) {
            byte[] inner = {17, 0, 0, 1, 0, 0, 0, 9}; // offset 0, M: the first fragment of another datagram
            List<byte[]> f = fragments(query(1200).extensions(44, inner), 504, ID);
            assertThat(sendAll(d, f)).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAGMENT);
            assertThat(d.dataplane.reassembledPackets()).isEqualTo(1);
            assertThat(sendAll(d, fragments(query(1200), 504, ID + 1))).as("the next datagram goes through")
                    .hasSize(1);
            assertAccounted(d);
        }
    }

    @Test
    void aDatagramNotWholeWithin60SecondsIsGivenUp() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1200), 504, ID);
            d.send(f.get(0));
            d.send(f.get(1));
            d.advance(59);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("Linux's ip6frag_time is 60 s").isZero();
            d.advance(2);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isEqualTo(2);
            assertThat(d.send(f.get(2))).as("too late").isEmpty();
            assertThat(d.connections()).isEmpty();
            List<byte[]> g = fragments(query(1200), 504, ID + 1);
            assertThat(sendAll(d, g)).as("a new datagram still goes through").hasSize(1);
            d.advance(61);
            assertAccounted(d);
        }
    }

    /**
     * While every slot holds a datagram, a new one takes the oldest's place (given up, counted): first fragments
     * that never complete cannot shut out datagrams that do.
     */
    @Test
    void whileEverySlotHoldsADatagramANewOneTakesTheOldestsPlace() throws Exception {
        try (Director d = natDns()) {
            for (int id = 0; id < Ipv6Reassembly.SLOTS; id++) {
                assertThat(d.send(fragments(query(1200), 504, id).get(0))).isEmpty();
                d.clock[0] += 1_000_000L;
            }
            List<byte[]> f = fragments(query(1200), 504, 999);
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("the oldest, id 0").isEqualTo(1);
            d.send(f.get(1));
            assertThat(d.send(f.get(2))).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1200).build())));
            List<byte[]> held = fragments(query(1200), 504, 5);
            d.send(held.get(1));
            assertThat(d.send(held.get(2))).as("a held one still completes").hasSize(1);
            List<byte[]> gone = fragments(query(1200), 504, 0);
            d.send(gone.get(1));
            assertThat(d.send(gone.get(2))).as("the one given up does not").isEmpty();
        }
    }

    /**
     * Hop-by-hop and destination options before the Fragment header are the unfragmentable part: kept in the
     * datagram (the one before the Fragment header names UDP again) and in every fragment sent.
     */
    @Test
    void extensionHeadersBeforeTheFragmentHeaderAreKept() throws Exception {
        byte[] chain = {60, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0};
        try (Director d = natDns()) {
            List<byte[]> f = Fragments6.cut(query(1100).extensions(0, chain).packet(), 56, 504, ID, CLIENT_MAC,
                    OUR_MAC);
            assertThat(sendAll(d, f)).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1100).extensions(0, chain).build())));
            // large enough to leave as fragments again: each with both headers before its Fragment header
            List<byte[]> big = Fragments6.cut(query(4000).extensions(0, chain).packet(), 56, 1432, ID + 1,
                    CLIENT_MAC, OUR_MAC);
            List<byte[]> out = sendAll(d, big);
            assertThat(hex(Fragments6.reassemble(out, 56, 56 + 8 + 1432)))
                    .isEqualTo(hex(translated(4000).extensions(0, chain).packet()));
        }
        // destination options after the Fragment header are fragmentable: put together as sent
        try (Director d = natDns()) {
            byte[] hbhThenDst = {60, 0, 1, 4, 0, 0, 0, 0, 17, 0, 1, 4, 0, 0, 0, 0};
            List<byte[]> f = Fragments6.cut(query(1100).extensions(0, hbhThenDst).packet(), 48, 504, ID,
                    CLIENT_MAC, OUR_MAC);
            assertThat(sendAll(d, f)).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1100).extensions(0, hbhThenDst).build())));
        }
    }

    /**
     * NAT over a datagram larger than the MTU: scheduled and translated whole (the checksum over all of it), then
     * cut into fragments no larger than the largest received, each with the new identification.
     */
    @Test
    void aLargeDatagramIsTranslatedWholeAndLeavesAsFragmentsNoLargerThanItCameIn() throws Exception {
        try (Director d = natDns()) {
            // as Linux cuts for an MTU of 1,500: 1,448 bytes of data, fragments of 1,496
            List<byte[]> out = sendAll(d, fragments(query(5000), 1448, ID));
            assertThat(out).hasSize(4);
            assertThat(out.subList(0, 3)).allSatisfy(o -> assertThat(o).hasSize(14 + 1496));
            assertThat(hex(Fragments6.reassemble(out, 40, 1496))).isEqualTo(hex(translated(5000).packet()));
            assertThat(hex(Arrays.copyOf(out.get(0), 12))).isEqualTo(hex(Arrays.copyOf(translated(0).build(), 12)));
            assertThat(d.dataplane.fragmentedPackets()).isEqualTo(1);
            int first = Fragments6.identification(out.get(0), 40);
            // smaller fragments in: smaller fragments out (the largest received; 1,280 bytes at least)
            List<byte[]> again = sendAll(d, fragments(query(5000), 1232, ID));
            assertThat(again).hasSize(5);
            assertThat(hex(Fragments6.reassemble(again, 40, 1280))).isEqualTo(hex(translated(5000).packet()));
            assertThat(Fragments6.identification(again.get(0), 40)).as("a new identification per datagram")
                    .isNotEqualTo(first);
            List<byte[]> small = sendAll(d, fragments(query(3000), 504, ID + 2));
            assertThat(hex(Fragments6.reassemble(small, 40, 1280))).isEqualTo(hex(translated(3000).packet()));
            assertThat(small).hasSize(3);
            assertThat(d.connections()).as("one connection").hasSize(1);
            assertThat(d.dataplane.totalDrops()).isZero();
            assertAccounted(d);
        }
    }

    /**
     * The real server's answer arrives as fragments (its kernel cut it): it reaches the client from the virtual
     * service, as fragments again; a new client's waits for its next hop as its fragments.
     */
    @Test
    void aNatRealServersLargeAnswerReachesTheClientFromTheVipAsFragments() throws Exception {
        try (Director d = natDns()) {
            assertThat(d.send(query(40).build())).hasSize(1);
            Packet6Builder answer = Packet6Builder.udp(RS6_1, 5353, CLIENT6, 3333).payload(8000);
            List<byte[]> out = sendAll(d, Fragments6.cut(answer.packet(), 40, 1448, 77, RS1_MAC, OUR_MAC));
            Packet6Builder expected = Packet6Builder.udp(VIP6, 53, CLIENT6, 3333).payload(8000).hopLimit(63);
            assertThat(hex(Fragments6.reassemble(out, 40, 1496))).isEqualTo(hex(expected.packet()));
            byte[] macs = new byte[12];
            PacketBuilder.putMac(macs, 0, CLIENT_MAC);
            PacketBuilder.putMac(macs, 6, OUR_MAC);
            assertThat(hex(Arrays.copyOf(out.get(0), 12))).isEqualTo(hex(macs));
            assertThat(d.engine.table().services().get(0).stats().outPackets()).isEqualTo(1);

            // a client whose MAC is not known yet: the answer waits as fragments, then leaves
            d.neighbours6.remove(IpAddress.parse(CLIENT6));
            List<byte[]> none = sendAll(d, Fragments6.cut(answer.packet(), 40, 1448, 78, RS1_MAC, OUR_MAC));
            assertThat(none).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
            d.dataplane.runOnce();
            List<byte[]> later = d.io.takeTransmitted();
            assertThat(hex(Fragments6.reassemble(later, 40, 1496))).isEqualTo(hex(expected.packet()));
            assertAccounted(d);
        }
    }

    /**
     * Path MTU discovery for an answer that leaves as fragments: a router beyond the director whose next link is
     * smaller sends packet too big to the VIP quoting the first fragment (its Fragment header, then the UDP
     * header). As IPVS finds the quoted ports past the Fragment header (ipv6_find_hdr), the error goes to the
     * real server quoting its own packet, whose kernel then sends smaller fragments; the director cuts no larger
     * than those. A later fragment quoted has no ports: the kernel's.
     */
    @Test
    void packetTooBigAboutTheFirstFragmentOfAnAnswerReachesTheRealServer() throws Exception {
        try (Director d = natDns()) {
            assertThat(d.send(query(40).build())).hasSize(1);
            Packet6Builder answer = Packet6Builder.udp(RS6_1, 5353, CLIENT6, 3333).payload(8000);
            List<byte[]> out = sendAll(d, Fragments6.cut(answer.packet(), 40, 1448, 77, RS1_MAC, OUR_MAC));
            assertThat(out).hasSize(6);
            // as icmp6_send quotes: as much as keeps the error within 1,280 bytes
            byte[] quote = Arrays.copyOfRange(out.get(0), 14, 14 + 1232);
            List<byte[]> sent = d.send(Packet6Builder.icmp("2001:db8:9::1", VIP6, 2, 0, 1400, quote).build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            // to the real server, quoting its own packet: from its address and port 5353
            byte[] own = quote.clone();
            System.arraycopy(Packet6Builder.addr(RS6_1), 0, own, 8, 16);
            PacketBuilder.put16(own, 48, 5353);
            assertThat(sent).singleElement().satisfies(o -> assertThat(hex(o)).isEqualTo(hex(Packet6Builder.icmp(
                    "2001:db8:9::1", RS6_1, 2, 0, 1400, own).hopLimit(63).macs(OUR_MAC, RS1_MAC).build())));
            assertThat(Packet6Builder.checksumValid(sent.get(0))).isTrue();
            byte[] later = Arrays.copyOfRange(out.get(1), 14, 14 + 1232);
            assertThat(d.send(Packet6Builder.icmp("2001:db8:9::1", VIP6, 2, 0, 1400, later).build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertAccounted(d);
        }
    }

    /** DR: the datagram is put together, scheduled, and forwarded cut again the same way, hop limit less one. */
    @Test
    void directRoutingForwardsTheFragmentsCutAgain() throws Exception {
        try (Director d = new Director()) {
            neighbours(d);
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_2, 53, ForwardingMethod.DROUTE, 1);
            Packet6Builder q = Packet6Builder.udp(CLIENT6, 3333, VIP6, 53).payload(3000);
            List<byte[]> out = sendAll(d, fragments(q, 1448, ID));
            assertThat(out).hasSize(3);
            assertThat(hex(Fragments6.reassemble(out, 40, 1496))).isEqualTo(hex(q.hopLimit(63).packet()));
            assertThat(out).allSatisfy(o -> assertThat(Wire.mac(java.lang.foreign.MemorySegment.ofArray(o), 0))
                    .isEqualTo(RS2_MAC));
            assertThat(d.connections()).singleElement().satisfies(c -> assertThat(c.destination())
                    .isEqualTo(IpAddress.parse(RS6_2)));
        }
    }

    /**
     * As __mtu_check_toobig_v6 for a datagram netfilter put together: too big only when its largest fragment
     * was larger than the MTU; then packet too big (the MTU) goes back from the VIP, quoting the datagram.
     */
    @Test
    void aDatagramWhoseLargestFragmentExceedsTheMtuGetsPacketTooBig() throws Exception {
        try (Director d = natDns(1400)) {
            Packet6Builder q = query(3000);
            List<byte[]> out = sendAll(d, fragments(q, 1448, ID));
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            byte[] expected = Packet6Builder.icmp(VIP6, CLIENT6, 2, 0, 1400, Arrays.copyOf(q.packet(), 1280 - 48))
                    .macs(OUR_MAC, CLIENT_MAC).build();
            assertThat(out).singleElement().satisfies(o -> assertThat(hex(o)).isEqualTo(hex(expected)));
            // fragments within the MTU: forwarded, cut to them
            List<byte[]> fits = sendAll(d, fragments(query(3000), 1344, ID + 1));
            assertThat(hex(Fragments6.reassemble(fits, 40, 1392))).isEqualTo(hex(translated(3000).packet()));
        }
    }

    /**
     * TUN over a datagram put together: too big only when its largest fragment was over the tunnel's MTU (packet
     * too big with it, as __mtu_check_toobig_v6); otherwise the outer packet leaves cut to the largest fragment
     * received, as Linux's output cuts IPVS's tunnel packet.
     */
    @Test
    void tunnelSendsTheOuterPacketAsFragments() throws Exception {
        try (Director d = new Director()) {
            neighbours(d);
            d.sources6.put(IpAddress.parse(RS6_1), IpAddress.parse(Ipv6TunnelTest.DIRECTOR6));
            d.service(VirtualService.of(DNS6, "rr"));
            d.tunnelServer(DNS6, RS6_1, 53, io.jlvs.core.TunnelType.IPIP);
            // fragments of 1,496 bytes do not fit the tunnel's 1,460
            List<byte[]> out = sendAll(d, fragments(query(3000), 1448, ID));
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            byte[] quote = Arrays.copyOf(query(3000).hopLimit(63).packet(), 1280 - 48);
            assertThat(out).singleElement().satisfies(o -> assertThat(hex(o)).isEqualTo(hex(Packet6Builder.icmp(VIP6,
                    CLIENT6, 2, 0, 1460, quote).macs(OUR_MAC, CLIENT_MAC).build())));
            // the client's next fragments fit it (1,456 bytes): the 3,088-byte outer packet leaves as fragments
            List<byte[]> sent = sendAll(d, fragments(query(3000), 1408, ID + 1));
            byte[] outer = Ipv6TunnelTest.tunnelled(RS1_MAC, 0, 41, 63, Ipv6TunnelTest.DIRECTOR6, RS6_1, new byte[0],
                    query(3000).hopLimit(63).packet());
            assertThat(sent).hasSize(3);
            assertThat(hex(Fragments6.reassemble(sent, 40, 1456)))
                    .isEqualTo(hex(Arrays.copyOfRange(outer, 14, outer.length)));
            assertThat(hex(Arrays.copyOf(sent.get(0), 12))).isEqualTo(hex(Arrays.copyOf(outer, 12)));
        }
    }

    /**
     * RFC 6946: an atomic fragment (offset 0, no M) is a packet of its own, forwarded as unfragmented (with its
     * Fragment header), and does not touch a datagram held under the same identification.
     */
    @Test
    void anAtomicFragmentIsHandledAsUnfragmented() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> held = fragments(query(1200), 504, ID);
            d.send(held.get(0));
            byte[] atomic = {17, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
            assertThat(d.send(query(100).extensions(44, atomic).build())).singleElement()
                    .satisfies(o -> assertThat(hex(o)).isEqualTo(hex(translated(100).extensions(44, atomic).build())));
            assertThat(d.dataplane.reassembledPackets()).isZero();
            d.send(held.get(1));
            assertThat(d.send(held.get(2))).singleElement().satisfies(o -> assertThat(hex(o))
                    .isEqualTo(hex(translated(1200).build())));
        }
    }

    /** RFC 3168 §5.3: CE on one fragment marks the datagram; Not-ECT beside ECN-capable fragments gives it up. */
    @Test
    void ecnOfTheFragmentsIsPutTogetherAsLinuxDoes() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> f = fragments(query(1200), 504, ID);
            f.get(0)[14 + 1] |= 0x20; // ECT(0)
            f.get(1)[14 + 1] |= 0x30; // CE
            f.get(2)[14 + 1] |= 0x20;
            byte[] expected = translated(1200).build();
            expected[14 + 1] |= 0x30;
            assertThat(sendAll(d, f)).singleElement().satisfies(o -> assertThat(hex(o)).isEqualTo(hex(expected)));
            List<byte[]> g = fragments(query(1200), 504, ID + 1);
            g.get(1)[14 + 1] |= 0x20; // ECT(0) beside Not-ECT
            assertThat(sendAll(d, g)).isEmpty();
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isEqualTo(3);
            assertAccounted(d);
        }
    }

    /** Fragments between other hosts, and a NAT real server's own fragmented traffic, are the kernel's. */
    @Test
    void fragmentsThatAreNotAServicesAreLeftToTheKernel() throws Exception {
        try (Director d = natDns()) {
            List<byte[]> other = Fragments6.cut(Packet6Builder.udp(CLIENT6, 3333, "2001:db8::99", 53).payload(1200)
                    .packet(), 40, 504, ID, CLIENT_MAC, OUR_MAC);
            assertThat(d.send(other.get(0))).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            List<byte[]> own = Fragments6.cut(Packet6Builder.udp(RS6_1, 40000, CLIENT6, 53).payload(3000).packet(),
                    40, 1448, ID, RS1_MAC, OUR_MAC);
            assertThat(sendAll(d, own)).isEmpty();
            assertThat(d.verdict()).as("the datagram, put together, is no connection's").isEqualTo(Verdict.PASS);
            assertAccounted(d);
        }
    }
}
