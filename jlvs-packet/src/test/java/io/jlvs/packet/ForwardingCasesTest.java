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

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packet behaviour as data: (description, setup, input frames, expected verdict, expected output frames).
 * Expected frames are built from scratch by {@link PacketBuilder}, so every checksum the data plane
 * updated incrementally is compared with one computed independently.
 */
class ForwardingCasesTest {
    private static final int SYN = 0x02;
    private static final int SYN_ACK = 0x12;
    private static final int ACK = 0x10;

    interface Setup {
        void apply(Director d) throws IpvsException;
    }

    record Step(byte[] in, Verdict verdict, DropReason reason, List<byte[]> out) {
    }

    record Case(String description, Setup setup, List<Step> steps) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Step step(PacketBuilder in, Verdict verdict, DropReason reason, PacketBuilder... out) {
        return new Step(in.build(), verdict, reason, Stream.of(out).map(PacketBuilder::build).toList());
    }

    static Step forward(PacketBuilder in, PacketBuilder out) {
        return step(in, Verdict.FORWARD, null, out);
    }

    static Step forward(PacketBuilder in, byte[] out) {
        return new Step(in.build(), Verdict.FORWARD, null, List.of(out));
    }

    static Step dropped(PacketBuilder in, DropReason reason, PacketBuilder... out) {
        return step(in, Verdict.DROP, reason, out);
    }

    static Step dropped(byte[] in, DropReason reason) {
        return new Step(in, Verdict.DROP, reason, List.of());
    }

    static Setup masq(Protocol p, int port, int rsPort) {
        return d -> d.service(p, port, "rr").server(Director.key(p, VIP, port), RS1, rsPort, ForwardingMethod.MASQ, 1);
    }

    static Setup method(ForwardingMethod m) {
        return d -> d.service(Protocol.TCP, 80, "rr").server(Director.key(Protocol.TCP, VIP, 80), RS1, 80, m, 1);
    }

    static PacketBuilder fromClient(PacketBuilder b) {
        return b.macs(CLIENT_MAC, OUR_MAC);
    }

    static PacketBuilder toRs1(PacketBuilder b) {
        return b.macs(OUR_MAC, RS1_MAC).ttl(63);
    }

    static byte[] quote(byte[] datagram) {
        return Arrays.copyOf(datagram, Math.min(datagram.length, 548));
    }

