package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** AF_PACKET on the root side of a veth whose peer lives in a namespace made by the test. */
class AfPacketIoLabTest {

    /** What a handler saw of one frame, copied out of the ring. */
    record Seen(int etherType, int protocol, int src, int dst, int icmpType, int icmpId, int icmpSeq, int length) {
        static Seen of(MemorySegment s, long off, int len) {
            int type = Frames.etherType(s, off);
            if (type != 0x0800 || len < 42) {
                return new Seen(type, -1, 0, 0, -1, -1, -1, len);
            }
            int proto = Frames.ipProtocol(s, off);
            return new Seen(type, proto, Frames.ipSource(s, off), Frames.ipDestination(s, off),
                    proto == 1 ? Frames.icmpType(s, off) : -1, proto == 1 ? Frames.icmpId(s, off) : -1,
                    proto == 1 ? Frames.icmpSeq(s, off) : -1, len);
        }

        boolean echoRequest(IpAddress from) {
            return protocol == 1 && icmpType == 8 && src == from.v4();
        }
    }

    private static List<Seen> drain(AfPacketIo io, long millis) {
        List<Seen> seen = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            io.receive((s, off, len) -> seen.add(Seen.of(s, off, len)), 64);
        }
        return seen;
    }

    @ParameterizedTest
    @EnumSource(RingVersion.class)
    void receivesTheEchoRequestsAPeerSends(RingVersion version) throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ringVersion(version)
                        .pollTimeoutMillis(20).build())) {
            lab.inNs("ping", "-c", "3", "-i", "0.2", "-W", "1", lab.hostAddr.toString());

            List<Seen> seen = drain(io, 300);

            assertThat(seen).filteredOn(f -> f.echoRequest(lab.nsAddr)).hasSize(3)
                    .allSatisfy(f -> assertThat(f.dst()).isEqualTo(lab.hostAddr.v4()))
                    .extracting(Seen::icmpSeq).containsExactly(1, 2, 3);
            // PACKET_IGNORE_OUTGOING: our own echo replies are not looped back
            assertThat(seen).noneMatch(f -> f.protocol() == 1 && f.icmpType() == 0);
            assertThat(io.framesReceived()).isEqualTo(seen.size());
        }
    }

    @Test
    void macAndMtuAreTheInterfaces() throws Exception {
        try (VethLab lab = VethLab.create()) {
            io.jlvs.testkit.Shell.run("ip", "link", "set", lab.host, "mtu", "1400").orThrow("mtu");
            String mac = io.jlvs.testkit.Shell.run("cat", "/sys/class/net/" + lab.host + "/address").output().strip();
            try (AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).build())) {
                assertThat(AfPacketIo.formatMac(io.macAddress())).isEqualTo(mac);
                assertThat(io.mtu()).isEqualTo(1400);
            }
        }
    }

    /**
     * An interface deleted under an open socket: sending is refused and counted, never thrown. Before, the
     * flush of the transmit ring threw ENXIO, which stopped the packet worker for good.
     */
    @ParameterizedTest
    @EnumSource(TxMode.class)
    void framesToADeletedInterfaceAreRefusedAndCountedNotThrown(TxMode mode) throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).txMode(mode).build())) {
            byte[] f = Frames.icmpEcho(io.macAddress(), lab.peerMac(), lab.hostAddr, lab.nsAddr, 7, 1);
            Shell.run(List.of("ip", "link", "del", lab.host), 10).orThrow("ip link del " + lab.host);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate(f.length);
                MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, 0, f.length);
                for (int i = 0; i < 3; i++) {
                    io.transmit(seg, 0, f.length);
                }
                io.flush();
            }
            assertThat(io.transmitRejected()).isEqualTo(3);
            assertThat(io.framesTransmitted()).as("none counted as sent").isZero();
        }
    }

    @ParameterizedTest
    @CsvSource({"SENDTO, TPACKET_V3, false", "TX_RING, TPACKET_V3, false", "SENDTO, TPACKET_V2, false",
            "TX_RING, TPACKET_V2, false", "SENDTO, TPACKET_V2, true", "TX_RING, TPACKET_V2, true"})
    void aCraftedEchoRequestIsAnsweredByThePeer(TxMode mode, RingVersion version, boolean bypass) throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).txMode(mode)
                        .ringVersion(version).qdiscBypass(bypass).pollTimeoutMillis(20).build())) {
            long peerMac = lab.peerMac();
            // the peer must know where to answer without an ARP round trip through the socket under test
            lab.inNs("ip", "neigh", "replace", lab.hostAddr.toString(), "lladdr",
                    AfPacketIo.formatMac(io.macAddress()), "dev", lab.peer);
            int id = 0x5a00 | mode.ordinal() << 4 | version.ordinal() << 2 | (bypass ? 1 : 0);
            try (Arena arena = Arena.ofConfined()) {
                for (int seq = 1; seq <= 3; seq++) {
                    byte[] f = Frames.icmpEcho(io.macAddress(), peerMac, lab.hostAddr, lab.nsAddr, id, seq);
                    MemorySegment seg = arena.allocate(f.length + 10);
                    MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, 10, f.length);
                    assertThat(io.transmit(seg, 10, f.length)).isTrue();
                }
                io.flush();
            }

            List<Seen> seen = drain(io, 300);

            assertThat(seen).filteredOn(f -> f.protocol() == 1 && f.icmpType() == 0 && f.icmpId() == id)
                    .extracting(Seen::icmpSeq).containsExactly(1, 2, 3);
            assertThat(io.framesTransmitted()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(RingVersion.class)
    void aTaggedFrameIsHandedOverWithItsTagAsOnTheWire(RingVersion version) throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ringVersion(version)
                        .blockTimeoutMillis(1).pollTimeoutMillis(20).build())) {
            // the peer sends an 802.1Q frame (VLAN 42, priority 5) through a packet socket of its own; the
            // kernel moves the tag into the packet's metadata before our socket sees it
            String hex = "ffffffffffff" + "020000000042" + "8100" + "a02a" + "0800"
                    + "45000054" + "00004000" + "40010000" + "0a0a0a01" + "0a0a0a02" + "00".repeat(64);
            List<byte[]> raw = new ArrayList<>();
            Shell.Result sent = lab.lab.exec(lab.ns, "python3", "-c", "import socket; s = socket.socket("
                    + "socket.AF_PACKET, socket.SOCK_RAW); s.bind(('" + lab.peer + "', 0)); s.send(bytes.fromhex('"
                    + hex + "'))");
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            long end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end && raw.isEmpty()) {
                io.receive((s, off, len) -> {
                    if (len >= 18 && (s.get(ValueLayout.JAVA_BYTE, off + 11) & 0xff) == 0x42) {
                        byte[] f = new byte[len];
                        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, f, 0, len);
                        raw.add(f);
                    }
                }, 64);
            }
            assertThat(raw).as("the tagged frame").hasSize(1);
            byte[] f = raw.get(0);
            assertThat(HexFormat.of().formatHex(f, 12, 18)).as("tag and type as sent").isEqualTo("8100a02a0800");
            assertThat(f.length).isEqualTo(hex.length() / 2);
            assertThat(HexFormat.of().formatHex(f)).isEqualTo(hex);
        }
    }

    @Test
    void theFilterPassesOnlyVirtualAddressAndRealServerTraffic() throws Exception {
        try (VethLab lab = VethLab.create()) {
            IpAddress vip = lab.hostAddr;
            IpAddress otherLocal = lab.addr(5);
            IpAddress realServer = lab.nsAddr;
            IpAddress otherSource = lab.addr(6);
            io.jlvs.testkit.Shell.run("ip", "addr", "add", otherLocal + "/24", "dev", lab.host).orThrow("addr");
            lab.inNs("ip", "addr", "add", otherSource + "/24", "dev", lab.peer);
            // warm the neighbour caches so no ARP crosses while the filtered socket listens
            lab.inNs("ping", "-c", "1", "-W", "1", vip.toString());
            lab.inNs("ping", "-c", "1", "-W", "1", "-I", otherSource.toString(), otherLocal.toString());

            BpfFilter filter = BpfFilter.builder().destination(vip).build();
            try (AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).filter(filter)
                    .pollTimeoutMillis(20).build())) {
                lab.inNs("ping", "-c", "2", "-i", "0.2", "-I", otherSource.toString(), vip.toString());
                lab.inNs("ping", "-c", "2", "-i", "0.2", "-I", otherSource.toString(), otherLocal.toString());
                List<Seen> seen = drain(io, 300);
                assertThat(seen).hasSize(2).allSatisfy(f -> {
                    assertThat(f.etherType()).isEqualTo(0x0800);
                    assertThat(f.dst()).isEqualTo(vip.v4());
                });
            }

            BpfFilter replies = BpfFilter.builder().source(realServer).build();
            try (AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).filter(replies)
                    .pollTimeoutMillis(20).build())) {
                lab.inNs("ping", "-c", "2", "-i", "0.2", "-I", otherSource.toString(), otherLocal.toString());
                lab.inNs("ping", "-c", "2", "-i", "0.2", "-I", realServer.toString(), otherLocal.toString());
                List<Seen> seen = drain(io, 300);
                assertThat(seen).hasSize(2).allSatisfy(f -> assertThat(f.src()).isEqualTo(realServer.v4()));
            }

            try (AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host)
                    .filter(BpfFilter.builder().destination(vip).arp().build()).pollTimeoutMillis(20).build())) {
                lab.inNs("ip", "neigh", "flush", "dev", lab.peer);
                lab.inNs("ping", "-c", "1", "-W", "1", vip.toString());
                List<Seen> seen = drain(io, 300);
                assertThat(seen).anyMatch(f -> f.etherType() == 0x0806).anyMatch(f -> f.echoRequest(realServer));
            }
        }
    }

    @Test
    void theRingWrapsAroundThousandsOfTimesWithFramesInOrder() throws Exception {
        int count = 3000;
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ring(4096, 16)
                        .frameSize(2048).blockTimeoutMillis(1).pollTimeoutMillis(20)
                        .filter(BpfFilter.builder().source(lab.nsAddr).build()).build())) {
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            io.receive((s, o, l) -> { }, 100);
            Process flood = lab.startInNs(List.of("ping", "-f", "-c", String.valueOf(count), "-W", "1", "-s", "100",
                    lab.hostAddr.toString()));
            EchoRequests echo = new EchoRequests();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && (flood.isAlive() || io.receive((s, o, l) -> { }, 0) > 0)) {
                io.receive(echo, 256);
            }
            echo.drain(io);
            PacketStats stats = io.statistics();
            System.out.printf("[sys] ring wrap: %d echo requests through a 16 x 4 KiB ring, kernel %s%n",
                    echo.requests, stats);

            assertThat(echo.ordered).as("frames handed over in sequence order").isTrue();
            assertThat(echo.requests + stats.drops()).isGreaterThanOrEqualTo(count);
            // a 4 KiB block holds at most 4096 / (48 + 142) = 21 such frames, the ring 16 x 21 = 336:
            // more than three times that went through it
            assertThat(echo.requests).isGreaterThan(3 * 336);
        }
    }

    @Test
    void aV2RingOfThirtyTwoSlotsWrapsWithFramesInOrderAndEachHandedOverAtOnce() throws Exception {
        int count = 3000;
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ringVersion(RingVersion.TPACKET_V2)
                        .ring(4096, 16).frameSize(2048).pollTimeoutMillis(20)
                        .filter(BpfFilter.builder().source(lab.nsAddr).build()).build())) {
            // V2 hands each frame over on its own: one ping's request arrives without any block timeout
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            assertThat(io.receiveReady((s, o, l) -> { }, 100)).as("the echo request is already in its slot")
                    .isEqualTo(1);
            Process flood = lab.startInNs(List.of("ping", "-f", "-c", String.valueOf(count), "-W", "1", "-s", "100",
                    lab.hostAddr.toString()));
            EchoRequests echo = new EchoRequests();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && flood.isAlive()) {
                io.receive(echo, 8);
            }
            echo.drain(io);
            PacketStats stats = io.statistics();
            System.out.printf("[sys] V2 ring wrap: %d echo requests through 32 slots of 2 KiB, kernel %s%n",
                    echo.requests, stats);

            assertThat(echo.ordered).as("frames handed over in sequence order").isTrue();
            assertThat(echo.requests + stats.drops()).isGreaterThanOrEqualTo(count);
            // 16 blocks of 4 KiB hold 2 slots each: the ring went round more than ten times
            assertThat(echo.requests).isGreaterThan(10 * 32);
        }
    }

    /** Counts ICMP echo requests as a ring hands them over, and whether they came in sequence order. */
    private static final class EchoRequests implements io.jlvs.core.io.FrameHandler {
        int requests;
        int lastSeq;
        boolean ordered = true;

        @Override
        public void onFrame(java.lang.foreign.MemorySegment s, long off, int len) {
            if (Frames.icmpType(s, off) == 8) {
                int seq = Frames.icmpSeq(s, off);
                ordered &= seq > lastSeq;
                lastSeq = seq;
                requests++;
            }
        }

        /** Takes what is still in the ring for 200 ms after the flood ended. */
        void drain(AfPacketIo io) {
            long end = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < end) {
                io.receive(this, 256);
            }
        }
    }

    @Test
    void twoFanoutMembersShareTheTrafficWithoutDuplicates() throws Exception {
        try (VethLab lab = VethLab.create()) {
            AfPacketConfig cfg = AfPacketConfig.forInterface(lab.host).fanout(0x4a00 + (int) (ProcessHandle.current()
                    .pid() & 0xff)).pollTimeoutMillis(10).filter(BpfFilter.builder().destination(lab.hostAddr).build())
                    .build();
            try (AfPacketIo a = AfPacketIo.open(cfg); AfPacketIo b = AfPacketIo.open(cfg)) {
                lab.inNs("ip", "addr", "add", lab.addr(6) + "/24", "dev", lab.peer);
                lab.inNs("ping", "-c", "4", "-i", "0.2", lab.hostAddr.toString());
                lab.inNs("ping", "-c", "4", "-i", "0.2", "-I", lab.addr(6).toString(), lab.hostAddr.toString());
                List<Seen> fromA = drain(a, 200);
                List<Seen> fromB = drain(b, 200);
                assertThat(fromA.size() + fromB.size()).isEqualTo(8);
            }
        }
    }

    @Test
    void aFanoutMemberDoesNotSeeWhatTheHostSends() throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ringVersion(RingVersion.TPACKET_V2)
                        .fanout(0x4b00 + (int) (ProcessHandle.current().pid() & 0xff)).pollTimeoutMillis(20).build())) {
            Shell.run("ping", "-c", "3", "-i", "0.2", "-W", "1", lab.nsAddr.toString())
                    .orThrow("ping");

            List<Seen> seen = drain(io, 300);

            // the group's hook ignores the socket's PACKET_IGNORE_OUTGOING; the group flag (Linux 6.8+) does it
            assertThat(io.seesOutgoing()).isFalse();
            assertThat(seen).filteredOn(f -> f.protocol() == 1).extracting(Seen::icmpType).containsExactly(0, 0, 0);
        }
    }

    @Test
    void noSuchInterfaceIsENODEV() {
        assertThatThrownBy(() -> AfPacketIo.open(AfPacketConfig.forInterface("jlvsnosuch0").build()))
                .isInstanceOfSatisfying(NativeIoException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ENODEV");
                    assertThat(e.call()).contains("if_nametoindex");
                });
    }
}
