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
 * as from IPVS, without DF it is dropped as too big (we do not fragment). The next packet goes through.
 */
class MtuTest {
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);

    private static byte[] datagram(int payload, boolean df) {
        return PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(payload).df(df).macs(CLIENT_MAC, OUR_MAC).build();
    }

    @Test
    void overMtuGetsFragmentationNeededWithDfAndIsDroppedWithout() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);

            assertThat(d.send(datagram(1700, false))).as("nothing sent").isEmpty();
            assertThat(d.dataplane.drops(DropReason.TOO_BIG)).isEqualTo(1);

            List<byte[]> out = d.send(datagram(1700, true));
            assertThat(out).singleElement().satisfies(f -> {
                MemorySegment s = MemorySegment.ofArray(f);
                assertThat(Ipv4Header.dst(s, 14)).isEqualTo(PacketBuilder.addr(CLIENT));
                assertThat(Ipv4Header.protocol(s, 14)).isEqualTo(Ipv4Header.PROTO_ICMP);
                assertThat(Wire.u8(s, 34)).as("type").isEqualTo(IcmpHeader.TYPE_DEST_UNREACH);
                assertThat(Wire.u8(s, 35)).as("code").isEqualTo(IcmpHeader.CODE_FRAG_NEEDED);
                assertThat(Wire.u16(s, 40)).as("next-hop MTU").isEqualTo(Director.MTU);
            });
            assertThat(d.dataplane.drops(DropReason.FRAG_NEEDED)).isEqualTo(1);

            assertThat(d.send(datagram(1472, true))).as("a datagram of exactly the MTU").hasSize(1);
        }
    }
}