    static Setup gre(TunnelChecksum checksum) {
        return d -> d.service(Protocol.TCP, 80, "rr")
                .tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.GRE, checksum);
    }

    /** A client's SYN to VIP:80 with {@code payload} bytes and DF as given, as sent or (ttl 63) as tunnelled. */
    static PacketBuilder syn(int payload, boolean df) {
        return PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(payload).df(df);
    }

    static Stream<Case> cases() {
        PacketBuilder bigInner = fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(1441));
        byte[] bigInnerAfterTtl = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(1441).ttl(63).datagram();
        PacketBuilder fitInner = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(1440).tos(0x10);
        return Stream.of(
                new Case("MASQ: client SYN to VIP:80 leaves for RS1:8080 with TTL-1 and new MACs", masq(Protocol.TCP, 80, 8080),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(13)),
                                toRs1(PacketBuilder.tcp(CLIENT, 40000, RS1, 8080).flags(SYN).payload(13))))),
                new Case("MASQ: the real server's SYN-ACK leaves as VIP:80", masq(Protocol.TCP, 80, 8080),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN)),
                                        toRs1(PacketBuilder.tcp(CLIENT, 40000, RS1, 8080).flags(SYN))),
                                forward(PacketBuilder.tcp(RS1, 8080, CLIENT, 40000).flags(SYN_ACK).macs(RS1_MAC, OUR_MAC),
                                        PacketBuilder.tcp(VIP, 80, CLIENT, 40000).flags(SYN_ACK).ttl(63).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("MASQ: UDP with checksum, odd payload, port change both ways", masq(Protocol.UDP, 53, 5353),
                        List.of(forward(fromClient(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(37)),
                                        toRs1(PacketBuilder.udp(CLIENT, 3333, RS1, 5353).payload(37))),
                                forward(PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(101).macs(RS1_MAC, OUR_MAC),
                                        PacketBuilder.udp(VIP, 53, CLIENT, 3333).payload(101).ttl(63).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("MASQ: a zero UDP checksum stays zero", masq(Protocol.UDP, 53, 5353),
                        List.of(forward(fromClient(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(20).noUdpChecksum()),
                                toRs1(PacketBuilder.udp(CLIENT, 3333, RS1, 5353).payload(20).noUdpChecksum())))),
                new Case("MASQ: SCTP INIT gets its CRC32c recomputed for the new port", masq(Protocol.SCTP, 5060, 5061),
                        List.of(forward(fromClient(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).payload(16)),
                                toRs1(PacketBuilder.sctp(CLIENT, 7000, RS1, 5061).payload(16))))),
                new Case("MASQ: an 802.1Q tag is kept", masq(Protocol.TCP, 80, 8080),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).vlan(42)),
                                toRs1(PacketBuilder.tcp(CLIENT, 40000, RS1, 8080).flags(SYN).vlan(42))))),
                new Case("MASQ: IP options are forwarded untouched", masq(Protocol.TCP, 80, 8080),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).ipOptions(new byte[] {1, 1, 1, 0})),
                                toRs1(PacketBuilder.tcp(CLIENT, 40000, RS1, 8080).flags(SYN).ipOptions(new byte[] {1, 1, 1, 0}))))),
                new Case("DR: only MACs change (and TTL-1, as the kernel's decrement_ttl)", method(ForwardingMethod.DROUTE),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(5)),
                                toRs1(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(5))))),
                new Case("TUN: IPIP outer header from the director to RS1, DF/TOS/TTL copied, id 0 with DF",
                        d -> d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(9).tos(0x10)),
                                PacketBuilder.ipip(LOCAL, RS1, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(9).tos(0x10).ttl(63).datagram())
                                        .tos(0x10).ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN: the outer source is what the route to the real server picks (another link's address)",
                        d -> {
                            d.sources.put(PacketBuilder.addr(RS1), PacketBuilder.addr("10.77.9.2"));
                            d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80,
                                    TunnelType.IPIP);
                        },
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(9)),
                                PacketBuilder.ipip("10.77.9.2", RS1, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN)
                                                .payload(9).ttl(63).datagram())
                                        .ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN: without DF the outer header takes our next IP id",
                        d -> d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).df(false)),
                                PacketBuilder.ipip(LOCAL, RS1, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).df(false).ttl(63).datagram())
                                        .ttl(63).id(FIRST_IP_ID).df(false).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN: an inner CE (ECN) is ECT(0) in the outer header, as the kernel's ECN encapsulation",
                        d -> d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP),
                        List.of(forward(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).tos(0x13)),
                                PacketBuilder.ipip(LOCAL, RS1, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).tos(0x13).ttl(63).datagram())
                                        .tos(0x12).ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN: exactly MTU-20 still fits",
                        d -> d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP),
                        List.of(forward(fromClient(fitInner),
                                PacketBuilder.ipip(LOCAL, RS1, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).payload(1440).tos(0x10).ttl(63).datagram())
                                        .tos(0x10).ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN: too big with DF: ICMP fragmentation needed (MTU 1480) to the client, from the VIP",
                        d -> d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80, TunnelType.IPIP),
                        List.of(dropped(bigInner, DropReason.FRAG_NEEDED,
                                PacketBuilder.icmp(VIP, CLIENT, 3, 4, 1480, quote(bigInnerAfterTtl))
                                        .tos(0xc0).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC)))),
                // too big without DF: the outer packet leaves as fragments (FragmentationTest)
                new Case("TUN/GRE: outer IPv4 of protocol 47, DF/TOS/TTL as IPIP, a 4-byte GRE header (flags 0, protocol 0x0800)",
                        gre(TunnelChecksum.NOCSUM),
                        List.of(forward(fromClient(syn(9, true).tos(0x10)),
                                PacketBuilder.gre(LOCAL, RS1, syn(9, true).tos(0x10).ttl(63).datagram(), false)
                                        .tos(0x10).ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN/GRE --tun-csum: the C bit, then the checksum over GRE header and datagram (odd length), reserved 0",
                        gre(TunnelChecksum.CSUM),
                        List.of(forward(fromClient(syn(9, true)),
                                PacketBuilder.gre(LOCAL, RS1, syn(9, true).ttl(63).datagram(), true)
                                        .ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)),
                                forward(fromClient(syn(1000, true).flags(ACK)),
                                        PacketBuilder.gre(LOCAL, RS1, syn(1000, true).flags(ACK).ttl(63).datagram(), true)
                                                .ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN/GRE: without DF the outer header takes our next IP id",
                        gre(TunnelChecksum.NOCSUM),
                        List.of(forward(fromClient(syn(0, false)),
                                PacketBuilder.gre(LOCAL, RS1, syn(0, false).ttl(63).datagram(), false)
                                        .ttl(63).id(FIRST_IP_ID).df(false).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN/GRE: exactly MTU-24 still fits",
                        gre(TunnelChecksum.NOCSUM),
                        List.of(forward(fromClient(syn(1436, true)),
                                PacketBuilder.gre(LOCAL, RS1, syn(1436, true).ttl(63).datagram(), false)
                                        .ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN/GRE: too big with DF: fragmentation needed with MTU 1476 (MTU-24)",
                        gre(TunnelChecksum.NOCSUM),
                        List.of(dropped(fromClient(syn(1437, true)), DropReason.FRAG_NEEDED,
                                PacketBuilder.icmp(VIP, CLIENT, 3, 4, 1476, quote(syn(1437, true).ttl(63).datagram()))
                                        .tos(0xc0).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("TUN/GRE --tun-csum: exactly MTU-28 still fits",
                        gre(TunnelChecksum.CSUM),
                        List.of(forward(fromClient(syn(1432, true)),
                                PacketBuilder.gre(LOCAL, RS1, syn(1432, true).ttl(63).datagram(), true)
                                        .ttl(63).id(0).df(true).macs(OUR_MAC, RS1_MAC)))),
                new Case("TUN/GRE --tun-csum: too big with DF: fragmentation needed with MTU 1472 (MTU-28)",
                        gre(TunnelChecksum.CSUM),
                        List.of(dropped(fromClient(syn(1433, true)), DropReason.FRAG_NEEDED,
                                PacketBuilder.icmp(VIP, CLIENT, 3, 4, 1472, quote(syn(1433, true).ttl(63).datagram()))
                                        .tos(0xc0).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("TTL 1: ICMP time exceeded back to the client, quoting the packet", masq(Protocol.TCP, 80, 8080),
                        List.of(dropped(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).ttl(1).tos(0x08)), DropReason.TTL_EXPIRED,
                                PacketBuilder.icmp(VIP, CLIENT, 11, 0, 0, PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN).ttl(1).tos(0x08).datagram())
                                        .tos(0xc8).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("No real server can take it: ICMP port unreachable",
                        d -> d.service(Protocol.UDP, 53, "rr").server(Director.key(Protocol.UDP, VIP, 53), RS1, 53, ForwardingMethod.MASQ, 0),
                        List.of(dropped(fromClient(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(4)), DropReason.NO_DESTINATION,
                                PacketBuilder.icmp(VIP, CLIENT, 3, 3, 0, PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(4).datagram())
                                        .tos(0xc0).ttl(64).id(FIRST_IP_ID).df(false).macs(OUR_MAC, CLIENT_MAC)))),
                new Case("No MAC for the real server: dropped", d -> {
                    masq(Protocol.TCP, 80, 8080).apply(d);
                    d.neighbours.remove(PacketBuilder.addr(RS1));
                }, List.of(dropped(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(SYN)), DropReason.NO_NEIGHBOUR))),
                new Case("Traffic for other addresses is left to the kernel", masq(Protocol.TCP, 80, 8080),
                        List.of(step(fromClient(PacketBuilder.tcp(CLIENT, 40000, "10.77.0.99", 80).flags(SYN)), Verdict.PASS, null),
                                // from a port the guard leaves to the kernel (from 8080, RoutedTest)
                                step(PacketBuilder.tcp(RS1, 9999, CLIENT, 40001).flags(SYN_ACK), Verdict.PASS, null),
                                step(fromClient(PacketBuilder.icmp(CLIENT, VIP, 8, 0, 0x00010001, new byte[8])), Verdict.PASS, null))),
                new Case("A VIP port without a service", masq(Protocol.TCP, 80, 8080),
                        List.of(dropped(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 81).flags(SYN)), DropReason.NO_SERVICE))),
                new Case("A TCP segment other than SYN opens no connection", masq(Protocol.TCP, 80, 8080),
                        List.of(dropped(fromClient(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(ACK)), DropReason.NO_CONNECTION))),
                new Case("An SCTP packet other than INIT opens no association", masq(Protocol.SCTP, 5060, 5060),
                        List.of(dropped(fromClient(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(0)), DropReason.NO_CONNECTION))),
                new Case("An ICMP error to the VIP about no connection", masq(Protocol.TCP, 80, 8080),
                        List.of(dropped(fromClient(PacketBuilder.icmp(CLIENT, VIP, 3, 3, 0,
                                PacketBuilder.tcp(VIP, 80, CLIENT, 40000).flags(SYN_ACK).datagram())), DropReason.ICMP_UNRELATED))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardsAsIpvsDoes(Case c) throws Exception {
        try (Director d = new Director()) {
            c.setup().apply(d);
            int n = 0;
            for (Step s : c.steps()) {
                List<byte[]> out = d.send(s.in());
                assertThat(d.verdict()).as("verdict of step %d", n).isEqualTo(s.verdict());
                if (s.reason() != null) {
                    assertThat(d.dataplane.lastDropReason()).as("drop reason of step %d", n).isEqualTo(s.reason());
                }
                assertThat(out.stream().map(ForwardingCasesTest::hex).toList()).as("frames sent at step %d", n)
                        .containsExactlyElementsOf(s.out().stream().map(ForwardingCasesTest::hex).toList());
                n++;
            }
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
