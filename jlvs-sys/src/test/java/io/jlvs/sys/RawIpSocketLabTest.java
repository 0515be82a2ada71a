package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Protocol 112 (VRRP) raw sockets between the root namespace and a namespace made by the test. */
class RawIpSocketLabTest {
    private static final int VRRP = 112;
    private static final IpAddress VRRP_GROUP = IpAddress.parse("224.0.0.18");

    /** The namespace's count of packets for a protocol nobody there handles (/proc/net/snmp, Ip: InUnknownProtos). */
    private static long unknownProtos(VethLab lab) throws Exception {
        String[] lines = lab.inNs("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Ip:") && lines[i + 1].startsWith("Ip:")) {
                List<String> names = List.of(lines[i].split("\\s+"));
                return Long.parseLong(lines[i + 1].split("\\s+")[names.indexOf("InUnknownProtos")]);
            }
        }
        throw new AssertionError("no Ip: lines in /proc/net/snmp");
    }

    @Test
    void protocol112PacketsReachThePeer() throws Exception {
        try (VethLab lab = VethLab.create(); RawIpSocket raw = RawIpSocket.open(VRRP, false)) {
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            long before = unknownProtos(lab);

            for (int i = 0; i < 3; i++) {
                assertThat(raw.send(lab.nsAddr, new byte[] {0x21, 1, 100, 1, 0, 1, 0, 0})).isEqualTo(8);
            }

            assertThat(unknownProtos(lab) - before).isEqualTo(3);
        }
    }

    @Test
    void withHeaderIncludedTheCallerWritesTheIpHeader() throws Exception {
        try (VethLab lab = VethLab.create(); RawIpSocket raw = RawIpSocket.open(VRRP, true);
                AfPacketIo tap = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).ignoreOutgoing(false)
                        .pollTimeoutMillis(20).filter(BpfFilter.builder().destination(lab.nsAddr).build()).build())) {
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            tap.receive((s, o, l) -> { }, 100);
            long before = unknownProtos(lab);
            ByteBuffer p = ByteBuffer.allocate(28);
            p.put((byte) 0x45).put((byte) 0xc0).putShort((short) 28).putShort((short) 0x1234).putShort((short) 0);
            p.put((byte) 77).put((byte) VRRP).putShort((short) 0).putInt(lab.hostAddr.v4()).putInt(lab.nsAddr.v4());
            p.putLong(0x2101640100010000L);

            assertThat(raw.send(lab.nsAddr, p.array())).isEqualTo(28);

            List<Integer> ttls = new ArrayList<>();
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                tap.receive((s, off, len) -> {
                    if (Frames.ipProtocol(s, off) == VRRP) {
                        ttls.add(s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + 22) & 0xff);
                    }
                }, 16);
            }
            assertThat(ttls).containsExactly(77);
            assertThat(unknownProtos(lab) - before).isEqualTo(1);
        }
    }

    @Test
    void multicastToTheVrrpGroupIsReceivedWholeByAMember() throws Exception {
        try (VethLab lab = VethLab.create(); RawIpSocket sender = RawIpSocket.open(VRRP, false);
                RawIpSocket member = RawIpSocket.open(VRRP, false)) {
            int ifindex = new Syscalls().ifNameToIndex(lab.host);
            member.joinGroup(VRRP_GROUP, ifindex);
            sender.multicastInterface(ifindex);
            sender.multicastTtl(255);
            sender.multicastLoop(true);
            byte[] advert = {0x21, 7, 100, 1, 0, 1, 0, 0};

            sender.send(VRRP_GROUP, advert);

            Optional<byte[]> got = Optional.empty();
            long end = System.nanoTime() + 2_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < end) {
                got = member.receive(100).filter(b -> b.length >= 28 && b[28 - 8 + 1] == 7);
            }
            assertThat(got).isPresent();
            ByteBuffer b = ByteBuffer.wrap(got.get());
            assertThat(b.get(9) & 0xff).as("protocol").isEqualTo(VRRP);
            assertThat(b.get(8) & 0xff).as("ttl").isEqualTo(255);
            assertThat(b.getInt(16)).as("destination").isEqualTo(VRRP_GROUP.v4());
            assertThat(b.getInt(12)).as("source").isEqualTo(lab.hostAddr.v4());
            byte[] payload = java.util.Arrays.copyOfRange(got.get(), 20, 28);
            assertThat(payload).containsExactly(advert);
            member.leaveGroup(VRRP_GROUP, ifindex);
        }
    }

    @Test
    void receivesWholeIpPacketsOfItsProtocol() throws Exception {
        try (VethLab lab = VethLab.create(); RawIpSocket icmp = RawIpSocket.open(1, false)) {
            icmp.bindToDevice(lab.host);
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());

            Optional<byte[]> request = Optional.empty();
            long end = System.nanoTime() + 2_000_000_000L;
            while (request.isEmpty() && System.nanoTime() < end) {
                request = icmp.receive(100).filter(b -> (b[20] & 0xff) == 8);
            }
            assertThat(request).isPresent();
            ByteBuffer b = ByteBuffer.wrap(request.get());
            assertThat(b.get(0) >> 4).as("IP version").isEqualTo(4);
            assertThat(b.getInt(12)).isEqualTo(lab.nsAddr.v4());
            assertThat(icmp.receive(50)).as("one request, nothing else, in 50 ms").isEmpty();
        }
    }

    /** rs-tunnel's IPIP socket asks for 4 MiB: the default (~200 KiB) dropped a TCP upload's bursts. */
    @Test
    void aLargeReceiveBufferIsGranted() {
        io.jlvs.testkit.Lab.requireRoot();
        try (RawIpSocket ipip = RawIpSocket.open(4, false)) {
            int before = ipip.receiveBufferSize();
            assertThat(ipip.receiveBuffer(4 << 20).receiveBufferSize()).isGreaterThanOrEqualTo(4 << 20)
                    .isGreaterThan(before);
        }
    }
}
