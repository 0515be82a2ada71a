package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2_MAC;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_2;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static io.jlvs.packet.Ipv6ForwardingTest.WEB6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IPv6 TUN (ipvsadm -i, keepalived lb_kind TUN) as IPVS's ip_vs_tunnel_xmit_v6: the client's packet, hop limit
 * less one, behind an outer IPv6 header from the route's source to the real server: IPv6-in-IPv6 (41), GUE over
 * UDP (17) or GRE (47). Every expected frame is assembled here byte by byte and its checksums summed by
 * {@link Packet6Builder}'s own loop.
 */
class Ipv6TunnelTest {
    /** The source the kernel's route to the real servers names (the director's address on their link). */
    static final String DIRECTOR6 = "2001:db8::2";
    static final int GUE_PORT = 6080;

    private static Director director(int mtu) {
        Director d = new Director(ConnTableSettings.DEFAULTS, mtu);
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_1), RS1_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_2), RS2_MAC);
        d.sources6.put(IpAddress.parse(RS6_1), IpAddress.parse(DIRECTOR6));
        d.sources6.put(IpAddress.parse(RS6_2), IpAddress.parse(DIRECTOR6));
        return d;
    }

    private static RealServer tunnelServer(String address, TunnelType type, TunnelChecksum checksum) {
        return new RealServer(IpAddress.parse(address), 80, ForwardingMethod.TUNNEL, 1, 0, 0, type,
                type == TunnelType.GUE ? GUE_PORT : 0, checksum);
    }

    private static Director tunWeb(int mtu, TunnelType type, TunnelChecksum checksum) throws Exception {
        Director d = director(mtu);
        d.service(VirtualService.of(WEB6, "rr"));
        d.engine.execute(new IpvsCommand.AddServer(WEB6, tunnelServer(RS6_1, type, checksum)));
        return d;
    }

    private static Director tunWeb(TunnelType type, TunnelChecksum checksum) throws Exception {
        return tunWeb(Director.MTU, type, checksum);
    }

    /**
     * The frame to {@code mac}: Ethernet, an outer IPv6 header (version 6, traffic class {@code tc}, flow label 0,
     * {@code nextHeader}, hop limit {@code hops}, from {@code src} to {@code dst}), {@code tunnelHeader}, {@code inner}.
     */
    static byte[] tunnelled(long mac, int tc, int nextHeader, int hops, String src, String dst, byte[] tunnelHeader,
                            byte[] inner) {
        byte[] f = new byte[14 + 40 + tunnelHeader.length + inner.length];
        PacketBuilder.putMac(f, 0, mac);
        PacketBuilder.putMac(f, 6, OUR_MAC);
        PacketBuilder.put16(f, 12, 0x86dd);
        f[14] = (byte) (0x60 | tc >>> 4);
        f[15] = (byte) ((tc & 0xf) << 4);
        PacketBuilder.put16(f, 18, tunnelHeader.length + inner.length);
        f[20] = (byte) nextHeader;
        f[21] = (byte) hops;
        System.arraycopy(Packet6Builder.addr(src), 0, f, 22, 16);
        System.arraycopy(Packet6Builder.addr(dst), 0, f, 38, 16);
        System.arraycopy(tunnelHeader, 0, f, 54, tunnelHeader.length);
        System.arraycopy(inner, 0, f, 54 + tunnelHeader.length, inner.length);
        return f;
    }

    /** UDP (from {@code sport} to the GUE port) and a GUE header carrying 41; checksum 0 or computed here. */
    static byte[] gueHeaders(int sport, byte[] inner, boolean checksum, String src, String dst) {
        byte[] udp = new byte[8 + 4 + inner.length];
        PacketBuilder.put16(udp, 0, sport);
        PacketBuilder.put16(udp, 2, GUE_PORT);
        PacketBuilder.put16(udp, 4, udp.length);
        udp[9] = 41;
        System.arraycopy(inner, 0, udp, 12, inner.length);
        if (checksum) {
            int c = ~Packet6Builder.checksum(Packet6Builder.addr(src), Packet6Builder.addr(dst), 17, udp) & 0xffff;
            PacketBuilder.put16(udp, 6, c == 0 ? 0xffff : c);
        }
        return Arrays.copyOf(udp, 12);
    }

    /** A GRE header for an IPv6 payload; with the checksum, the C bit and the sum over header and packet. */
    static byte[] greHeader(byte[] inner, boolean checksum) {
        byte[] gre = new byte[(checksum ? 8 : 4) + inner.length];
        PacketBuilder.put16(gre, 0, checksum ? 0x8000 : 0);
        PacketBuilder.put16(gre, 2, 0x86dd);
        System.arraycopy(inner, 0, gre, gre.length - inner.length, inner.length);
        if (checksum) {
            long sum = 0;
            for (int i = 0; i < gre.length; i += 2) {
                sum += (gre[i] & 0xff) << 8 | (i + 1 < gre.length ? gre[i + 1] & 0xff : 0);
            }
            while (sum >>> 16 != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            PacketBuilder.put16(gre, 4, (int) ~sum & 0xffff);
        }
        return Arrays.copyOf(gre, checksum ? 8 : 4);
    }

    /** The MTU field of the packet too big in {@code frame}. */
    private static int mtuOf(byte[] frame) {
        return (frame[58] & 0xff) << 24 | (frame[59] & 0xff) << 16 | (frame[60] & 0xff) << 8 | (frame[61] & 0xff);
    }

    private static int sourcePort(byte[] frame) {
        return (frame[54] & 0xff) << 8 | (frame[55] & 0xff);
    }

    @Test
    void ipv6InIpv6CarriesTheClientsPacketWithTheHopLimitLessOneFromTheRoutesSource() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(11);
            List<byte[]> out = d.send(syn.build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            byte[] inner = syn.hopLimit(63).packet();
            assertThat(out).singleElement().isEqualTo(
                    tunnelled(RS1_MAC, 0, 41, 63, DIRECTOR6, RS6_1, new byte[0], inner));
            assertThat(d.connections()).singleElement().satisfies(c -> {
                assertThat(c.client()).isEqualTo(IpAddress.parse(CLIENT6));
                assertThat(c.destination()).isEqualTo(IpAddress.parse(RS6_1));
                assertThat(c.state()).isEqualTo("SYN_RECV");
            });
        }
    }

    /** The outer hop limit is the inner's after the decrement, whatever the client sent, as the kernel copies it. */
    @Test
    void theOuterHopLimitAndTrafficClassFollowTheInnerPacketButCongestionExperiencedIsNotCarriedOut() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            for (int hops : new int[] {2, 17, 255}) {
                // DSCP EF with ECN CE (0xbb), flow label 0x12345
                Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000 + hops, VIP6, 80).hopLimit(hops)
                        .trafficClass(0xbb, 0x12345);
                byte[] out = d.send(syn.build()).get(0);
                byte[] inner = syn.hopLimit(hops - 1).packet();
                // outside: ECT(0) instead of CE (RFC 6040), flow label 0, as ip_vs_tunnel_xmit_v6 sets them
                assertThat(out).as("hop limit " + hops)
                        .isEqualTo(tunnelled(RS1_MAC, 0xba, 41, hops - 1, DIRECTOR6, RS6_1, new byte[0], inner));
            }
            Packet6Builder ect = Packet6Builder.tcp(CLIENT6, 41000, VIP6, 80).trafficClass(0x2a, 7);
            assertThat(d.send(ect.build()).get(0)).isEqualTo(tunnelled(RS1_MAC, 0x2a, 41, 63, DIRECTOR6, RS6_1,
                    new byte[0], ect.hopLimit(63).packet()));
        }
    }

    @Test
    void aHopLimitOfOneGetsTimeExceededFromTheVipAndIsNotTunnelled() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).hopLimit(1);
            List<byte[]> out = d.send(syn.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TTL_EXPIRED);
            assertThat(out).singleElement().isEqualTo(
                    Packet6Builder.icmp(VIP6, CLIENT6, 3, 0, 0, syn.packet()).macs(OUR_MAC, CLIENT_MAC).build());
        }
    }

    /** Input-only like IPv4 TUN: the state follows the client, replies bypass the director, no packets out. */
    @Test
    void connectionsAreInputOnlyAndCountedLikeIpv4Tun() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(100).build());
            assertThat(d.connections()).singleElement().extracting(ConnectionView::state).isEqualTo("ESTABLISHED");
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x11).build());
            assertThat(d.connections()).singleElement().extracting(ConnectionView::state).isEqualTo("FIN_WAIT");
            // the client's IPv6 datagrams: 40 + 20, 40 + 120, 40 + 20 bytes; the outer headers are not counted
            StatsSample stats = d.engine.table().services().get(0).stats();
            assertThat(stats).isEqualTo(new StatsSample(1, 3, 0, 60 + 160 + 60, 0));
            assertThat(d.engine.table().services().get(0).realServers().get(0).stats()).isEqualTo(stats);
            assertThat(d.dataplane.forwarded()).isEqualTo(3);
        }
    }

    @Test
    void newConnectionsSpreadOverTunRealServersAndStayWithTheirs() throws Exception {
        try (Director d = director(Director.MTU)) {
            d.service(VirtualService.of(WEB6, "rr"));
            d.engine.execute(new IpvsCommand.AddServer(WEB6, tunnelServer(RS6_1, TunnelType.IPIP, TunnelChecksum.NOCSUM)));
            d.engine.execute(new IpvsCommand.AddServer(WEB6, tunnelServer(RS6_2, TunnelType.IPIP, TunnelChecksum.NOCSUM)));
            int[] perServer = new int[2];
            for (int port = 20000; port < 20010; port++) {
                byte[] first = d.send(Packet6Builder.tcp(CLIENT6, port, VIP6, 80).build()).get(0);
                byte[] next = d.send(Packet6Builder.tcp(CLIENT6, port, VIP6, 80).flags(0x10).build()).get(0);
                String to = IpAddress.ofV6(Ipv6Header.dstHi(java.lang.foreign.MemorySegment.ofArray(first), 14),
                        Ipv6Header.dstLo(java.lang.foreign.MemorySegment.ofArray(first), 14)).toString();
                assertThat(Arrays.copyOfRange(next, 38, 54)).isEqualTo(Arrays.copyOfRange(first, 38, 54));
                assertThat(Wire.mac(java.lang.foreign.MemorySegment.ofArray(first), 0))
                        .isEqualTo(to.equals(IpAddress.parse(RS6_1).toString()) ? RS1_MAC : RS2_MAC);
                perServer[to.equals(IpAddress.parse(RS6_1).toString()) ? 0 : 1]++;
            }
            assertThat(perServer).containsExactly(5, 5);
        }
    }

    /**
     * A packet that no longer fits once encapsulated gets packet too big with the link's MTU less the outer
     * headers (1,500 − 40 for IPv6-in-IPv6), from the VIP, quoting the packet; exactly that size goes through.
     */
    @Test
    void aPacketTooBigForTheTunnelGetsPacketTooBigWithTheTunnelsMtu() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            Packet6Builder big = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(1460 - 60 + 1);
            List<byte[]> out = d.send(big.build());
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAG_NEEDED);
            // the quote is the packet as it would have gone in (the hop limit already less one, as the kernel's)
            byte[] quoted = Arrays.copyOf(big.hopLimit(63).packet(), 1280 - 48);
            assertThat(out).singleElement().isEqualTo(
                    Packet6Builder.icmp(VIP6, CLIENT6, 2, 0, 1460, quoted).macs(OUR_MAC, CLIENT_MAC).build());
            Packet6Builder fits = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(1460 - 60);
            List<byte[]> sent = d.send(fits.build());
            assertThat(sent).singleElement().satisfies(f -> assertThat(f).hasSize(14 + 1500));
            assertThat(d.dataplane.icmpSent()).isEqualTo(1);
        }
    }

    /** Each encapsulation's room: 1,500 less 40 + 12 (GUE), 40 + 4 (GRE), 40 + 8 (GRE with checksum). */
    @ParameterizedTest
    @EnumSource(names = {"GUE", "GRE"})
    void eachTunnelTypeReportsItsOwnMtu(TunnelType type) throws Exception {
        for (TunnelChecksum checksum : List.of(TunnelChecksum.NOCSUM, TunnelChecksum.CSUM)) {
            int room = 1500 - 40 - (type == TunnelType.GUE ? 12 : checksum == TunnelChecksum.CSUM ? 8 : 4);
            try (Director d = tunWeb(type, checksum)) {
                d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
                List<byte[]> out = d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10)
                        .payload(room - 60 + 1).build());
                assertThat(out).singleElement().satisfies(f -> {
                    assertThat(f[54]).as("ICMPv6 type").isEqualTo((byte) 2);
                    assertThat(mtuOf(f)).as(type + " " + checksum).isEqualTo(room);
                });
                assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).payload(room - 60)
                        .build())).singleElement().satisfies(f -> assertThat(f).hasSize(14 + 1500));
            }
        }
    }

    /**
     * Under IPv6's minimum MTU of 1,280 the kernel tunnels nothing and says nothing (__ip_vs_get_out_rt_v6): a
     * link of 1,319 bytes leaves 1,279 under IPv6-in-IPv6; at 1,320 the room is exactly 1,280, but GUE's is not.
     */
    @Test
    void aTunnelMtuBelow1280TunnelsNothingAndSendsNoError() throws Exception {
        try (Director d = tunWeb(1319, TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build())).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TOO_BIG);
            assertThat(d.dataplane.icmpSent()).isZero();
        }
        try (Director d = tunWeb(1320, TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build())).hasSize(1);
            List<byte[]> tooBig = d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10)
                    .payload(1280 - 60 + 1).build());
            assertThat(tooBig).singleElement().satisfies(f -> assertThat(mtuOf(f)).isEqualTo(1280));
        }
        try (Director d = tunWeb(1320, TunnelType.GUE, TunnelChecksum.NOCSUM)) {
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build())).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.TOO_BIG);
        }
    }

    /**
     * GUE over IPv6 as the kernel's udp6_set_csum: --tun-nocsum sends checksum 0 (RFC 6935: allowed for tunnels
     * over IPv6), --tun-csum and --tun-remcsum a computed one; the UDP source port hashes the flow and is stable.
     */
    @ParameterizedTest
    @EnumSource(TunnelChecksum.class)
    void gueOverIpv6(TunnelChecksum mode) throws Exception {
        try (Director d = tunWeb(TunnelType.GUE, mode)) {
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(11);
            byte[] out = d.send(syn.build()).get(0);
            int port = sourcePort(out);
            assertThat(port).isBetween(32768, 60999);
            byte[] inner = syn.hopLimit(63).packet();
            boolean checksum = mode != TunnelChecksum.NOCSUM;
            assertThat(out).isEqualTo(tunnelled(RS1_MAC, 0, 17, 63, DIRECTOR6, RS6_1,
                    gueHeaders(port, inner, checksum, DIRECTOR6, RS6_1), inner));
            if (checksum) {
                assertThat(Packet6Builder.checksumValid(out)).isTrue();
            }
            byte[] again = d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).build()).get(0);
            assertThat(sourcePort(again)).isEqualTo(port);
            int other = sourcePort(d.send(Packet6Builder.tcp(CLIENT6, 40001, VIP6, 80).build()).get(0));
            assertThat(other).isBetween(32768, 60999);
        }
    }

    @Test
    void greOverIpv6WithAndWithoutChecksum() throws Exception {
        for (TunnelChecksum mode : TunnelChecksum.values()) {
            try (Director d = tunWeb(TunnelType.GRE, mode)) {
                Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payload(33);
                byte[] out = d.send(syn.build()).get(0);
                byte[] inner = syn.hopLimit(63).packet();
                // remcsum, which ipvsadm refuses for GRE, sends none: GRE looks at the csum flag only
                boolean checksum = mode == TunnelChecksum.CSUM;
                assertThat(out).as(mode.name()).isEqualTo(
                        tunnelled(RS1_MAC, 0, 47, 63, DIRECTOR6, RS6_1, greHeader(inner, checksum), inner));
            }
        }
    }

    /**
     * The outer source: the route's preferred source; while none is known, the director's lowest global address
     * (as for its ICMPv6 errors); with neither, nothing is sent (NO_NEIGHBOUR, as for an unresolved next hop).
     */
    @Test
    void theOuterSourceFallsBackToTheDirectorsOwnAddress() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            d.sources6.clear();
            Packet6Builder syn = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80);
            assertThat(d.send(syn.build())).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_NEIGHBOUR);
            d.dataplane.ownAddresses6(Set.of(IpAddress.parse("fe80::2"), IpAddress.parse("2001:db8::7"),
                    IpAddress.parse("2001:db8::3")));
            assertThat(d.send(syn.build())).singleElement().isEqualTo(tunnelled(RS1_MAC, 0, 41, 63, "2001:db8::3",
                    RS6_1, new byte[0], syn.hopLimit(63).packet()));
        }
    }

    /** Malformed packets to a TUN service are dropped and counted before any encapsulation: nothing goes out. */
    @Test
    void malformedPacketsAreDroppedAndCountedNotTunnelled() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            byte[] good = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build();
            assertThat(d.send(Arrays.copyOf(good, 14 + 39))).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            byte[] shortTcp = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payloadLengthField(12).build();
            assertThat(d.send(Arrays.copyOf(shortTcp, 14 + 40 + 12))).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            byte[] badOffset = good.clone();
            badOffset[14 + 40 + 12] = 0x10;
            assertThat(d.send(badOffset)).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.BAD_TCP_OFFSET);
            byte[] beyond = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).payloadLengthField(200).build();
            assertThat(d.send(beyond)).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.SHORT_FRAME);
            assertThat(d.connections()).isEmpty();
            assertThat(d.dataplane.forwarded()).isZero();
        }
    }

    /** An ICMPv6 error to the VIP about a TUN connection's reply goes to its real server through the tunnel. */
    @Test
    void icmpv6ErrorsAboutATunConnectionAreTunnelledToItsRealServer() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build());
            // a router's packet too big about the real server's reply (from the VIP) to the client
            byte[] reply = Packet6Builder.tcp(VIP6, 80, CLIENT6, 40000).flags(0x12).payload(1400).packet();
            Packet6Builder error = Packet6Builder.icmp("2001:db8:1::1", VIP6, 2, 0, 1400,
                    Arrays.copyOf(reply, 1232));
            List<byte[]> out = d.send(error.build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            assertThat(out).singleElement().isEqualTo(tunnelled(RS1_MAC, 0, 41, 63, DIRECTOR6, RS6_1, new byte[0],
                    error.hopLimit(63).packet()));
        }
    }

    /** A TUN real server's tunnel type edited under a running connection: its next packet takes the new one. */
    @Test
    void anEditedTunnelTypeTakesEffectAtTheNextPacket() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            assertThat(d.send(Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).build()).get(0)[20]).isEqualTo((byte) 41);
            for (TunnelType type : List.of(TunnelType.GUE, TunnelType.GRE)) {
                d.engine.execute(new IpvsCommand.EditServer(WEB6, tunnelServer(RS6_1, type, TunnelChecksum.NOCSUM)));
                byte[] ack = Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(0x10).build();
                assertThat(d.send(ack).get(0)[20]).as(type.name())
                        .isEqualTo((byte) (type == TunnelType.GUE ? 17 : 47));
            }
            assertThat(d.connections()).hasSize(1);
        }
    }

    /** The IPv6 path takes a service of TUN real servers (the guard and filter then hold it), not a portless GUE one. */
    @Test
    void theIpv6PathTakesTunServicesButNotPortlessGue() throws Exception {
        try (Director d = tunWeb(TunnelType.IPIP, TunnelChecksum.NOCSUM)) {
            assertThat(Ipv6Forwarder.forwards(d.engine.snapshot().services().get(WEB6))).isTrue();
            d.engine.execute(new IpvsCommand.EditServer(WEB6, new RealServer(IpAddress.parse(RS6_1), 80,
                    ForwardingMethod.TUNNEL, 1, 0, 0, TunnelType.GUE, 0, TunnelChecksum.NOCSUM)));
            assertThat(Ipv6Forwarder.forwards(d.engine.snapshot().services().get(WEB6))).isFalse();
        }
    }
}
