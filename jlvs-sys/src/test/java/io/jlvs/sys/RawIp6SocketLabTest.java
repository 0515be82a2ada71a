package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Raw IPv6 sockets on the root namespace's end of a veth pair: VRRP (next header 112) multicast to ff02::12 comes
 * back whole with the hop limit it was sent with, and an unsolicited neighbour advertisement moves the peer
 * namespace's neighbour entry.
 */
class RawIp6SocketLabTest {
    private static final int VRRP = 112;
    private static final IpAddress GROUP = IpAddress.parse("ff02::12");

    /** The link-local address of {@code dev} in this namespace, once it is usable. */
    private static IpAddress linkLocal(String dev) throws java.io.IOException {
        AtomicReference<IpAddress> out = new AtomicReference<>();
        Shell.run(List.of("sysctl", "-q", "-w", "net.ipv6.conf." + dev + ".disable_ipv6=0"), 5);
        await(dev + " link-local").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            String o = Shell.run(List.of("ip", "-o", "-6", "addr", "show", "dev", dev, "scope", "link"), 5).output();
            if (!o.contains("fe80::") || o.contains("tentative")) {
                return false;
            }
            out.set(IpAddress.parse(o.replaceAll("(?s).*inet6 (fe80::[0-9a-f:]+)/.*", "$1")));
            return true;
        });
        return out.get();
    }

    private static byte[] receiveVrid(RawIp6Socket s, int vrid) {
        MemorySegment buf = MemorySegment.ofArray(new byte[2048]);
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            int n = s.receive(buf, 100);
            if (n >= RawIp6Socket.HEADER + 8 && buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 41) == vrid) {
                return Arrays.copyOf(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), n);
            }
        }
        return null;
    }

    @Test
    void multicastToFf02_12ComesBackWholeWithItsHopLimit() throws Exception {
        try (VethLab lab = VethLab.create(); RawIp6Socket sender = RawIp6Socket.open(VRRP);
                RawIp6Socket member = RawIp6Socket.open(VRRP)) {
            IpAddress source = linkLocal(lab.host);
            int ifindex = new Syscalls().ifNameToIndex(lab.host);
            member.bindToDevice(lab.host);
            member.joinGroup(GROUP, ifindex);
            sender.bind(source, ifindex);
            sender.multicastInterface(ifindex);
            sender.multicastLoop(true);
            sender.hopLimit(255);
            byte[] advert = {0x31, 9, 100, 0, 0, 100, 0, 0};

            assertThat(sender.send(GROUP, ifindex, advert)).isEqualTo(8);
            byte[] got = receiveVrid(member, 9);

            assertThat(got).isNotNull().hasSize(48);
            ByteBuffer b = ByteBuffer.wrap(got);
            assertThat(b.get(0) >> 4).as("IP version").isEqualTo(6);
            assertThat(b.getShort(4)).as("payload length").isEqualTo((short) 8);
            assertThat(b.get(6) & 0xff).as("next header").isEqualTo(VRRP);
            assertThat(b.get(7) & 0xff).as("hop limit").isEqualTo(255);
            assertThat(IpAddress.of(Arrays.copyOfRange(got, 8, 24))).as("source").isEqualTo(source);
            assertThat(IpAddress.of(Arrays.copyOfRange(got, 24, 40))).as("destination").isEqualTo(GROUP);
            assertThat(Arrays.copyOfRange(got, 40, 48)).containsExactly(advert);

            sender.hopLimit(254);
            advert[1] = 10;
            sender.send(GROUP, ifindex, advert);
            byte[] lower = receiveVrid(member, 10);
            assertThat(lower).isNotNull();
            assertThat(lower[7] & 0xff).as("hop limit of a packet sent with 254").isEqualTo(254);
            member.leaveGroup(GROUP, ifindex);
        }
    }

    @Test
    void theAdvertisementLeavesFromTheAddressItselfToAllNodesWithHopLimit255() throws Exception {
        try (VethLab lab = VethLab.create(); RawIp6Socket icmp = RawIp6Socket.open(RawIp6Socket.IPPROTO_ICMPV6)) {
            linkLocal(lab.host);
            IpAddress vip = IpAddress.parse("fd00:5e::51");
            Shell.run("ip", "-6", "addr", "add", vip + "/64", "dev", lab.host, "nodad").orThrow("addr add");
            int ifindex = new Syscalls().ifNameToIndex(lab.host);
            icmp.bindToDevice(lab.host);

            NeighbourAdvertisement.send(lab.host, ifindex, vip, 0x020000000042L, false, 1);

            // multicast loop is on: our own all-nodes advertisement comes back to this host's ICMPv6 socket
            MemorySegment buf = MemorySegment.ofArray(new byte[2048]);
            byte[] na = null;
            long end = System.nanoTime() + 2_000_000_000L;
            while (na == null && System.nanoTime() < end) {
                int n = icmp.receive(buf, 100);
                if (n >= 72 && (buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 40) & 0xff) == 136) {
                    na = Arrays.copyOf(buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), n);
                }
            }
            assertThat(na).isNotNull();
            assertThat(na[7] & 0xff).as("hop limit").isEqualTo(255);
            assertThat(IpAddress.of(Arrays.copyOfRange(na, 8, 24))).as("source").isEqualTo(vip);
            assertThat(IpAddress.of(Arrays.copyOfRange(na, 24, 40))).as("destination")
                    .isEqualTo(NeighbourAdvertisement.ALL_NODES);
            assertThat(IpAddress.of(Arrays.copyOfRange(na, 48, 64))).as("target").isEqualTo(vip);
            assertThat(na[44] & 0xff).as("flags: override").isEqualTo(0x20);
            assertThat(na[42] | na[43]).as("checksum filled in by the kernel").isNotZero();
        }
    }

    @Test
    void anUnsolicitedNeighbourAdvertisementOverridesThePeersEntry() throws Exception {
        try (VethLab lab = VethLab.create()) {
            linkLocal(lab.host);
            IpAddress vip = IpAddress.parse("fd00:5e::50");
            lab.inNs("ip", "-6", "neigh", "replace", vip.toString(), "lladdr", "02:00:00:00:00:01", "dev", lab.peer,
                    "nud", "stale");
            int ifindex = new Syscalls().ifNameToIndex(lab.host);
            String mac = Shell.run(List.of("cat", "/sys/class/net/" + lab.host + "/address"), 5).output().strip();

            assertThat(NeighbourAdvertisement.send(lab.host, ifindex, vip, VethLab.parseMac(mac), false, 2))
                    .isEqualTo(2);

            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                    lab.inNs("ip", "-6", "neigh", "show", vip.toString(), "dev", lab.peer)).contains("lladdr " + mac));
        }
    }

    @Test
    void theAdvertisementIsType136WithOverrideTargetAndItsMac() {
        IpAddress vip = IpAddress.parse("2001:db8::10");
        byte[] b = NeighbourAdvertisement.of(vip, 0x020000abcdefL, true);

        assertThat(b).hasSize(32);
        assertThat(b[0] & 0xff).as("type").isEqualTo(136);
        assertThat(b[1]).as("code").isZero();
        assertThat(b[4] & 0xff).as("router and override, not solicited").isEqualTo(0xa0);
        assertThat(IpAddress.of(Arrays.copyOfRange(b, 8, 24))).isEqualTo(vip);
        assertThat(Arrays.copyOfRange(b, 24, 32)).containsExactly(2, 1, 2, 0, 0, 0xab - 256, 0xcd - 256, 0xef - 256);
        assertThat(NeighbourAdvertisement.of(vip, 1, false)[4] & 0xff).as("override only").isEqualTo(0x20);
    }
}
