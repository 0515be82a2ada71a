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
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fragments that reach a worker as they came (AF_XDP) are put together before anything looks at the datagram,
 * as the kernel defragments for IPVS: in any order, repeats ignored; overlapping, overlong, stale or
 * too many datagrams are given up and their fragments counted as dropped.
 */
class ReassemblyTest {
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);

    private static Director dnsDirector() throws Exception {
        Director d = new Director();
        d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static List<byte[]> query(int id, int payload) {
        return Fragments.cut(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(payload).df(false).id(id).datagram(),
                504, CLIENT_MAC, OUR_MAC);
    }

    private static String translated(int id, int payload) {
        return HexFormat.of().formatHex(PacketBuilder.udp(CLIENT, 3333, RS1, 5353).payload(payload).df(false).id(id)
                .ttl(63).macs(OUR_MAC, RS1_MAC).build());
    }

    @Test
    void fragmentsInAnyOrderWithARepeatBecomeOneTranslatedDatagram() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = query(0x10, 1200);
            assertThat(f).hasSize(3);
            assertThat(d.send(f.get(2))).isEmpty();
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.send(f.get(0))).as("a repeat").isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            List<byte[]> out = d.send(f.get(1));
            assertThat(out).singleElement().satisfies(o -> assertThat(HexFormat.of().formatHex(o))
                    .isEqualTo(translated(0x10, 1200)));
            assertThat(d.dataplane.reassembledPackets()).isEqualTo(1);
            assertThat(d.dataplane.totalDrops()).isZero();
            assertThat(d.connections()).hasSize(1);
        }
    }

    /** A repeat of a last fragment whose data is not in 8-byte units is ignored too, as Linux ignores it. */
    @Test
    void aRepeatedLastFragmentOfOddLengthIsIgnored() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = query(0x15, 1203);
            d.send(f.get(0));
            d.send(f.get(2));
            d.send(f.get(2));
            assertThat(d.send(f.get(1))).singleElement().satisfies(o -> assertThat(HexFormat.of().formatHex(o))
                    .isEqualTo(translated(0x15, 1203)));
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isZero();
        }
    }

    /**
     * A middle fragment whose data is not in 8-byte units (here 4 bytes of junk behind its 504) is cut to
     * them, as Linux does: the datagram comes out whole and as sent. A middle fragment of under 8 bytes gives
     * the datagram up.
     */
    @Test
    void aMiddleFragmentNotIn8ByteUnitsIsCutToThem() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = query(0x18, 1200);
            d.send(f.get(0));
            d.send(f.get(2));
            assertThat(d.send(longer(f.get(1), 4))).singleElement().satisfies(o -> assertThat(HexFormat.of()
                    .formatHex(o)).isEqualTo(translated(0x18, 1200)));
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isZero();

            List<byte[]> g = query(0x19, 1200);
            d.send(g.get(0));
            byte[] tiny = java.util.Arrays.copyOf(g.get(1), 14 + 20 + 7);
            PacketBuilder.put16(tiny, 14 + 2, 27);
            PacketBuilder.put16(tiny, 14 + 10, 0);
            PacketBuilder.put16(tiny, 14 + 10, PacketBuilder.checksum(tiny, 14, 20, 0));
            assertThat(d.send(tiny)).isEmpty();
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("the held fragment and this one").isEqualTo(2);
        }
    }

    /** The fragment with {@code extra} more bytes of data behind its own (IP length and checksum fixed). */
    private static byte[] longer(byte[] fragment, int extra) {
        byte[] f = java.util.Arrays.copyOf(fragment, fragment.length + extra);
        for (int k = fragment.length; k < f.length; k++) {
            f[k] = (byte) 0xee;
        }
        PacketBuilder.put16(f, 14 + 2, f.length - 14);
        PacketBuilder.put16(f, 14 + 10, 0);
        PacketBuilder.put16(f, 14 + 10, PacketBuilder.checksum(f, 14, 20, 0));
        return f;
    }

    /** A stale datagram given up when another one takes its place is counted, not lost from the counters. */
    @Test
    void aStaleDatagramGivenUpOnTheWayIsCounted() throws Exception {
        try (Director d = dnsDirector()) {
            d.send(query(0x16, 1200).get(0));
            d.clock[0] += 31 * Director.SECOND;
            d.send(query(0x17, 1200).get(0));
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isEqualTo(1);
            Dataplane p = d.dataplane;
            assertThat(p.frames()).as("one held, one given up").isEqualTo(p.totalDrops() + 1);
        }
    }

    @Test
    void anOverlappingFragmentGivesUpTheDatagram() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = query(0x11, 1200);
            assertThat(d.send(f.get(0))).isEmpty();
            byte[] overlapping = f.get(1).clone();
            PacketBuilder.put16(overlapping, 14 + 6, 0x2000 | 60); // offset 480: overlaps the first's last 24 bytes
            PacketBuilder.put16(overlapping, 14 + 10, 0);
            PacketBuilder.put16(overlapping, 14 + 10, PacketBuilder.checksum(overlapping, 14, 20, 0));
            assertThat(d.send(overlapping)).isEmpty();
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("the held fragment and this one").isEqualTo(2);
            assertThat(d.send(f.get(1))).isEmpty();
            assertThat(d.send(f.get(2))).as("the first fragment is gone: never whole").isEmpty();
            assertThat(d.connections()).isEmpty();
        }
    }

    @Test
    void aDatagramNotWholeWithin30SecondsIsGivenUp() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = query(0x12, 1200);
            d.send(f.get(0));
            d.send(f.get(1));
            d.advance(29);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isZero();
            d.advance(2);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).isEqualTo(2);
            assertThat(d.send(f.get(2))).as("too late").isEmpty();
            assertThat(d.connections()).isEmpty();
            // and a new datagram after that goes through
            List<byte[]> g = query(0x13, 1200);
            d.send(g.get(0));
            d.send(g.get(1));
            assertThat(d.send(g.get(2))).hasSize(1);
        }
    }

    /**
     * While every slot holds a datagram, a new one takes the oldest's place (given up, counted): a trickle of
     * first fragments that never complete cannot shut out datagrams that do.
     */
    @Test
    void whileEverySlotHoldsADatagramANewOneTakesTheOldestsPlace() throws Exception {
        try (Director d = dnsDirector()) {
            for (int id = 0; id < Ipv4Reassembly.SLOTS; id++) {
                assertThat(d.send(query(id, 1200).get(0))).isEmpty();
                d.clock[0] += 1_000_000L;
            }
            List<byte[]> f = query(999, 1200);
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.QUEUED);
            assertThat(d.dataplane.drops(DropReason.FRAGMENT)).as("the oldest, id 0").isEqualTo(1);
            d.send(f.get(1));
            assertThat(d.send(f.get(2))).singleElement().satisfies(o -> assertThat(HexFormat.of().formatHex(o))
                    .isEqualTo(translated(999, 1200)));
            List<byte[]> g = query(5, 1200);
            d.send(g.get(1));
            assertThat(d.send(g.get(2))).as("a held one still completes").singleElement()
                    .satisfies(o -> assertThat(HexFormat.of().formatHex(o)).isEqualTo(translated(5, 1200)));
            List<byte[]> h = query(0, 1200);
            d.send(h.get(1));
            assertThat(d.send(h.get(2))).as("the one given up does not").isEmpty();
        }
    }

    /**
     * With AF_XDP the kernel never sees fragments the XDP program takes: a fragmented datagram a NAT real
     * server starts itself (not from a service port) is routed, not left to the kernel; one to a VIP that
     * no service takes (a large ping) is dropped, not counted as passed.
     */
    @Test
    void withAfXdpWhatWouldBeTheKernelsIsRoutedOrDropped() throws Exception {
        try (Director d = dnsDirector()) {
            d.dataplane.routeUnclaimed(true, true);
            List<byte[]> own = Fragments.cut(PacketBuilder.udp(RS1, 40000, CLIENT, 53).payload(3000).df(false)
                    .datagram(), 1480, RS1_MAC, OUR_MAC);
            List<byte[]> out = List.of();
            for (byte[] x : own) {
                out = d.send(x);
            }
            assertThat(HexFormat.of().formatHex(Fragments.reassemble(out, Director.MTU))).isEqualTo(HexFormat.of()
                    .formatHex(PacketBuilder.udp(RS1, 40000, CLIENT, 53).payload(3000).df(false).ttl(63).datagram()));
            assertThat(d.dataplane.routed()).isEqualTo(1);
            List<byte[]> ping = Fragments.cut(PacketBuilder.icmp(CLIENT, VIP, 8, 0, 0x10001, new byte[3000])
                    .df(false).datagram(), 1480, CLIENT_MAC, OUR_MAC);
            for (byte[] x : ping) {
                d.send(x);
            }
            assertThat(d.verdict()).isEqualTo(Verdict.DROP);
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.FRAGMENT);
        }
    }

    /** A large datagram put together is larger than the MTU: it leaves as fragments again, translated. */
    @Test
    void aDatagramLargerThanTheMtuLeavesAsFragmentsAgain() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = Fragments.cut(PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(5000).df(false).id(0x14)
                    .datagram(), 1480, CLIENT_MAC, OUR_MAC);
            List<byte[]> out = List.of();
            for (byte[] x : f) {
                out = d.send(x);
            }
            assertThat(HexFormat.of().formatHex(Fragments.reassemble(out, Director.MTU))).isEqualTo(HexFormat.of()
                    .formatHex(PacketBuilder.udp(CLIENT, 3333, RS1, 5353).payload(5000).df(false).id(0x14).ttl(63)
                            .datagram()));
        }
    }

    /** Fragments between other hosts are the kernel's, as before. */
    @Test
    void fragmentsForOtherHostsAreLeftToTheKernel() throws Exception {
        try (Director d = dnsDirector()) {
            List<byte[]> f = Fragments.cut(PacketBuilder.udp(CLIENT, 3333, "10.77.0.99", 53).payload(1200).df(false)
                    .datagram(), 504, CLIENT_MAC, OUR_MAC);
            assertThat(d.send(f.get(0))).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }
}
