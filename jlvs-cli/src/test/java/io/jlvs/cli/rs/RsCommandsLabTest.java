package io.jlvs.cli.rs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.core.IpAddress;
import io.jlvs.sys.RawIp6Socket;
import io.jlvs.sys.RawIpSocket;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: {@code jlvs rs-setup} and {@code jlvs rs-tunnel} as a user runs them, in a namespace linked to
 * the root namespace by a veth pair. The test plays the director: it sends IPIP or GRE (raw socket) or GUE
 * (UDP) carrying an ICMP echo request for the VIP, and the real server's echo reply comes back from the VIP.
 */
class RsCommandsLabTest {
    private static final int GUE_PORT = 6080;

    @TempDir
    Path dir;

    private NetnsLab lab;
    private String ns;
    private String nsIf;
    private String net;
    private IpAddress vip;
    /** The root namespace's end of the veth pair. */
    private String hostIf;

    @BeforeEach
    void up() throws IOException {
        Lab.requireNetns();
        net = "10.212." + (ProcessHandle.current().pid() % 250) + ".";
        vip = IpAddress.parse("10.213." + (ProcessHandle.current().pid() % 250) + ".100");
        lab = new NetnsLab();
        ns = lab.namespace("rs");
        hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
        nsIf = lab.exec(ns, "sh", "-c", "ip -o link show | awk -F': ' '$2 !~ /^lo/ {print $2}'")
                .output().strip().replaceAll("@.*", "");
    }

