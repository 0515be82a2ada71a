package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AF_XDP with the steering program on the root side of a veth whose peer lives in a namespace made by the
 * test: steered frames reach the socket and not the kernel, the rest still reach the kernel.
 */
class XskSocketLabTest {

    private static List<AfPacketIoLabTest.Seen> drain(XskSocket io, long millis) {
        List<AfPacketIoLabTest.Seen> seen = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            io.receive((s, off, len) -> seen.add(AfPacketIoLabTest.Seen.of(s, off, len)), 64);
        }
        return seen;
    }

    /** The root namespace's count of ICMP destination-unreachable messages sent (/proc/net/snmp). */
    private static long icmpOutDestUnreachs() throws Exception {
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/snmp")).stream()
                .filter(l -> l.startsWith("Icmp:")).toList();
        List<String> names = List.of(lines.get(0).split(" "));
        return Long.parseLong(lines.get(1).split(" ")[names.indexOf("OutDestUnreachs")]);
    }

    private static String linkDetails(VethLab lab) throws Exception {
        return Shell.run("ip", "-d", "link", "show", "dev", lab.host).orThrow("ip link").output();
    }

    @Test
    void framesToTheSteeredAddressReachTheSocketAndEverythingElseTheKernel() throws Exception {
        try (VethLab lab = VethLab.create()) {
            IpAddress vip = lab.addr(5);
            Shell.run("ip", "addr", "add", vip + "/24", "dev", lab.host).orThrow("addr");
            try (XdpSteering steering = XdpSteering.attach(lab.host);
                    XskSocket io = XskSocket.open(lab.host, 0, 256, 20)) {
                steering.register(0, io);
                steering.steerDestination(vip);
                assertThat(steering.mode()).isEqualTo(XdpMode.NATIVE);
                assertThat(linkDetails(lab)).contains("xdp");

                // datagrams to the VIP reach the socket, and the kernel, which holds the address, never sees
                // them (it would answer the closed port with an ICMP error)
                long unreachBefore = icmpOutDestUnreachs();
                for (int i = 0; i < 3; i++) {
                    lab.inNs("bash", "-c", "echo x > /dev/udp/" + vip + "/9999");
                }
                List<AfPacketIoLabTest.Seen> seen = drain(io, 200);
                assertThat(seen).filteredOn(f -> f.protocol() == 17 && f.src() == lab.nsAddr.v4()).hasSize(3)
                        .allSatisfy(f -> assertThat(f.dst()).isEqualTo(vip.v4()));
                assertThat(icmpOutDestUnreachs() - unreachBefore).as("the kernel answered none").isZero();

                // a ping to the VIP is the kernel's, as with AF_PACKET and the guard: it answers
                Shell.Result toVip = lab.tryInNs("ping", "-c", "2", "-i", "0.2", "-W", "1", vip.toString());
                assertThat(toVip.exitCode()).as("the kernel answered the pings to the VIP").isZero();
                assertThat(drain(io, 100)).filteredOn(f -> f.echoRequest(lab.nsAddr)).isEmpty();

                // the host's own address and ARP still go to the kernel
                lab.inNs("ip", "neigh", "flush", "dev", lab.peer);
                lab.inNs("ping", "-c", "2", "-i", "0.2", "-W", "1", lab.hostAddr.toString());
                assertThat(drain(io, 100)).isEmpty();
                assertThat(io.statistics().rxDropped()).isZero();
            }
            assertThat(linkDetails(lab)).as("the program left the interface on close").doesNotContain("xdp");
            lab.inNs("ping", "-c", "1", "-W", "1", vip.toString());
        }
    }

    @Test
    void aProgramTheVerifierRefusesFailsWithItsLog() {
        io.jlvs.testkit.Lab.requireRoot();
        EbpfAssembler reads0Unset = new EbpfAssembler().exit();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(128, 8);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> XdpSteering.load(new Syscalls(), attr, reads0Unset, "jlvs_bad"))
                    .isInstanceOfSatisfying(BpfLoadException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EACCES.number());
                        assertThat(e.verifierLog()).contains("R0 !read_ok");
                    })
                    .hasMessageContaining("jlvs_bad").hasMessageContaining("R0 !read_ok");
        }
    }

    @Test
    void theProbeFindsAfXdpOnThisKernel() {
        io.jlvs.testkit.Lab.requireRoot();
        assertThat(XskSocket.probe().ok()).as(XskSocket.probe().message()).isTrue();
    }

    @Test
    void framesFromASteeredSourceReachTheSocket() throws Exception {
        try (VethLab lab = VethLab.create();
                XdpSteering steering = XdpSteering.attach(lab.host);
                XskSocket io = XskSocket.open(lab.host, 0, 256, 20)) {
            steering.register(0, io);
            lab.inNs("ping", "-c", "1", "-W", "1", lab.hostAddr.toString());
            steering.steerSource(lab.nsAddr);
            String datagrams = "for i in 1 2; do echo jlvs > /dev/udp/" + lab.addr(9) + "/9999; done";

            // (a peer in the namespace sends through us to another address: a NAT real server's reply)
            lab.inNs("ip", "neigh", "replace", lab.addr(9).toString(), "lladdr",
                    AfPacketIo.formatMac(io.macAddress()), "dev", lab.peer);
            lab.inNs("bash", "-c", datagrams);
            lab.tryInNs("ping", "-c", "2", "-i", "0.2", "-W", "1", lab.hostAddr.toString());
            List<AfPacketIoLabTest.Seen> seen = drain(io, 200);

            assertThat(seen).filteredOn(f -> f.protocol() == 17 && f.src() == lab.nsAddr.v4()).hasSize(2);
            assertThat(seen).as("the server's own pings are the kernel's").noneMatch(f -> f.echoRequest(lab.nsAddr));
            steering.release(lab.nsAddr);
            lab.inNs("bash", "-c", datagrams);
            assertThat(drain(io, 100)).isEmpty();

            // the real server answering the director itself (a health check): the kernel's, not ours
            steering.steerExactly(java.util.Set.of(), java.util.Set.of(lab.nsAddr), java.util.Set.of(lab.hostAddr));
            lab.inNs("bash", "-c", "for i in 1 2; do echo jlvs > /dev/udp/" + lab.hostAddr + "/9999; done");
            assertThat(drain(io, 100)).isEmpty();
        }
    }

    /**
     * A link taken down under a socket with frames to send: the kick is refused (ENETDOWN) and the frames
     * wait, nothing is thrown; after the link is up again they leave. Before, the kick threw and stopped the
     * packet worker for good.
     */
    @Test
    void framesQueuedWhileTheLinkIsDownLeaveAfterItIsUpAgainWithoutAnError() throws Exception {
        try (VethLab lab = VethLab.create();
                XdpSteering steering = XdpSteering.attach(lab.host);
                XskSocket io = XskSocket.open(lab.host, 0, 256, 20)) {
            steering.register(0, io);
            long peerMac = lab.peerMac();
            Shell.run(List.of("ip", "link", "set", lab.host, "down"), 10).orThrow("link down");
            try (Arena arena = Arena.ofConfined()) {
                byte[] f = Frames.icmpEcho(io.macAddress(), peerMac, lab.hostAddr, lab.nsAddr, 0x7d02, 1);
                MemorySegment seg = arena.allocate(f.length);
                MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, 0, f.length);
                for (int i = 0; i < 3; i++) {
                    assertThat(io.transmit(seg, 0, f.length)).isTrue();
                }
                io.flush();
                Shell.run(List.of("ip", "link", "set", lab.host, "up"), 10).orThrow("link up");
                long before = lab.peerCounter("rx_packets");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                    io.flush();
                    return lab.peerCounter("rx_packets") - before >= 3;
                });
            }
        }
    }

    @Test
    void aTransmittedFrameComesOutOfThePeerAndItsAnswerIsSteeredBack() throws Exception {
        try (VethLab lab = VethLab.create();
                XdpSteering steering = XdpSteering.attach(lab.host);
                XskSocket io = XskSocket.open(lab.host, 0, 256, 20)) {
            IpAddress vip = lab.addr(5);
            steering.register(0, io);
            steering.steerDestination(vip);
            long peerMac = lab.peerMac();
            lab.inNs("ip", "neigh", "replace", vip.toString(), "lladdr", AfPacketIo.formatMac(io.macAddress()),
                    "dev", lab.peer);
            // the peer answers each datagram to its closed port with an ICMP error, which is steered back
            lab.inNs("sysctl", "-qw", "net.ipv4.icmp_ratemask=0"); // no rate limit on them
            long before = lab.peerCounter("rx_packets");
            try (Arena arena = Arena.ofConfined()) {
                for (int seq = 1; seq <= 300; seq++) {
                    byte[] f = Frames.udp(io.macAddress(), peerMac, vip, 20000 + seq, lab.nsAddr, 9, seq);
                    MemorySegment seg = arena.allocate(f.length + 6);
                    MemorySegment.copy(f, 0, seg, ValueLayout.JAVA_BYTE, 6, f.length);
                    assertThat(io.transmit(seg, 6, f.length)).isTrue();
                    if (seq % 100 == 0) {
                        io.flush();
                    }
                }
            }

            List<AfPacketIoLabTest.Seen> seen = drain(io, 300);

            assertThat(lab.peerCounter("rx_packets") - before).isGreaterThanOrEqualTo(300);
            assertThat(seen).filteredOn(f -> f.protocol() == 1 && f.icmpType() == 3 && f.dst() == vip.v4())
                    .hasSize(300);
            assertThat(io.framesTransmitted()).isEqualTo(300);
            assertThat(io.statistics().txInvalidDescs()).isZero();
        }
    }
}
