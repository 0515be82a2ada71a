package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A packet larger than the director's MTU (a datagram the kernel reassembled from fragments, or one from a
 * link with a larger MTU) is never sent as it is: with DF the sender gets fragmentation-needed with the MTU,
 * as from IPVS, without DF it leaves as fragments, as from the kernel's IP output (FragmentationTest). The
 * next packet goes through.
 */
class MtuTest {
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);

    private static byte[] datagram(int payload, boolean df) {
        return PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(payload).df(df).macs(CLIENT_MAC, OUR_MAC).build();
    }

    @Test
    void overMtuGetsFragmentationNeededWithDfAndIsFragmentedWithout() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);

            assertThat(d.send(datagram(1700, false))).as("two fragments").hasSize(2);
            assertThat(d.dataplane.fragmentedPackets()).isEqualTo(1);

            List<byte[]> out = d.send(datagram(1700, true));
            assertThat(out).singleElement().satisfies(f -> fragmentationNeeded(f, CLIENT, CLIENT, 3333, VIP, 53));
            assertThat(d.dataplane.drops(DropReason.FRAG_NEEDED)).isEqualTo(1);

            assertThat(d.send(datagram(1472, true))).as("a datagram of exactly the MTU").hasSize(1);
        }
    }

    /**
     * A NAT real server's reply over the MTU (a link towards the client with a smaller MTU): the real server
     * gets fragmentation-needed quoting its reply as it sent it (from its own address and port), so that it
     * finds its socket and sends smaller packets. Before, the quote was the translated reply (from the VIP),
     * sent to the VIP: the real server never heard, and a download through a smaller MTU stalled.
     */
    @Test
    void aNatReplyOverTheMtuTellsTheRealServerAboutItsOwnPacket() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            assertThat(d.send(datagram(100, true))).hasSize(1); // the connection

            byte[] reply = PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(1700).df(true)
                    .macs(Director.RS1_MAC, OUR_MAC).build();
            List<byte[]> out = d.send(reply);
            assertThat(out).singleElement().satisfies(f -> fragmentationNeeded(f, RS1, RS1, 5353, CLIENT, 3333));
            assertThat(d.dataplane.drops(DropReason.FRAG_NEEDED)).isEqualTo(1);
        }
    }

    /** {@code f} is fragmentation-needed with our MTU to {@code to}, quoting a UDP packet src:sport → dst:dport. */
    private static void fragmentationNeeded(byte[] f, String to, String src, int sport, String dst, int dport) {
        MemorySegment s = MemorySegment.ofArray(f);
        assertThat(Ipv4Header.dst(s, 14)).as("sent to").isEqualTo(PacketBuilder.addr(to));
        assertThat(Ipv4Header.protocol(s, 14)).isEqualTo(Ipv4Header.PROTO_ICMP);
        assertThat(Wire.u8(s, 34)).as("type").isEqualTo(IcmpHeader.TYPE_DEST_UNREACH);
        assertThat(Wire.u8(s, 35)).as("code").isEqualTo(IcmpHeader.CODE_FRAG_NEEDED);
        assertThat(Wire.u16(s, 40)).as("next-hop MTU").isEqualTo(Director.MTU);
        long quoted = 42; // the packet as its sender sent it
        assertThat(Ipv4Header.src(s, quoted)).as("quoted source").isEqualTo(PacketBuilder.addr(src));
        assertThat(Ipv4Header.dst(s, quoted)).as("quoted destination").isEqualTo(PacketBuilder.addr(dst));
        assertThat(Wire.u16(s, quoted + 20)).as("quoted source port").isEqualTo(sport);
        assertThat(Wire.u16(s, quoted + 22)).as("quoted destination port").isEqualTo(dport);
        assertThat(Ipv4Header.ttl(s, quoted)).as("quoted TTL, not yet decremented").isEqualTo(64);
    }
}
