package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.FIRST_IP_ID;
import static io.jlvs.packet.Director.LOCAL;
import static io.jlvs.packet.Director.MTU;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.model.InetServiceKey;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A packet without DF that does not fit the MTU leaves as fragments, as IPVS's leave the kernel's IP output:
 * a UDP datagram the client sent in fragments (the kernel reassembles them for the data plane's sockets), a
 * NAT real server's large answer, a tunnel's outer packet. The fragments put together again are exactly the
 * datagram IPVS would have sent whole, built here independently.
 */
class FragmentationTest {
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);
    private static final int ID = 0x4242;

    private static PacketBuilder query(int payload) {
        return PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(payload).df(false).id(ID).macs(CLIENT_MAC, OUR_MAC);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String macsOf(byte[] frame) {
        return hex(java.util.Arrays.copyOfRange(frame, 0, 12));
    }

    private static String macs(long dst, long src) {
        byte[] b = new byte[12];
        PacketBuilder.putMac(b, 0, dst);
        PacketBuilder.putMac(b, 6, src);
        return hex(b);
    }

    @Test
    void aNatDatagramLargerThanTheMtuReachesTheRealServerAsFragmentsOfTheTranslatedDatagram() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            List<byte[]> out = d.send(query(4000).build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            assertThat(out).as("1,480 + 1,480 + 1,048 bytes of data").hasSize(3);
            assertThat(macsOf(out.get(0))).isEqualTo(macs(RS1_MAC, OUR_MAC));
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.udp(CLIENT, 3333, RS1, 5353).payload(4000).df(false).id(ID).ttl(63).datagram()));
            assertThat(d.dataplane.fragmentedPackets()).isEqualTo(1);
            assertThat(d.dataplane.totalDrops()).isZero();
            assertThat(d.connections()).as("one connection, counted once").hasSize(1);
        }
    }

    @Test
    void aNatRealServersLargeAnswerReachesTheClientFromTheVirtualServiceAsFragments() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            assertThat(d.send(query(40).build())).hasSize(1);
            byte[] answer = PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(3000).df(false).id(0x777)
                    .macs(RS1_MAC, OUR_MAC).build();
            List<byte[]> out = d.send(answer);
            assertThat(macsOf(out.get(0))).isEqualTo(macs(CLIENT_MAC, OUR_MAC));
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.udp(VIP, 53, CLIENT, 3333).payload(3000).df(false).id(0x777).ttl(63).datagram()));
        }
    }

    /** The answer to a client whose MAC the director has not resolved yet waits, as fragments, then leaves. */
    @Test
    void aLargeAnswerToANewClientWaitsForItsMacAsFragments() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            assertThat(d.send(query(40).build())).hasSize(1);
            d.neighbours.remove(PacketBuilder.addr(CLIENT));
            byte[] answer = PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(3000).df(false).id(0x778)
                    .macs(RS1_MAC, OUR_MAC).build();
            assertThat(d.send(answer)).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            d.neighbours.put(PacketBuilder.addr(CLIENT), CLIENT_MAC);
            d.dataplane.runOnce();
            List<byte[]> out = d.io.takeTransmitted();
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.udp(VIP, 53, CLIENT, 3333).payload(3000).df(false).id(0x778).ttl(63).datagram()));
            assertThat(d.dataplane.forwarded()).as("the query and the answer, once each").isEqualTo(2);
            assertThat(d.dataplane.frames()).isEqualTo(2);
        }
    }

    @Test
    void directRoutingSendsTheDatagramAsFragmentsToTheRealServersMac() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 53, ForwardingMethod.DROUTE, 1);
            List<byte[]> out = d.send(query(2000).build());
            assertThat(out).hasSize(2);
            assertThat(macsOf(out.get(1))).isEqualTo(macs(RS1_MAC, OUR_MAC));
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(2000).df(false).id(ID).ttl(63).datagram()));
        }
    }

    /** IPIP: the inner datagram stays whole; the outer packet (no DF, our next IP id) is fragmented. */
    @Test
    void aTunnelsOuterPacketIsFragmentedWhenTheInnerHasNoDf() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(Director.key(Protocol.TCP, VIP, 80), RS1, 80,
                    TunnelType.IPIP);
            PacketBuilder syn = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1441).df(false);
            List<byte[]> out = d.send(syn.macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(out).hasSize(2);
            byte[] inner = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1441).df(false).ttl(63)
                    .datagram();
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.ipip(LOCAL, RS1, inner).ttl(63).id(FIRST_IP_ID).df(false).datagram()));
            assertThat(d.dataplane.drops(DropReason.TOO_BIG)).isZero();
        }
    }

    /**
     * GRE (with and without --tun-csum) as IPIP: the outer packet, its GRE header and checksum over the whole
     * inner datagram computed before the cut, leaves as fragments; only the first one carries the GRE header.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TunnelChecksum.class, names = {"NOCSUM", "CSUM"})
    void aGreTunnelsOuterPacketIsFragmentedWhenTheInnerHasNoDf(TunnelChecksum checksum) throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").tunnelServer(DNS, RS1, 53, TunnelType.GRE, checksum);
            List<byte[]> out = d.send(query(4001).build());
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            assertThat(out).as("4,057 bytes of GRE packet in 1,480-byte pieces").hasSize(3);
            assertThat(macsOf(out.get(0))).isEqualTo(macs(RS1_MAC, OUR_MAC));
            assertThat(out.get(0)[14 + 9]).as("protocol").isEqualTo((byte) 47);
            byte[] inner = PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(4001).df(false).id(ID).ttl(63).datagram();
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(
                    PacketBuilder.gre(LOCAL, RS1, inner, checksum == TunnelChecksum.CSUM).ttl(63).id(FIRST_IP_ID)
                            .df(false).datagram()));
            assertThat(d.dataplane.fragmentedPackets()).isEqualTo(1);
            assertThat(d.dataplane.totalDrops()).isZero();
        }
    }

    /**
     * Options: the first fragment carries them all; the later ones keep only the "copied" ones (router
     * alert), the others (record route) become NOOPs, as Linux's ip_options_fragment; the header length stays.
     */
    @Test
    void laterFragmentsKeepOnlyTheCopiedOptions() throws Exception {
        byte[] options = {(byte) 0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0};
        byte[] later = {(byte) 0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            List<byte[]> out = d.send(query(3000).ipOptions(options).build());
            assertThat(out).hasSize(3);
            assertThat(hex(Fragments.options(out.get(0)))).isEqualTo(hex(options));
            assertThat(hex(Fragments.options(out.get(1)))).isEqualTo(hex(later));
            assertThat(hex(Fragments.options(out.get(2)))).isEqualTo(hex(later));
            assertThat(hex(Fragments.reassemble(out, MTU))).isEqualTo(hex(PacketBuilder.udp(CLIENT, 3333, RS1, 5353)
                    .payload(3000).df(false).id(ID).ttl(63).ipOptions(options).datagram()));
        }
    }

    @Test
    void withDfTheSenderStillGetsFragmentationNeeded() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            List<byte[]> out = d.send(query(3000).df(true).build());
            assertThat(out).as("fragmentation-needed only").hasSize(1);
            assertThat(d.dataplane.drops(DropReason.FRAG_NEEDED)).isEqualTo(1);
            assertThat(d.dataplane.fragmentedPackets()).isZero();
        }
    }

    /** A fragment cut again keeps its offset base, and its last piece keeps its MF. */
    @Test
    void aFragmentIsCutAgainWithItsOffsetsAndMf() {
        byte[] frame = PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(2992).df(false).fragment(true, 100)
                .macs(CLIENT_MAC, OUR_MAC).build();
        Ipv4Fragmenter f = new Ipv4Fragmenter(9216);
        MemorySegment s = MemorySegment.ofArray(frame);
        assertThat(f.start(s, 0, 14, 1500)).isTrue();
        List<int[]> pieces = new ArrayList<>();
        while (f.next()) {
            MemorySegment b = f.buffer();
            pieces.add(new int[] {Ipv4Header.flagsAndFragment(b, 14), Ipv4Header.totalLength(b, 14)});
        }
        assertThat(pieces).extracting(p -> p[0] & 0x1fff).containsExactly(100, 285, 470);
        assertThat(pieces).extracting(p -> (p[0] & 0x2000) != 0).containsOnly(true);
        assertThat(pieces).extracting(p -> p[1]).containsExactly(1500, 1500, 20 + 3000 - 2 * 1480);
        assertThat(f.start(MemorySegment.ofArray(query(1472).build()), 0, 14, 1500)).as("fits as it is").isFalse();
    }
}