    @AfterEach
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private List<String> jlvs(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Shell.Result run(String... args) throws IOException {
        return lab.exec(ns, jlvs(args).toArray(String[]::new));
    }

    private String sysctl(String key) throws IOException {
        return lab.exec(ns, "sysctl", "-n", key).output().strip();
    }

    private String loAddresses() throws IOException {
        return lab.exec(ns, "ip", "-o", "-4", "addr", "show", "dev", "lo").output();
    }

    @Test
    void rsSetupHidesTheVipOnLoAndUndoRestoresExactlyThePriorValues() throws IOException {
        String state = dir.resolve("state").toString();
        // a prior value that is neither the default nor the wanted one, and one already as wanted
        lab.exec(ns, "sysctl", "-qw", "net.ipv4.conf." + nsIf + ".arp_announce=1", "net.ipv4.conf.all.arp_ignore=1")
                .orThrow("sysctl");

        Shell.Result first = run("rs-setup", "dr", vip.toString(), "--state-dir", state);
        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(loAddresses()).contains("inet " + vip + "/32");
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("2");
        assertThat(sysctl("net.ipv4.conf." + nsIf + ".arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf." + nsIf + ".arp_announce")).isEqualTo("2");
        assertThat(first.output()).contains("net.ipv4.conf." + nsIf + ".arp_announce = 2 (was 1)")
                .doesNotContain("net.ipv4.conf.all.arp_ignore");

        Shell.Result again = run("rs-setup", "dr", vip.toString(), "--state-dir", state);
        assertThat(again.exitCode()).isZero();
        assertThat(again.output().strip()).isEqualTo(vip + " was already set up");

        Shell.Result undo = run("rs-setup", "dr", vip.toString(), "--undo", "--state-dir", state);
        assertThat(undo.exitCode()).as(undo.output()).isZero();
        assertThat(loAddresses()).doesNotContain(vip.toString());
        assertThat(sysctl("net.ipv4.conf.all.arp_ignore")).isEqualTo("1");
        assertThat(sysctl("net.ipv4.conf.all.arp_announce")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf." + nsIf + ".arp_ignore")).isEqualTo("0");
        assertThat(sysctl("net.ipv4.conf." + nsIf + ".arp_announce")).isEqualTo("1");
        try (var files = Files.list(dir.resolve("state"))) {
            assertThat(files).isEmpty();
        }

        Shell.Result twice = run("rs-setup", "dr", vip.toString(), "--undo", "--state-dir", state);
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.output().lines()).hasSize(1);
    }

    @Test
    void rsTunnelDeliversIpipForTheVipAndDropsTheRest() throws Exception {
        Process agent = lab.start(ns, jlvs("rs-tunnel", vip.toString()), dir.resolve("agent.log"));
        awaitStarted();
        assertThat(lab.exec(ns, "ip", "-o", "-4", "addr", "show", "dev", "jlvstun0").output()).contains(vip + "/32");
        assertThat(sysctl("net.ipv4.conf.jlvstun0.rp_filter")).isEqualTo("2");
        try (RawIpSocket ipip = RawIpSocket.open(4, false); RawIpSocket icmp = RawIpSocket.open(1, false)) {
            IpAddress rs = IpAddress.parse(net + "2");
            IpAddress me = IpAddress.parse(net + "1");
            ipip.send(rs, echoRequest(me, IpAddress.parse("10.214.0.1"), 7));
            assertThat(ipip.send(rs, echoRequest(me, vip, 8))).isPositive();
            assertThat(echoReplyFromVip(icmp, 8)).isTrue();
        }
        stop(agent);
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("delivered 1, not for a VIP 1, malformed 0");
        assertThat(lab.exec(ns, "ip", "link", "show", "jlvstun0").exitCode()).isNotZero();
    }

    @Test
    void rsTunnelWithGueDeliversTheInnerPacketOfTheUdpDatagram() throws Exception {
        Process agent = lab.start(ns, jlvs("rs-tunnel", vip.toString(), "--gue", String.valueOf(GUE_PORT),
                "--dev", "gue7"), dir.resolve("agent.log"));
        awaitStarted();
        try (DatagramSocket udp = new DatagramSocket(); RawIpSocket icmp = RawIpSocket.open(1, false)) {
            byte[] inner = echoRequest(IpAddress.parse(net + "1"), vip, 9);
            byte[] gue = ByteBuffer.allocate(4 + inner.length).putInt(4 << 16).put(inner).array();
            udp.send(new DatagramPacket(gue, gue.length, InetAddress.getByName(net + "2"), GUE_PORT));
            assertThat(echoReplyFromVip(icmp, 9)).isTrue();
        }
        stop(agent);
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("GUE on UDP port " + GUE_PORT)
                .contains("delivered 1,");
    }

    /**
     * GRE as the director sends it, without and with --tun-csum; a packet whose checksum does not add up is
     * dropped and counted apart.
     */
    @Test
    void rsTunnelWithGreDeliversTheInnerPacketAndDropsABadChecksum() throws Exception {
        Process agent = lab.start(ns, jlvs("rs-tunnel", vip.toString(), "--gre"), dir.resolve("agent.log"));
        awaitStarted();
        try (RawIpSocket gre = RawIpSocket.open(47, false); RawIpSocket icmp = RawIpSocket.open(1, false)) {
            IpAddress rs = IpAddress.parse(net + "2");
            IpAddress me = IpAddress.parse(net + "1");
            byte[] bad = gre(echoRequest(me, vip, 10), true);
            bad[bad.length - 1] ^= 0x01;
            gre.send(rs, bad);
            assertThat(gre.send(rs, gre(echoRequest(me, vip, 11), false))).isPositive();
            assertThat(echoReplyFromVip(icmp, 11)).isTrue();
            assertThat(gre.send(rs, gre(echoRequest(me, vip, 12), true))).isPositive();
            assertThat(echoReplyFromVip(icmp, 12)).isTrue();
        }
        stop(agent);
        assertThat(Files.readString(dir.resolve("agent.log"))).contains("decapsulating GRE for " + vip)
                .contains("delivered 2, not for a VIP 0, malformed 0, bad checksum 1");
    }

    /**
     * An IPv6 service's real server: {@code jlvs rs-tunnel VIP6} (with {@code --gue}, {@code --gre}) turns what an
     * IPv6 director sends (IPv6-in-IPv6, GUE over IPv6 without a UDP checksum as for --tun-nocsum, GRE over IPv6
     * with protocol type 0x86DD) carrying an ICMPv6 echo request for the IPv6 VIP into an echo reply from it; one
     * for another address is dropped and counted.
     */
    @Test
    void rsTunnelDecapsulatesWhatAnIpv6DirectorSends() throws Exception {
        int n = (int) (ProcessHandle.current().pid() % 250);
        IpAddress me = IpAddress.parse("fd00:212:" + Integer.toHexString(n) + "::1");
        IpAddress rs = IpAddress.parse("fd00:212:" + Integer.toHexString(n) + "::2");
        IpAddress vip6 = IpAddress.parse("fd00:213:" + Integer.toHexString(n) + "::100");
        Shell.run("ip", "-6", "addr", "add", me + "/64", "dev", hostIf, "nodad").orThrow("addr " + me);
        lab.exec(ns, "ip", "-6", "addr", "add", rs + "/64", "dev", nsIf, "nodad").orThrow("addr " + rs);
        int id = 20;
        for (String mode : List.of("ipip", "gue", "gre")) {
            List<String> args = new ArrayList<>(List.of("rs-tunnel", vip6.toString()));
            if (mode.equals("gue")) {
                args.addAll(List.of("--gue", String.valueOf(GUE_PORT)));
            } else if (mode.equals("gre")) {
                args.add("--gre");
            }
            Path log = dir.resolve("agent-" + mode + ".log");
            Process agent = lab.start(ns, jlvs(args.toArray(String[]::new)), log);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("decapsulating"));
            int protocol = switch (mode) {
                case "gue" -> 17;
                case "gre" -> 47;
                default -> 41;
            };
            try (RawIp6Socket tunnel = RawIp6Socket.open(protocol); RawIp6Socket icmp = RawIp6Socket.open(58)) {
                tunnel.send(rs, 0, encapsulate6(mode, echoRequest6(me, IpAddress.parse("fd00:214::1"), id)));
                id++;
                assertThat(tunnel.send(rs, 0, encapsulate6(mode, echoRequest6(me, vip6, id)))).isPositive();
                assertThat(echoReply6FromVip(icmp, vip6, id)).as(mode).isTrue();
                id++;
            }
            stop(agent);
            String what = switch (mode) {
                case "gue" -> "GUE on UDP port " + GUE_PORT;
                case "gre" -> "GRE over IPv6";
                default -> "IPv6-in-IPv6";
            };
            assertThat(Files.readString(log)).contains("decapsulating " + what + " for " + vip6)
                    .contains("delivered 1, not for a VIP 1, malformed 0");
        }
    }

