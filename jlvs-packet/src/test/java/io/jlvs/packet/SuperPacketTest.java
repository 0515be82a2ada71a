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
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * TCP super-packets (Linux GSO) from senders on the director's own host: up to 64 KiB handed over at once,
 * with the segment size beside it and the checksum left for the card. The worker cuts each into the
 * segments its sender meant and forwards those, as the output device would for the kernel's IPVS: what the
 * receiver gets is byte for byte the stream the sender wrote, in frames that fit the MTU, each with checksums
 * that verify.
 */
class SuperPacketTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final int ACK = 0x10;
    private static final int PSH_FIN_ACK = 0x19;
    private static final int CWR = 0x80;

    @Test
    void aNatRealServersSuperPacketReachesTheClientAsItsSegments() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(ScenarioTest.tcp(CLIENT, 5000, 0x02));
            d.send(ScenarioTest.reply(RS1, 8080, CLIENT, 5000, 0x12));
            d.send(ScenarioTest.tcp(CLIENT, 5000, ACK));
            byte[] payload = random(8000, 7);
            byte[] big = PacketBuilder.tcp(RS1, 8080, CLIENT, 5000).flags(CWR | PSH_FIN_ACK).payload(payload)
                    .macs(RS1_MAC, OUR_MAC).id(0xfffe).build();
            Wire.u32(MemorySegment.ofArray(big), 34 + 4, 0xfffff000); // the sequence numbers wrap inside it
            List<byte[]> out = sendSuperPacket(d, PartialChecksumTest.partial(big), 1448);

            assertThat(out).as("8,000 bytes in segments of 1,448").hasSize(6);
            assertSegments(out, payload, 1448, 0xfffff000, 0xfffe, CWR | PSH_FIN_ACK);
            for (byte[] f : out) {
                MemorySegment s = MemorySegment.ofArray(f);
                assertThat(Ipv4Header.src(s, 14)).as("from the virtual service").isEqualTo(PacketBuilder.addr(VIP));
                assertThat(TcpHeader.srcPort(s, 34)).isEqualTo(80);
                assertThat(Ipv4Header.dst(s, 14)).isEqualTo(PacketBuilder.addr(CLIENT));
                assertThat(EthernetHeader.dst(s, 0)).isEqualTo(CLIENT_MAC);
                assertThat(Ipv4Header.ttl(s, 14)).as("routed once").isEqualTo(63);
            }
            assertThat(d.dataplane.segmentedPackets()).as("cut here: this I/O takes no super-packet").isEqualTo(1);
        }
    }

    /**
     * With an I/O that takes super-packets (AF_PACKET with the virtio-net header), a NAT reply leaves whole,
     * rewritten once, with its segment size and a checksum left for the card: the pseudo-header sum of the new
     * addresses, which the kernel's segmentation completes per segment, as for IPVS.
     */
    @Test
    void anIoThatTakesSuperPacketsGetsThemWholeRewritten() throws Exception {
        try (Director d = new Director()) {
            d.io.acceptSuperPackets(true);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(ScenarioTest.tcp(CLIENT, 5003, 0x02));
            d.send(ScenarioTest.reply(RS1, 8080, CLIENT, 5003, 0x12));
            d.send(ScenarioTest.tcp(CLIENT, 5003, ACK));
            byte[] payload = random(8000, 19);
            byte[] big = PacketBuilder.tcp(RS1, 8080, CLIENT, 5003).flags(ACK).payload(payload)
                    .macs(RS1_MAC, OUR_MAC).build();
            assertThat(sendSuperPacket(d, PartialChecksumTest.partial(big), 1448)).as("nothing cut").isEmpty();
            List<MemoryPacketIo.SentSuperPacket> sent = d.io.takeSuperPackets();
            assertThat(sent).hasSize(1);
            MemoryPacketIo.SentSuperPacket p = sent.getFirst();
            MemorySegment s = MemorySegment.ofArray(p.frame());
            assertThat(p.segmentSize()).isEqualTo(1448);
            assertThat(p.l4Offset()).isEqualTo(34);
            assertThat(p.headerLength()).isEqualTo(54);
            assertThat(Ipv4Header.src(s, 14)).isEqualTo(PacketBuilder.addr(VIP));
            assertThat(TcpHeader.srcPort(s, 34)).isEqualTo(80);
            assertThat(EthernetHeader.dst(s, 0)).isEqualTo(CLIENT_MAC);
            assertThat(Ipv4Header.checksumValid(s, 14, 20)).isTrue();
            assertThat(TcpHeader.checksum(s, 34)).as("left for the card: the new pseudo-header sum")
                    .isEqualTo(InternetChecksum.pseudoHeader(PacketBuilder.addr(VIP), PacketBuilder.addr(CLIENT),
                            Ipv4Header.PROTO_TCP, 20 + payload.length));
            assertThat(java.util.Arrays.copyOfRange(p.frame(), 54, p.frame().length)).isEqualTo(payload);
            assertThat(d.dataplane.superPacketsWhole()).isEqualTo(1);
            assertThat(d.dataplane.segmentedPackets()).isZero();
        }
    }

    /** A super-packet of a connection not yet known (no SYN seen) is cut first, as each segment decides. */
    @Test
    void aSuperPacketOfNoKnownConnectionIsCutFirst() throws Exception {
        try (Director d = new Director()) {
            d.io.acceptSuperPackets(true);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            byte[] big = PacketBuilder.tcp(CLIENT, 5004, VIP, 80).flags(ACK).payload(random(3000, 23))
                    .macs(CLIENT_MAC, OUR_MAC).build();
            sendSuperPacket(d, PartialChecksumTest.partial(big), 1448);
            assertThat(d.io.takeSuperPackets()).isEmpty();
            assertThat(d.dataplane.segmentedPackets()).isEqualTo(1);
        }
    }

    @Test
    void aClientsSuperPacketReachesADirectRoutingRealServerAsItsSegments() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            d.send(ScenarioTest.tcp(CLIENT, 5001, 0x02));
            d.send(ScenarioTest.tcp(CLIENT, 5001, ACK));
            byte[] payload = random(5000, 11);
            byte[] big = PacketBuilder.tcp(CLIENT, 5001, VIP, 80).flags(ACK).payload(payload)
                    .macs(CLIENT_MAC, OUR_MAC).id(7).build();
            Wire.u32(MemorySegment.ofArray(big), 34 + 4, 1000);
            List<byte[]> out = sendSuperPacket(d, PartialChecksumTest.partial(big), 1000);

            assertThat(out).hasSize(5);
            assertSegments(out, payload, 1000, 1000, 7, ACK);
            for (byte[] f : out) {
                MemorySegment s = MemorySegment.ofArray(f);
                assertThat(EthernetHeader.dst(s, 0)).as("to the real server's MAC").isEqualTo(RS1_MAC);
                assertThat(Ipv4Header.dst(s, 14)).as("still to the VIP").isEqualTo(PacketBuilder.addr(VIP));
            }
        }
    }

    @Test
    void aSuperPacketOfOneSegmentIsForwardedAsItIs() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            d.send(ScenarioTest.tcp(CLIENT, 5002, 0x02));
            byte[] payload = random(900, 13);
            byte[] small = PacketBuilder.tcp(CLIENT, 5002, VIP, 80).flags(ACK).payload(payload)
                    .macs(CLIENT_MAC, OUR_MAC).build();
            List<byte[]> out = sendSuperPacket(d, PartialChecksumTest.partial(small), 1448);
            assertThat(out).singleElement().satisfies(f -> assertThat(PartialChecksumTest.verifies(f)).isTrue());
            assertThat(d.dataplane.segmentedPackets()).isZero();
        }
    }

    @Test
    void connectionsOfSuchSendersStayOffTheFastPath() throws Exception {
        FakeFlowOffload fast = new FakeFlowOffload();
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 0);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(ScenarioTest.tcp(CLIENT, 6000, 0x02));
            d.send(ScenarioTest.reply(RS1, 8080, CLIENT, 6000, 0x12));
            d.send(ScenarioTest.tcp(CLIENT, 6000, ACK));
            byte[] big = PacketBuilder.tcp(RS1, 8080, CLIENT, 6000).flags(ACK).payload(random(4000, 17))
                    .macs(RS1_MAC, OUR_MAC).build();
            assertThat(sendSuperPacket(d, PartialChecksumTest.partial(big), 1448)).hasSize(3);
            // the fast path forwards frame by frame, as they come: the next super-packet would not fit
            assertThat(fast.offloaded).doesNotContainKey(FakeFlowOffload.Key.tcp(RS1, 8080, CLIENT, 6000));
        }
    }

    private static List<byte[]> sendSuperPacket(Director d, byte[] frame, int segmentSize) {
        assertThat(d.io.injectSuperPacket(frame, segmentSize)).isTrue();
        d.dataplane.runOnce();
        return d.io.takeTransmitted();
    }

    /** The segments carry {@code payload} in order, with headers a receiver accepts. */
    private static void assertSegments(List<byte[]> out, byte[] payload, int segmentSize, int firstSeq, int firstId,
                                       int sentFlags) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < out.size(); i++) {
            byte[] f = out.get(i);
            MemorySegment s = MemorySegment.ofArray(f);
            boolean last = i == out.size() - 1;
            int total = Ipv4Header.totalLength(s, 14);
            assertThat(f.length).as("segment %d: the frame is the packet", i).isEqualTo(14 + total);
            assertThat(total).as("segment %d fits the MTU", i).isLessThanOrEqualTo(Director.MTU);
            int bytes = total - 40;
            assertThat(bytes).as("segment %d's payload", i)
                    .isEqualTo(last ? payload.length - segmentSize * (out.size() - 1) : segmentSize);
            assertThat(Ipv4Header.checksumValid(s, 14, 20)).as("segment %d: IP checksum", i).isTrue();
            assertThat(PartialChecksumTest.verifies(f)).as("segment %d: TCP checksum", i).isTrue();
            assertThat(Wire.u16(s, 14 + 4)).as("segment %d: IP ID", i).isEqualTo((firstId + i) & 0xffff);
            assertThat(Wire.u32(s, 34 + 4)).as("segment %d: sequence number", i).isEqualTo(firstSeq + i * segmentSize);
            int want = sentFlags;
            if (!last) {
                want &= ~0x09; // FIN and PSH on the last only
            }
            if (i > 0) {
                want &= ~CWR; // CWR on the first only
            }
            assertThat(TcpHeader.flags(s, 34)).as("segment %d: TCP flags", i).isEqualTo(want);
            stream.write(f, 54, bytes);
        }
        assertThat(stream.toByteArray()).as("the stream, byte for byte").isEqualTo(payload);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }
}
