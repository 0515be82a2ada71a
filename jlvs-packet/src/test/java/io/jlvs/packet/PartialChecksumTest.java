package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Segments from a sender on the director's own host whose transport checksum was left for the network
 * card (the field holds the pseudo-header sum only, Linux CHECKSUM_PARTIAL): the worker finishes them, so
 * what it forwards verifies at the receiver, and keeps such connections off the fast path.
 */
class PartialChecksumTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);

    /** {@code frame} (Ethernet, 20-byte IPv4 header) as a sender leaving its checksum to the card sends it. */
    static byte[] partial(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int proto = Ipv4Header.protocol(s, 14);
        int length = Ipv4Header.totalLength(s, 14) - 20;
        int field = 34 + (proto == Ipv4Header.PROTO_TCP ? TcpHeader.CHECKSUM : UdpHeader.CHECKSUM);
        Wire.u16(s, field, InternetChecksum.pseudoHeader(Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14), proto, length));
        return frame;
    }

    /** True when the frame's transport checksum verifies against its pseudo-header. */
    static boolean verifies(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int length = Ipv4Header.totalLength(s, 14) - 20;
        int pseudo = InternetChecksum.pseudoHeader(Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14),
                Ipv4Header.protocol(s, 14), length);
        return InternetChecksum.sum(s, 34, length, pseudo) == 0xffff;
    }

    @Test
    void aLeftOverChecksumIsFinishedAndAFinishedOneLeftAlone() {
        SplittableRandom r = new SplittableRandom(1071);
        for (int round = 0; round < 5_000; round++) {
            boolean tcp = r.nextBoolean();
            byte[] f = (tcp ? PacketBuilder.tcp(CLIENT, 1024 + r.nextInt(60000), VIP, 80).flags(0x18)
                    : PacketBuilder.udp(CLIENT, 1024 + r.nextInt(60000), VIP, 53))
                    .src(String.format("10.%d.%d.%d", r.nextInt(256), r.nextInt(256), 1 + r.nextInt(254)))
                    .payload(r.nextInt(1400)).build();
            for (int i = 54; i < f.length; i++) {
                f[i] = (byte) r.nextInt(256);
            }
            fixTransportChecksum(f);
            assertThat(verifies(f)).isTrue();
            byte[] good = f.clone();
            assertThat(complete(f)).as("a finished checksum").isFalse();
            assertThat(f).isEqualTo(good);

            partial(f);
            assertThat(verifies(f)).as("round %d: a left-over checksum does not verify", round).isFalse();
            assertThat(complete(f)).isTrue();
            assertThat(f).as("round %d: finished as the card would", round).isEqualTo(good);
        }
    }

    @Test
    void aSegmentWhoseRightChecksumEqualsThePseudoHeaderSumIsNotTouched() {
        byte[] f = PacketBuilder.tcp(CLIENT, 4000, VIP, 80).flags(0x18).payload(40).build();
        MemorySegment s = MemorySegment.ofArray(f);
        int pseudo = InternetChecksum.pseudoHeader(Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14),
                Ipv4Header.PROTO_TCP, f.length - 34);
        // choose two payload bytes so that the right checksum is exactly the pseudo-header sum
        for (int w = 0; w < 0x10000; w++) {
            Wire.u16(s, 54, w);
            fixTransportChecksum(f);
            if (Wire.u16(s, 34 + TcpHeader.CHECKSUM) == pseudo) {
                break;
            }
        }
        assertThat(Wire.u16(s, 34 + TcpHeader.CHECKSUM)).isEqualTo(pseudo);
        byte[] before = f.clone();
        assertThat(complete(f)).isFalse();
        assertThat(f).isEqualTo(before);
    }

    @Test
    void natConnectionsFromAndToSuchSendersGetChecksumsTheReceiversAccept() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            List<byte[]> out = d.send(partial(ScenarioTest.tcp(CLIENT, 5000, 0x02)));
            assertThat(out).singleElement().satisfies(f -> assertThat(verifies(f)).as("SYN to the real server").isTrue());
            out = d.send(partial(ScenarioTest.reply(RS1, 8080, CLIENT, 5000, 0x12)));
            assertThat(out).singleElement().satisfies(f -> assertThat(verifies(f)).as("SYN-ACK to the client").isTrue());
            out = d.send(partial(PacketBuilder.tcp(CLIENT, 5000, VIP, 80).flags(0x18).payload(333)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(out).singleElement().satisfies(f -> assertThat(verifies(f)).as("data, odd length").isTrue());
            assertThat(d.dataplane.checksumsCompleted()).isEqualTo(3);

            d.send(ScenarioTest.reply(RS1, 8080, CLIENT, 5000, 0x10));
            assertThat(d.dataplane.checksumsCompleted()).as("a finished checksum is not counted").isEqualTo(3);
        }
    }

    @Test
    void udpAndDirectRoutingToo() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            List<byte[]> out = d.send(partial(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(21)
                    .macs(CLIENT_MAC, OUR_MAC).build()));
            assertThat(out).singleElement().satisfies(f -> assertThat(verifies(f)).as("UDP, NAT").isTrue());
            out = d.send(partial(ScenarioTest.tcp(CLIENT, 5001, 0x02)));
            assertThat(out).singleElement().satisfies(f -> {
                assertThat(EthernetHeader.dst(MemorySegment.ofArray(f), 0)).isEqualTo(RS1_MAC);
                assertThat(verifies(f)).as("DR: only the MACs change, the checksum is finished").isTrue();
            });
        }
    }

    @Test
    void suchConnectionsStayOffTheFastPath() throws Exception {
        FakeFlowOffload fast = new FakeFlowOffload();
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 0);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            for (int port : new int[] {6000, 6001}) {
                boolean local = port == 6000;
                for (byte[] f : List.of(ScenarioTest.tcp(CLIENT, port, 0x02),
                        ScenarioTest.reply(RS1, 8080, CLIENT, port, 0x12), ScenarioTest.tcp(CLIENT, port, 0x10),
                        ScenarioTest.reply(RS1, 8080, CLIENT, port, 0x10))) {
                    d.send(local ? partial(f) : f);
                }
            }
            assertThat(fast.offloaded).containsOnlyKeys(FakeFlowOffload.Key.tcp(CLIENT, 6001, VIP, 80),
                    FakeFlowOffload.Key.tcp(RS1, 8080, CLIENT, 6001));
        }
    }

    private static boolean complete(byte[] f) {
        MemorySegment s = MemorySegment.ofArray(f);
        int proto = Ipv4Header.protocol(s, 14);
        int length = Ipv4Header.totalLength(s, 14) - 20;
        return InternetChecksum.completePartial(s, 34, length, Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14), proto,
                proto == Ipv4Header.PROTO_TCP ? TcpHeader.CHECKSUM : UdpHeader.CHECKSUM);
    }

    private static void fixTransportChecksum(byte[] f) {
        MemorySegment s = MemorySegment.ofArray(f);
        int proto = Ipv4Header.protocol(s, 14);
        int length = Ipv4Header.totalLength(s, 14) - 20;
        int field = 34 + (proto == Ipv4Header.PROTO_TCP ? TcpHeader.CHECKSUM : UdpHeader.CHECKSUM);
        Wire.u16(s, field, 0);
        int pseudo = InternetChecksum.pseudoHeader(Ipv4Header.src(s, 14), Ipv4Header.dst(s, 14), proto, length);
        int c = InternetChecksum.finish(InternetChecksum.sum(s, 34, length, pseudo));
        Wire.u16(s, field, proto == Ipv4Header.PROTO_UDP && c == 0 ? 0xffff : c);
    }
}