    /** The inner IPv6 packet behind GUE (UDP checksum 0, GUE carrying 41), GRE (0x86DD), or as it is (41). */
    private static byte[] encapsulate6(String mode, byte[] inner) {
        return switch (mode) {
            case "gue" -> ByteBuffer.allocate(8 + 4 + inner.length).putShort((short) 40000).putShort((short) GUE_PORT)
                    .putShort((short) (12 + inner.length)).putShort((short) 0).putInt(41 << 16).put(inner).array();
            case "gre" -> ByteBuffer.allocate(4 + inner.length).putShort((short) 0).putShort((short) 0x86dd)
                    .put(inner).array();
            default -> inner;
        };
    }

    /** An IPv6 ICMPv6 echo request from {@code src} to {@code dst} with identifier {@code id}. */
    private static byte[] echoRequest6(IpAddress src, IpAddress dst, int id) {
        ByteBuffer b = ByteBuffer.allocate(40 + 16);
        b.putInt(6 << 28).putShort((short) 16).put((byte) 58).put((byte) 64).put(src.toBytes()).put(dst.toBytes());
        b.put((byte) 128).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        b.putLong(0x6a6c76732d74756eL);
        byte[] p = b.array();
        // the ICMPv6 checksum covers the pseudo-header: addresses, length, next header
        byte[] pseudo = ByteBuffer.allocate(40 + 16).put(src.toBytes()).put(dst.toBytes()).putInt(16).putInt(58)
                .put(p, 40, 16).array();
        ByteBuffer.wrap(p).putShort(42, checksum(pseudo, 0, pseudo.length));
        return p;
    }

    private static boolean echoReply6FromVip(RawIp6Socket icmp, IpAddress vip6, int id) {
        java.lang.foreign.MemorySegment buffer = java.lang.foreign.MemorySegment.ofArray(new byte[2048]);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            int n = icmp.receive(buffer, 200);
            if (n < 40 + 8) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(buffer.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), 0, n);
            byte[] from = new byte[16];
            b.get(8, from);
            if (java.util.Arrays.equals(from, vip6.toBytes()) && (b.get(40) & 0xff) == 129
                    && (b.getShort(44) & 0xffff) == id) {
                return true;
            }
        }
        return false;
    }

    /** A GRE header (version 0, protocol 0x0800; with {@code checksum} the C bit, checksum, reserved) and {@code inner}. */
    private static byte[] gre(byte[] inner, boolean checksum) {
        int header = checksum ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(header + inner.length);
        b.putShort((short) (checksum ? 0x8000 : 0)).putShort((short) 0x0800);
        if (checksum) {
            b.putInt(0);
        }
        byte[] p = b.put(inner).array();
        if (checksum) {
            ByteBuffer.wrap(p).putShort(4, checksum(p, 0, p.length));
        }
        return p;
    }

    private void awaitStarted() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(dir.resolve("agent.log")).contains("decapsulating"));
    }

    /** SIGTERM to the agent's JVM, as systemd or Ctrl-C would; it prints its counters on the way out. */
    private static void stop(Process launcher) throws Exception {
        long pid = launcher.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .map(ProcessHandle::pid).findFirst().orElse(launcher.pid());
        new ProcessBuilder("kill", "-TERM", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
        assertThat(launcher.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    private boolean echoReplyFromVip(RawIpSocket icmp, int id) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            Optional<byte[]> p = icmp.receive(200);
            if (p.isEmpty()) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(p.get());
            int ihl = (b.get(0) & 0xf) * 4;
            if (b.getInt(12) == vip.v4() && b.get(ihl) == 0 && (b.getShort(ihl + 4) & 0xffff) == id) {
                return true;
            }
        }
        return false;
    }

    /** An IPv4 ICMP echo request from {@code src} to {@code dst} with identifier {@code id}. */
    private static byte[] echoRequest(IpAddress src, IpAddress dst, int id) {
        ByteBuffer b = ByteBuffer.allocate(20 + 16);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 36).putShort((short) id).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 1).putShort((short) 0).putInt(src.v4()).putInt(dst.v4());
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        b.putLong(0x6a6c76732d74756eL);
        byte[] p = b.array();
        ByteBuffer.wrap(p).putShort(10, checksum(p, 0, 20));
        ByteBuffer.wrap(p).putShort(22, checksum(p, 20, 16));
        return p;
    }

    private static short checksum(byte[] p, int from, int length) {
        long sum = 0;
        for (int i = from; i < from + length; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }
}
