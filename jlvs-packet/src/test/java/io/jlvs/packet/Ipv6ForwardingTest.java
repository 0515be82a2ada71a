package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2_MAC;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** IPv6 Direct Routing and NAT: exact frames both ways, checksums verified independently, state, statistics, drops. */
class Ipv6ForwardingTest {
    static final String VIP6 = "2001:db8::100";
    static final String CLIENT6 = "2001:db8:1::10";
    static final String RS6_1 = "2001:db8::11";
    static final String RS6_2 = "2001:db8::12";
    static final InetServiceKey WEB6 = Director.key(Protocol.TCP, VIP6, 80);
    static final InetServiceKey DNS6 = Director.key(Protocol.UDP, VIP6, 53);

    private static Director director() {
        Director d = new Director();
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_1), RS1_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_2), RS2_MAC);
        return d;
    }

    private static Director drWeb() throws Exception {
        Director d = director();
        d.service(VirtualService.of(WEB6, "rr"));
        d.server(WEB6, RS6_1, 80, ForwardingMethod.DROUTE, 1);
        return d;
    }

    private static Director natWeb() throws Exception {
        Director d = director();
        d.service(VirtualService.of(WEB6, "rr"));
        d.server(WEB6, RS6_1, 8080, ForwardingMethod.MASQ, 1);
        return d;
    }

    // ---------------------------------------------------------------- DR

    @Test
    void drForwardsTheSameFrameToTheRealServersMacWithTheHopLimitLessOne() throws Exception {
        try (Director d = drWeb()) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(0);
            List<byte[]> out = d.send(syn.build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            assertThat(out).hasSize(1);
            // as IPVS's ip_vs_dr_xmit_v6 through __ip_vs_get_out_rt_v6 -> decrement_ttl
            byte[] expected = syn.macs(OUR_MAC, RS1_MAC).hopLimit(63).build();
            assertThat(out.get(0)).isEqualTo(expected);
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();
            assertThat(d.connections()).singleElement().satisfies(c -> {
                assertThat(c.client()).isEqualTo(IpAddress.parse(CLIENT6));
                assertThat(c.virtualAddress()).isEqualTo(IpAddress.parse(VIP6));
                assertThat(c.destination()).isEqualTo(IpAddress.parse(RS6_1));
                assertThat(c.state()).isEqualTo("SYN_RECV");
            });
        }
    }

    @Test
    void drFollowsTcpStateInputOnlyAndCountsLikeIpv4Dr() throws Exception {
        try (Director d = drWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(100).build());
            assertThat(d.connections()).singleElement().extracting(ConnectionView::state).isEqualTo("ESTABLISHED");
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x11).build());
            assertThat(d.connections()).singleElement().extracting(ConnectionView::state).isEqualTo("FIN_WAIT");
            // IPv6 datagram lengths: 40 + 20, 40 + 120, 40 + 20; DR counts no outgoing packets
            StatsSample stats = d.engine.table().services().get(0).stats();
            assertThat(stats).isEqualTo(new StatsSample(1, 3, 0, 60 + 160 + 60, 0));
            assertThat(d.engine.table().services().get(0).realServers().get(0).stats()).isEqualTo(stats);
            assertThat(d.dataplane.forwarded()).isEqualTo(3);
        }
    }

    @Test
    void drUdpAndSchedulingSpreadsOverRealServers() throws Exception {
        try (Director d = director()) {
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_1, 53, ForwardingMethod.DROUTE, 1);
            d.server(DNS6, RS6_2, 53, ForwardingMethod.DROUTE, 1);
            int[] perServer = new int[2];
            for (int port = 20000; port < 20010; port++) {
                Packet6Builder q = Packet6Builder.udp(CLIENT6, port, VIP6, 53).payload(30);
                List<byte[]> out = d.send(q.build());
                assertThat(out).hasSize(1);
                long mac = Wire.mac(java.lang.foreign.MemorySegment.ofArray(out.get(0)), 0);
                perServer[mac == RS1_MAC ? 0 : 1]++;
                byte[] expected = q.macs(OUR_MAC, mac).hopLimit(63).build();
                assertThat(out.get(0)).isEqualTo(expected);
            }
            assertThat(perServer).containsExactly(5, 5);
            assertThat(d.connections()).hasSize(10);
        }
    }

    @Test
    void persistenceKeepsAClientPrefixOnOneRealServer() throws Exception {
        try (Director d = director()) {
            // ipvsadm -A -t [2001:db8::100]:80 -s rr -p 300 -M 64
            d.service(new VirtualService(WEB6, "rr", Set.of(), 300, 64, false, null));
            d.server(WEB6, RS6_1, 80, ForwardingMethod.DROUTE, 1);
            d.server(WEB6, RS6_2, 80, ForwardingMethod.DROUTE, 1);
            d.neighbours6.put(IpAddress.parse("2001:db8:1::99"), CLIENT_MAC);
            long first = Wire.mac(java.lang.foreign.MemorySegment.ofArray(
                    d.send(Packet6Builder.tcp(CLIENT6, 1000, VIP6, 80).build()).get(0)), 0);
            for (int i = 0; i < 4; i++) {
                String client = i % 2 == 0 ? CLIENT6 : "2001:db8:1::99";
                byte[] out = d.send(Packet6Builder.tcp(client, 2000 + i, VIP6, 80).build()).get(0);
                assertThat(Wire.mac(java.lang.foreign.MemorySegment.ofArray(out), 0)).isEqualTo(first);
            }
            assertThat(d.connections()).filteredOn(ConnectionView::template).hasSize(1);
        }
    }

    @Test
    void hopLimitOneGetsAnExactTimeExceededFromTheVip() throws Exception {
        try (Director d = drWeb()) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).hopLimit(1);
            byte[] in = syn.build();
            List<byte[]> out = d.send(in);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
            byte[] quoted = syn.packet();
            byte[] expected = Packet6Builder.icmp(VIP6, CLIENT6, 3, 0, 0, quoted).macs(OUR_MAC, CLIENT_MAC).build();
            assertThat(out).singleElement().isEqualTo(expected);
            assertThat(d.dataplane.icmpSent()).isEqualTo(1);
        }
    }

    @Test
    void aPacketLargerThanTheMtuGetsPacketTooBigQuotingWithinTheMinimumMtu() throws Exception {
        try (Director d = drWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            Packet6Builder big = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(1500 - 60 + 1);
            List<byte[]> out = d.send(big.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            byte[] quoted = Arrays.copyOf(big.packet(), 1280 - 48);
            byte[] expected = Packet6Builder.icmp(VIP6, CLIENT6, 2, 0, 1500, quoted).macs(OUR_MAC, CLIENT_MAC).build();
            assertThat(out).singleElement().isEqualTo(expected);
            assertThat(out.get(0)).hasSize(14 + 1280);
            // exactly the MTU passes
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(1500 - 60).build()))
                    .hasSize(1);
        }
    }

    @Test
    void noRealServerGetsPortUnreachable() throws Exception {
        try (Director d = director()) {
            d.service(VirtualService.of(WEB6, "rr"));
            d.server(WEB6, RS6_1, 80, ForwardingMethod.DROUTE, 0);
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80);
            List<byte[]> out = d.send(syn.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_DESTINATION);
            assertThat(out).singleElement().isEqualTo(
                    Packet6Builder.icmp(VIP6, CLIENT6, 1, 4, 0, syn.packet()).macs(OUR_MAC, CLIENT_MAC).build());
        }
    }

    @Test
    void extensionHeadersAreWalkedOrDroppedAndCounted() throws Exception {
        try (Director d = drWeb()) {
            // hop-by-hop (PadN) then destination options, then TCP: walked, forwarded as it is
            byte[] hbh = {60, 0, 1, 4, 0, 0, 0, 0};
            byte[] dst = {6, 0, 1, 4, 0, 0, 0, 0};
            byte[] both = new byte[16];
            System.arraycopy(hbh, 0, both, 0, 8);
            System.arraycopy(dst, 0, both, 8, 8);
            Packet6Builder walked = Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).extensions(0, both);
            assertThat(d.send(walked.build())).singleElement()
                    .isEqualTo(walked.macs(OUR_MAC, RS1_MAC).hopLimit(63).build());
            // a spent routing header (segments left 0) is skipped
            byte[] spent = {6, 0, 0, 0, 0, 0, 0, 0};
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 2, VIP6, 80).extensions(43, spent).build())).hasSize(1);
            // a routing header with segments left: not the final destination
            byte[] live = {6, 0, 0, 1, 0, 0, 0, 0};
            d.send(Packet6Builder.tcp(CLIENT6, 3, VIP6, 80).extensions(43, live).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.IPV6_EXTENSION);
            // an atomic fragment (offset 0, no M) is a packet of its own (RFC 6946): walked, forwarded as it is
            // (fragments proper are put together: Ipv6ReassemblyTest)
            byte[] atomic = {6, 0, 0, 0, 0, 0, 0, 42};
            Packet6Builder alone = Packet6Builder.tcp(CLIENT6, 4, VIP6, 80).extensions(44, atomic);
            assertThat(d.send(alone.build())).singleElement()
                    .isEqualTo(alone.macs(OUR_MAC, RS1_MAC).hopLimit(63).build());
            // ESP (50): not walked
            d.send(Packet6Builder.tcp(CLIENT6, 5, VIP6, 80).extensions(50, new byte[8]).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.IPV6_EXTENSION);
            // a hop-by-hop header that runs past the packet
            byte[] longHbh = {6, 9, 0, 0, 0, 0, 0, 0};
            d.send(Packet6Builder.tcp(CLIENT6, 6, VIP6, 80).extensions(0, longHbh).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.IPV6_EXTENSION);
            assertThat(d.dataplane.drops(DropReason.IPV6_EXTENSION)).isEqualTo(3);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isZero();
        }
    }

    @Test
    void malformedIpv6FramesAreDroppedAndCounted() throws Exception {
        try (Director d = drWeb()) {
            byte[] good = Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).build();
            d.send(Arrays.copyOf(good, 14 + 39));
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).payloadLengthField(21).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).payloadLengthField(0).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.BAD_IP_LENGTH);
            byte[] v4 = good.clone();
            v4[14] = 0x45;
            d.send(v4);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.BAD_IP_VERSION);
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).payloadLengthField(10).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            byte[] offset = good.clone();
            offset[14 + 40 + 12] = 0x40;
            d.send(offset);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.BAD_TCP_OFFSET);
            assertThat(d.dataplane.frames()).isEqualTo(d.dataplane.forwarded() + d.dataplane.passed()
                    + d.dataplane.totalDrops());
        }
    }

    /**
     * UDP with checksum 0, which IPv6 forbids, is forwarded as IPVS forwards it (udp_csum_check skips it): DR
     * as it is; NAT with the checksum computed in full (udp_dnat_handler/udp_snat_handler), both ways. Before,
     * it was dropped as UDP6_ZERO_CHECKSUM.
     */
    @Test
    void udpWithChecksumZeroIsForwardedAsIpvsForwardsIt() throws Exception {
        try (Director d = director()) {
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_1, 53, ForwardingMethod.DROUTE, 1);
            Packet6Builder q = Packet6Builder.udp(CLIENT6, 1, VIP6, 53).noUdpChecksum().payload(4);
            assertThat(d.send(q.build())).singleElement().isEqualTo(q.macs(OUR_MAC, RS1_MAC).hopLimit(63).build());
            assertThat(d.connections()).hasSize(1);
        }
        try (Director d = director()) {
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_1, 5353, ForwardingMethod.MASQ, 1);
            List<byte[]> in = d.send(Packet6Builder.udp(CLIENT6, 7000, VIP6, 53).noUdpChecksum().payload(21).build());
            assertThat(in).singleElement().isEqualTo(Packet6Builder.udp(CLIENT6, 7000, RS6_1, 5353).payload(21)
                    .macs(OUR_MAC, RS1_MAC).hopLimit(63).build());
            assertThat(Packet6Builder.checksumValid(in.get(0))).isTrue();
            List<byte[]> out = d.send(Packet6Builder.udp(RS6_1, 5353, CLIENT6, 7000).noUdpChecksum().payload(9)
                    .macs(RS1_MAC, OUR_MAC).build());
            assertThat(out).singleElement().isEqualTo(Packet6Builder.udp(VIP6, 53, CLIENT6, 7000).payload(9)
                    .macs(OUR_MAC, CLIENT_MAC).hopLimit(63).build());
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();
        }
    }

    @Test
    void whatIsNotAServicesIsLeftToTheKernel() throws Exception {
        try (Director d = drWeb()) {
            // an echo to the VIP (neighbour solicitations for it: the kernel's, or answered with answerArp, as
            // this director does: NeighbourResponderTest)
            d.send(Packet6Builder.icmp(CLIENT6, VIP6, 128, 0, 0x10001, new byte[8]).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // another host
            d.send(Packet6Builder.tcp(CLIENT6, 1, "2001:db8::5", 80).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // a SYN to a port without a service, a segment of no connection
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 81).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_SERVICE);
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).flags(0x10).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CONNECTION);
            // an IPv4 real server of an IPv6 service (not a DR/NAT pairing IPVS has): not forwarded
        }
    }

    @Test
    void anUnresolvedRealServerIsDroppedAsNoNeighbour() throws Exception {
        try (Director d = drWeb()) {
            d.neighbours6.clear();
            d.send(Packet6Builder.tcp(CLIENT6, 1, VIP6, 80).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_NEIGHBOUR);
        }
    }

    // ---------------------------------------------------------------- NAT

    @Test
    void natTcpBothWaysWithAnotherPortExactFrames() throws Exception {
        try (Director d = natWeb()) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80);
            List<byte[]> out = d.send(syn.build());
            byte[] expected = Packet6Builder.tcp(CLIENT6, 40000, RS6_1, 8080).hopLimit(63)
                    .macs(OUR_MAC, RS1_MAC).build();
            assertThat(out).singleElement().isEqualTo(expected);
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();
            Packet6Builder synAck = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12).payload(0)
                    .macs(RS1_MAC, OUR_MAC);
            out = d.send(synAck.build());
            byte[] back = Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000).flags(0x12).hopLimit(63)
                    .macs(OUR_MAC, CLIENT_MAC).build();
            assertThat(out).singleElement().isEqualTo(back);
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();
            Packet6Builder ack = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(333);
            out = d.send(ack.build());
            assertThat(out).singleElement().isEqualTo(Packet6Builder.tcp(CLIENT6, 40000, RS6_1, 8080).flags(0x10)
                    .payload(333).hopLimit(63).macs(OUR_MAC, RS1_MAC).build());
            assertThat(d.connections()).singleElement().satisfies(c -> {
                assertThat(c.state()).isEqualTo("ESTABLISHED");
                assertThat(c.destinationPort()).isEqualTo(8080);
            });
            StatsSample stats = d.engine.table().services().get(0).stats();
            assertThat(stats).isEqualTo(new StatsSample(1, 2, 1, 60 + 393, 60));
        }
    }

    @Test
    void natUdpBothWaysKeepsChecksumsValidAndNeverZero() throws Exception {
        try (Director d = director()) {
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_1, 5353, ForwardingMethod.MASQ, 1);
            for (int n = 0; n < 300; n++) {
                Packet6Builder q = Packet6Builder.udp(CLIENT6, 10000 + n, VIP6, 53).payload(n % 61);
                List<byte[]> out = d.send(q.build());
                assertThat(out).singleElement().isEqualTo(Packet6Builder.udp(CLIENT6, 10000 + n, RS6_1, 5353)
                        .payload(n % 61).hopLimit(63).macs(OUR_MAC, RS1_MAC).build());
                Packet6Builder a = Packet6Builder.udp(RS6_1, 5353, CLIENT6, 10000 + n).payload(n % 53)
                        .macs(RS1_MAC, OUR_MAC);
                out = d.send(a.build());
                assertThat(out).singleElement().isEqualTo(Packet6Builder.udp(VIP6, 53, CLIENT6, 10000 + n)
                        .payload(n % 53).hopLimit(63).macs(OUR_MAC, CLIENT_MAC).build());
                assertThat(out.get(0)[14 + 40 + 6] | out.get(0)[14 + 40 + 7]).isNotZero();
            }
        }
    }

    @Test
    void natRepliesOutsideAConnectionAreRoutedWhenTheGuardKeepsThemFromTheKernel() throws Exception {
        try (Director d = natWeb()) {
            // without the guard the kernel has them
            d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 1).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // with it, the worker routes them as they are, hop limit less one
            d.dataplane.routeUnclaimed(true, false);
            Packet6Builder direct = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 1).flags(0x12).macs(RS1_MAC, OUR_MAC);
            assertThat(d.send(direct.build())).singleElement()
                    .isEqualTo(direct.hopLimit(63).macs(OUR_MAC, CLIENT_MAC).build());
            assertThat(d.dataplane.routed()).isEqualTo(1);
            // not from the real server's own MAC: not forwarded on its word
            d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 1).flags(0x12).macs(0x02_00_00_00_09_09L, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NOT_ROUTED);
            // to a multicast group
            d.send(Packet6Builder.udp(RS6_1, 8080, "ff02::1", 1).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NOT_ROUTED);
            // an unknown next hop
            d.send(Packet6Builder.tcp(RS6_1, 8080, "2001:db8:5::5", 1).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_NEIGHBOUR);
            // the director's own address (no route through its links): the kernel's, whatever the source MAC
            d.unreachable6.add(IpAddress.parse("2001:db8:1::1"));
            d.send(Packet6Builder.icmp(RS6_1, "2001:db8:1::1", 1, 4, 0, Packet6Builder.udp("2001:db8:1::1", 5, RS6_1, 9)
                    .packet()).macs(0x02_00_00_00_09_09L, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // its own traffic from another port is the kernel's
            d.send(Packet6Builder.udp(RS6_1, 5000, CLIENT6, 53).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            // one of the director's own addresses, before its route is known: the kernel's too
            d.dataplane.ownAddresses6(Set.of(IpAddress.parse("2001:db8:1::2")));
            d.send(Packet6Builder.icmp(RS6_1, "2001:db8:1::2", 1, 4, 0, Packet6Builder.udp("2001:db8:1::2", 5, RS6_1, 9)
                    .packet()).macs(0x02_00_00_00_09_09L, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void natReplyWithHopLimitOneGetsTimeExceededAndATooBigReplyPacketTooBig() throws Exception {
        try (Director d = natWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            Packet6Builder dying = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12).hopLimit(1)
                    .macs(RS1_MAC, OUR_MAC);
            List<byte[]> out = d.send(dying.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
            assertThat(out).singleElement().isEqualTo(Packet6Builder.icmp(VIP6, RS6_1, 3, 0, 0, dying.packet())
                    .macs(OUR_MAC, RS1_MAC).build());
            Packet6Builder big = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x10).payload(1500)
                    .macs(RS1_MAC, OUR_MAC);
            out = d.send(big.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            // quoting the real server's own packet, untranslated
            assertThat(out).singleElement().isEqualTo(Packet6Builder.icmp(VIP6, RS6_1, 2, 0, 1500,
                    Arrays.copyOf(big.packet(), 1232)).macs(OUR_MAC, RS1_MAC).build());
        }
    }

    /**
     * A routed frame (a NAT real server's, outside any connection) with hop limit 1 or too big: the error comes
     * from one of the director's own addresses, as icmp6_send takes when the destination is not local; none
     * while the director has no IPv6 address (counted). Before, it came from the frame's destination, a remote
     * host's address the director forged.
     */
    @Test
    void errorsAboutRoutedFramesComeFromTheDirectorsOwnAddress() throws Exception {
        try (Director d = natWeb()) {
            d.dataplane.routeUnclaimed(true, false);
            Packet6Builder dying = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 1).flags(0x12).hopLimit(1)
                    .macs(RS1_MAC, OUR_MAC);
            assertThat(d.send(dying.build())).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
            Packet6Builder big = Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 1).flags(0x10).payload(1500)
                    .macs(RS1_MAC, OUR_MAC);
            assertThat(d.send(big.build())).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            assertThat(d.dataplane.icmpNoSource6()).isEqualTo(2);

            d.dataplane.ownAddresses6(Set.of(IpAddress.parse("fe80::2"), IpAddress.parse("2001:db8:1::3"),
                    IpAddress.parse("2001:db8:1::2"), IpAddress.parse("::1")));
            assertThat(d.send(dying.build())).singleElement().isEqualTo(Packet6Builder.icmp("2001:db8:1::2", RS6_1,
                    3, 0, 0, dying.packet()).macs(OUR_MAC, RS1_MAC).build());
            assertThat(d.send(big.build())).singleElement().isEqualTo(Packet6Builder.icmp("2001:db8:1::2", RS6_1,
                    2, 0, 1500, Arrays.copyOf(big.packet(), 1232)).macs(OUR_MAC, RS1_MAC).build());
            assertThat(d.dataplane.icmpNoSource6()).isEqualTo(2);
        }
    }

    @Test
    void icmpv6ErrorsAboutNatConnectionsAreTranslatedBothWays() throws Exception {
        try (Director d = natWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            // a router on the way to the client: our reply VIP:80 -> client:40000 is too big for its next link
            byte[] reply = Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000).flags(0x10).payload(60).hopLimit(60).packet();
            byte[] quote = Arrays.copyOf(reply, 100);
            List<byte[]> out = d.send(Packet6Builder.icmp("2001:db8:9::1", VIP6, 2, 0, 1400, quote).build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            // to the real server, quoting its own packet RS:8080 -> client:40000 (the quoted TCP checksum as it was)
            byte[] own = quote.clone();
            System.arraycopy(Packet6Builder.addr(RS6_1), 0, own, 8, 16);
            PacketBuilder.put16(own, 40, 8080);
            byte[] expected = Packet6Builder.icmp("2001:db8:9::1", RS6_1, 2, 0, 1400, own).hopLimit(63)
                    .macs(OUR_MAC, RS1_MAC).build();
            assertThat(out).singleElement().isEqualTo(expected);
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();

            // the real server's port unreachable about the client's datagram client -> RS:8080 goes to the client
            // from the VIP, quoting client -> VIP:80
            d.service(VirtualService.of(DNS6, "rr"));
            d.server(DNS6, RS6_1, 5353, ForwardingMethod.MASQ, 1);
            d.send(Packet6Builder.udp(CLIENT6, 7000, VIP6, 53).payload(20).build());
            byte[] received = Packet6Builder.udp(CLIENT6, 7000, RS6_1, 5353).payload(20).hopLimit(63).packet();
            out = d.send(Packet6Builder.icmp(RS6_1, CLIENT6, 1, 4, 0, received).macs(RS1_MAC, OUR_MAC).build());
            byte[] asSent = received.clone();
            System.arraycopy(Packet6Builder.addr(VIP6), 0, asSent, 24, 16);
            PacketBuilder.put16(asSent, 42, 53);
            assertThat(out).singleElement().isEqualTo(Packet6Builder.icmp(VIP6, CLIENT6, 1, 4, 0, asSent).hopLimit(63)
                    .macs(OUR_MAC, CLIENT_MAC).build());
            assertThat(Packet6Builder.checksumValid(out.get(0))).isTrue();

            // about no connection: the kernel's (to the VIP); with the guard, one from a real server is routed
            d.send(Packet6Builder.icmp("2001:db8:9::1", VIP6, 2, 0, 1400,
                    Packet6Builder.tcp(VIP6, 80, CLIENT6, 1).packet()).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            d.dataplane.routeUnclaimed(true, false);
            Packet6Builder unclaimed = Packet6Builder.icmp(RS6_1, CLIENT6, 1, 4, 0,
                    Packet6Builder.udp(CLIENT6, 1, RS6_1, 9).packet()).macs(RS1_MAC, OUR_MAC);
            assertThat(d.send(unclaimed.build())).singleElement()
                    .isEqualTo(unclaimed.hopLimit(63).macs(OUR_MAC, CLIENT_MAC).build());
            // an error with hop limit 1 gets no error back
            d.send(unclaimed.hopLimit(1).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
            assertThat(d.io.takeTransmitted()).isEmpty();
        }
    }

    @Test
    void icmpv6ErrorsAboutDrConnectionsGoToTheRealServerAsTheyAre() throws Exception {
        try (Director d = drWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            byte[] quote = Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000).flags(0x12).packet();
            Packet6Builder error = Packet6Builder.icmp("2001:db8:9::1", VIP6, 2, 0, 1280, quote);
            List<byte[]> out = d.send(error.build());
            assertThat(out).singleElement().isEqualTo(error.hopLimit(63).macs(OUR_MAC, RS1_MAC).build());
        }
    }

    @Test
    void ipv6ConnectionsNeverGoToTheXdpFastPath() throws Exception {
        FakeFlowOffload fast = new FakeFlowOffload();
        try (Director d = natWeb()) {
            d.dataplane.offloadTo(fast, 1);
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            for (int i = 0; i < 20; i++) {
                assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(10).build()))
                        .hasSize(1);
                assertThat(d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x10).payload(10)
                        .macs(RS1_MAC, OUR_MAC).build())).hasSize(1);
            }
            d.advance(2);
            assertThat(d.connections()).singleElement().extracting(ConnectionView::state).isEqualTo("ESTABLISHED");
            assertThat(fast.offloaded).isEmpty();
            assertThat(d.dataplane.offloadedConnections()).isZero();
        }
    }

        /** {@code frame} with its TCP/UDP checksum left for the card: the folded IPv6 pseudo-header sum only. */
    static byte[] partial(byte[] frame) {
        byte[] f = frame.clone();
        int len = ((f[18] & 0xff) << 8) | (f[19] & 0xff);
        int proto = f[20] & 0xff;
        int field = 14 + 40 + (proto == Packet6Builder.TCP ? 16 : 6);
        int pseudo = Packet6Builder.checksum(Arrays.copyOfRange(f, 22, 38), Arrays.copyOfRange(f, 38, 54), proto,
                new byte[0]);
        // the pseudo-header sum with the upper-layer length (the empty upper part added 0 for it)
        long sum = pseudo + (len >>> 16) + (len & 0xffff);
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        PacketBuilder.put16(f, field, (int) sum);
        return f;
    }

    @Test
    void checksumsLeftForTheCardAreFinishedBeforeTheRewrite() throws Exception {
        try (Director d = natWeb()) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80);
            assertThat(Packet6Builder.checksumValid(partial(syn.build()))).isFalse();
            List<byte[]> out = d.send(partial(syn.build()));
            assertThat(out).singleElement().isEqualTo(Packet6Builder.tcp(CLIENT6, 40000, RS6_1, 8080).hopLimit(63)
                    .macs(OUR_MAC, RS1_MAC).build());
            out = d.send(partial(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x18).payload(77)
                    .macs(RS1_MAC, OUR_MAC).build()));
            assertThat(out).singleElement().isEqualTo(Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000).flags(0x18)
                    .payload(77).hopLimit(63).macs(OUR_MAC, CLIENT_MAC).build());
            assertThat(d.dataplane.checksumsCompleted()).isEqualTo(2);
        }
        try (Director d = drWeb()) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(10);
            assertThat(d.send(partial(syn.build()))).singleElement()
                    .isEqualTo(syn.hopLimit(63).macs(OUR_MAC, RS1_MAC).build());
        }
    }

    @Test
    void tcpSuperPacketsAreCutIntoTheSegmentsTheirSenderMeant() throws Exception {
        try (Director d = natWeb()) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            byte[] data = Packet6Builder.pattern(2500);
            // merged by GRO (or a local sender's TSO): 2,500 bytes in segments of 1,000, PSH and FIN at the end
            byte[] merged = partial(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x19).seq(5000)
                    .payload(data).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.io.injectSuperPacket(merged, 1000)).isTrue();
            d.dataplane.runOnce();
            List<byte[]> out = d.io.takeTransmitted();
            assertThat(out).hasSize(3);
            for (int i = 0; i < 3; i++) {
                int n = Math.min(1000, 2500 - 1000 * i);
                byte[] part = Arrays.copyOfRange(data, 1000 * i, 1000 * i + n);
                assertThat(out.get(i)).as("segment " + i).isEqualTo(Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000)
                        .flags(i == 2 ? 0x19 : 0x10).seq(5000 + 1000 * i).payload(part).hopLimit(63)
                        .macs(OUR_MAC, CLIENT_MAC).build());
            }
            assertThat(d.dataplane.segmentedPackets()).isEqualTo(1);
            assertThat(d.dataplane.lastVerdict()).isEqualTo(Verdict.FORWARD);
            // statistics per segment, as they leave
            assertThat(d.engine.table().services().get(0).stats().outPackets()).isEqualTo(3);
        }
    }

        @Test
    void aReplyToANewClientWaitsForItsNextHop() throws Exception {
        try (Director d = natWeb()) {
            d.neighbours6.remove(IpAddress.parse(CLIENT6));
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            List<byte[]> out = d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x12)
                    .macs(RS1_MAC, OUR_MAC).build());
            assertThat(out).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
            d.dataplane.runOnce();
            assertThat(d.io.takeTransmitted()).singleElement().isEqualTo(Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000)
                    .flags(0x12).hopLimit(63).macs(OUR_MAC, CLIENT_MAC).build());
            assertThat(d.dataplane.forwarded()).isEqualTo(2);
            // one that never resolves is dropped after a second, counted once
            d.neighbours6.remove(IpAddress.parse(CLIENT6));
            d.send(Packet6Builder.tcp(RS6_1, 8080, CLIENT6, 40000).flags(0x10).macs(RS1_MAC, OUR_MAC).build());
            d.advance(2);
            assertThat(d.dataplane.drops(DropReason.NO_NEIGHBOUR)).isEqualTo(1);
            assertThat(d.dataplane.frames()).isEqualTo(d.dataplane.forwarded() + d.dataplane.totalDrops());
        }
    }

        @Test
    void ipv4KeepsWorkingBesideIpv6() throws Exception {
        try (Director d = natWeb()) {
            InetServiceKey web4 = Director.key(Protocol.TCP, Director.VIP, 80);
            d.service(VirtualService.of(web4, "rr"));
            d.server(web4, Director.RS1, 8080, ForwardingMethod.MASQ, 1);
            assertThat(d.send(PacketBuilder.tcp(Director.CLIENT, 1000, Director.VIP, 80).build())).hasSize(1);
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 1000, VIP6, 80).build())).hasSize(1);
            assertThat(d.connections()).hasSize(2);
        }
    }
}
