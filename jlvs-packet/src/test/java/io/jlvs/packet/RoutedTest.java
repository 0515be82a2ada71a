package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.LOCAL;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A frame from a NAT real server's service port that belongs to no connection (the answer to a host that
 * reaches the real server directly, through the director as its router) is routed by the worker, as the
 * kernel routes what IPVS accepts: the kernel guard and the XDP program keep such frames from the kernel.
 * Before, they were passed to a kernel that never saw them, and lost. What the kernel does see stays the
 * kernel's: other ports of the real server, and frames for the director itself.
 */
class RoutedTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final String ELSEWHERE = "10.0.0.99";

    private static byte[] fromServer(int sport, String to) {
        return PacketBuilder.tcp(RS1, sport, to, 5555).flags(0x10).payload(100)
                .macs(RS1_MAC, OUR_MAC).build();
    }

    @Test
    void aNatRealServersAnswerToAHostThatReachedItDirectlyIsRoutedUnchangedButForTheTtl() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            byte[] in = fromServer(8080, CLIENT);
            List<byte[]> out = d.send(in);
            assertThat(out).singleElement().satisfies(f -> {
                MemorySegment s = MemorySegment.ofArray(f);
                assertThat(EthernetHeader.dst(s, 0)).as("to the next hop").isEqualTo(CLIENT_MAC);
                assertThat(Ipv4Header.src(s, 14)).as("source, untranslated").isEqualTo(PacketBuilder.addr(RS1));
                assertThat(Wire.u16(s, 34)).as("source port").isEqualTo(8080);
                assertThat(Ipv4Header.ttl(s, 14)).isEqualTo(63);
                assertThat(Ipv4Header.checksumValid(s, 14, 20)).isTrue();
                assertThat(f.length).isEqualTo(in.length);
                assertThat(java.util.Arrays.copyOfRange(f, 34, f.length))
                        .as("TCP header and payload").isEqualTo(java.util.Arrays.copyOfRange(in, 34, in.length));
            });
            assertThat(d.dataplane.routed()).isEqualTo(1);

            assertThat(d.send(fromServer(9999, CLIENT))).as("another port: the kernel routes it").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.send(fromServer(8080, LOCAL))).as("for the director: the kernel's").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            d.dataplane.ownAddresses(new int[] {PacketBuilder.addr("10.0.0.1")});
            assertThat(d.send(fromServer(8080, "10.0.0.1"))).as("for another address of the director's").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.dataplane.routed()).isEqualTo(1);
        }
    }

    /**
     * Only what a router forwards: unicast destinations, frames to our unicast MAC, and from the real server's
     * own MAC (not a host elsewhere claiming its address); nothing when the kernel sees the frames (no guard,
     * no XDP program); and a destination known to have no route through our links is dropped at once
     * instead of waiting a second in the queue that new clients' first replies need.
     */
    @Test
    void onlyWhatARouterWouldForwardIsRouted() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            assertThat(d.send(fromServer(8080, CLIENT))).as("guard off: the kernel routes it").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);

            d.dataplane.routeUnclaimed(true, false);
            for (String to : List.of("255.255.255.255", "224.0.0.251", "127.0.0.1", "0.0.0.1", "240.0.0.1")) {
                assertThat(d.send(fromServer(8080, to))).as(to).isEmpty();
                assertThat(d.dataplane.lastDropReason()).as(to).isEqualTo(DropReason.NOT_ROUTED);
            }
            byte[] multicastMac = PacketBuilder.tcp(RS1, 8080, CLIENT, 5555).flags(0x10)
                    .macs(RS1_MAC, 0x01_00_5e_00_00_fbL).build();
            assertThat(d.send(multicastMac)).as("to a multicast MAC").isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NOT_ROUTED);
            byte[] spoofed = PacketBuilder.tcp(RS1, 8080, "10.0.0.12", 5555).flags(0x10)
                    .macs(CLIENT_MAC, OUR_MAC).build();
            assertThat(d.send(spoofed)).as("the real server's address from the client's MAC").isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NOT_ROUTED);
            assertThat(d.dataplane.routed()).isZero();

            d.unreachable.add(PacketBuilder.addr(ELSEWHERE));
            assertThat(d.send(fromServer(8080, ELSEWHERE))).isEmpty();
            assertThat(d.verdict()).as("no route through our links: not queued").isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_NEIGHBOUR);
        }
    }

    /**
     * Fragments from a NAT real server are put together first, as IPVS sees datagrams the kernel reassembled:
     * a connection's reply is translated (never leaked untranslated); one from a service port outside any
     * connection is routed.
     */
    @Test
    void fragmentsFromANatRealServer() throws Exception {
        try (Director d = new Director()) {
            InetServiceKey dns = Director.key(Protocol.UDP, VIP, 53);
            d.service(Protocol.UDP, 53, "rr").server(dns, RS1, 5353, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            assertThat(d.send(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(10).macs(CLIENT_MAC, OUR_MAC)
                    .build())).hasSize(1);
            List<byte[]> reply = Fragments.cut(PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(1000).df(false)
                    .datagram(), 504, RS1_MAC, OUR_MAC);
            assertThat(d.send(reply.get(0))).as("a connection's first fragment, held").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            assertThat(d.send(reply.get(1))).as("the whole reply, translated").singleElement()
                    .satisfies(f -> assertThat(HexFormat.of().formatHex(f)).isEqualTo(HexFormat.of().formatHex(
                            PacketBuilder.udp(VIP, 53, CLIENT, 3333).payload(1000).df(false).ttl(63)
                                    .macs(OUR_MAC, CLIENT_MAC).build())));
            List<byte[]> other = Fragments.cut(PacketBuilder.udp(RS1, 5353, CLIENT, 4444).payload(1000).df(false)
                    .id(0x99).datagram(), 504, RS1_MAC, OUR_MAC);
            assertThat(d.send(other.get(1))).as("outside any connection: held").isEmpty();
            assertThat(d.send(other.get(0))).as("then routed whole").hasSize(1);
            assertThat(d.dataplane.routed()).isEqualTo(1);
        }
    }

    @Test
    void anIcmpErrorFromANatRealServerAboutNoConnectionIsRoutedAndAnUnknownNextHopWaits() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            byte[] quoted = PacketBuilder.udp(CLIENT, 4000, RS1, 53).build();
            byte[] icmp = PacketBuilder.icmp(RS1, CLIENT, 3, 3, 0, java.util.Arrays.copyOfRange(quoted, 14, 14 + 28))
                    .macs(RS1_MAC, OUR_MAC).build();
            assertThat(d.send(icmp)).as("port unreachable, routed").hasSize(1);

            assertThat(d.send(fromServer(8080, ELSEWHERE))).as("no next hop yet").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            assertThat(d.dataplane.routed()).isEqualTo(2);
        }
    }
}
