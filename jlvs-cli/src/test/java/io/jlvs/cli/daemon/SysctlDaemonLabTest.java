package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, end to end: the IPVS sysctls of `jlvs run`. sloppy_tcp (a director taking over without
 * connection sync): a client's mid-stream ACK, with no SYN seen, opens an ESTABLISHED connection to a real
 * server; without it the data plane drops it (SloppyTest). From `--sysctl`, and from a sysctl file edited
 * while running, then SIGHUP. The settings in force are logged.
 */
class SysctlDaemonLabTest {
    private static final String CLIENT = "192.0.2.56";

    @TempDir
    Path dir;

    /** A daemon in a namespace with a veth to the root namespace, a NAT service on its VIP, and its log. */
    private record Rig(NetnsLab lab, String hostIf, byte[] nsMac, String vip, Path socket, Path log, Process daemon,
                       String python) {
        /** A client's TCP ACK from port {@code port} to the VIP, written onto the link. */
        void sendAck(int port) throws Exception {
            NamespaceDaemon.sendFrames(python, hostIf, SyncMasterDaemonLabTest.frame(nsMac, CLIENT, port, vip, 80, 0x10));
        }

        /** A client's TCP SYN from port {@code port} to the VIP. */
        void sendSyn(int port) throws Exception {
            NamespaceDaemon.sendFrames(python, hostIf, SyncMasterDaemonLabTest.frame(nsMac, CLIENT, port, vip, 80, 0x02));
        }

        void awaitLog(String line) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(line));
        }

        List<io.jlvs.core.view.ConnectionView> connections() throws Exception {
            try (ControlClient c = ControlClient.connect(socket)) {
                return c.connections();
            }
        }
    }

    private interface Body {
        void run(Rig rig) throws Exception;
    }

    private void withDaemon(int subnet, List<String> env, List<String> args, Body body) throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10." + subnet + "." + (ProcessHandle.current().pid() % 250) + ".";
        Path socket = dir.resolve("jlvs.sock");
        Path log = dir.resolve("daemon.log");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("sy");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = NamespaceDaemon.mac(lab, ns, nsIf);
            List<String> all = new java.util.ArrayList<>(List.of("--interface", nsIf));
            all.addAll(args);
            Process daemon = NamespaceDaemon.start(lab, ns, socket, log, env, all.toArray(String[]::new));
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(net + "100"), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web,
                        RealServer.of(IpAddress.parse(net + "1"), 8080, ForwardingMethod.MASQ, 1)));
            }
            body.run(new Rig(lab, hostIf, nsMac, net + "100", socket, log, daemon, python));
        }
    }

    /** {@code --ftp-ports}: the data plane starts with IPVS's FTP helper on those ports (its start line says so). */
    @Test
    void ftpPortsFromTheCommandLineReachTheDataPlane() throws Exception {
        withDaemon(221, List.of(), List.of("--ftp-ports", "21,2121"), rig -> {
            rig.awaitLog("FTP helper on ports 21,2121");
            rig.awaitLog("--ftp-ports without --ftp-passive-ports: every TCP port");
        });
    }

    /** {@code --ftp-passive-ports}: the range reaches the data plane, and no warning. */
    @Test
    void ftpPassivePortsFromTheCommandLineReachTheDataPlane() throws Exception {
        withDaemon(222, List.of(), List.of("--ftp-ports", "21", "--ftp-passive-ports", "30000-30099"), rig -> {
            rig.awaitLog("FTP helper on port 21 (passive ports 30000-30099)");
            assertThat(java.nio.file.Files.readString(rig.log())).doesNotContain("without --ftp-passive-ports");
        });
    }

    @Test
    void sloppyTcpFromTheCommandLineOpensAConnectionOnAMidStreamAck() throws Exception {
        withDaemon(218, List.of(), List.of("--sysctl", "net.ipv4.vs.sloppy_tcp=1"), rig -> {
            rig.awaitLog("IPVS setting net.ipv4.vs.sloppy_tcp = 1 (from --sysctl)");
            rig.sendAck(45679);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(rig.connections()).as("connections after one ACK").anySatisfy(v -> {
                        assertThat(v.client()).isEqualTo(IpAddress.parse(CLIENT));
                        assertThat(v.clientPort()).isEqualTo(45679);
                        assertThat(v.state()).isEqualTo("ESTABLISHED");
                    }));
        });
    }

    /**
     * IPVS's drop_packet defence, always on (mode 3) with am_droprate 2: of four new connections, the first and
     * the third are refused, as the kernel's counter does; without the setting all four would be listed.
     */
    @Test
    void dropPacketFromTheCommandLineRefusesOneNewConnectionInEveryAmDroprate() throws Exception {
        withDaemon(219, List.of(), List.of("--sysctl", "net.ipv4.vs.drop_packet=3", "--sysctl",
                "net.ipv4.vs.am_droprate=2"), rig -> {
            rig.awaitLog("IPVS setting net.ipv4.vs.drop_packet = 3 (from --sysctl)");
            for (int port = 45690; port < 45694; port++) {
                rig.sendSyn(port);
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(rig.connections()).extracting(v -> v.clientPort())
                            .containsExactlyInAnyOrder(45691, 45693));
        });
    }

    /**
     * {@code --packet-connections 1024}: the worker's table holds 1,024 entries; of 1,100 new connections the
     * rest are refused (IPVS's table grows with memory; jlvs's is sized at start).
     */
    @Test
    void aTableSizedOnTheCommandLineHoldsThatManyConnections() throws Exception {
        withDaemon(220, List.of(), List.of("--packet-connections", "1024"), rig -> {
            byte[][] syns = new byte[1100][];
            for (int i = 0; i < syns.length; i++) {
                syns[i] = SyncMasterDaemonLabTest.frame(rig.nsMac(), CLIENT, 20000 + i, rig.vip(), 80, 0x02);
            }
            NamespaceDaemon.sendFrames(rig.python(), rig.hostIf(), syns);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(rig.connections()).hasSize(1024));
            // and never more, for a while after
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> rig.connections().size() == 1024);
        });
    }

    /**
     * The sysctl files (under JLVS_SYSCTL_ROOT here) at start, and again at SIGHUP (`jlvs reload`), as an SRE
     * edits /etc/sysctl.d: sloppy_tcp off at start (a mid-stream ACK opens nothing), on after the reload.
     */
    @Test
    void aSysctlFileEditedWhileRunningAppliesAtSighup() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("root/etc/sysctl.d"));
        Files.writeString(etc.resolve("90-lvs.conf"), "net.ipv4.vs.sloppy_tcp = 0\n");
        withDaemon(219, List.of("JLVS_SYSCTL_ROOT=" + dir.resolve("root")), List.of(), rig -> {
            rig.awaitLog("IPVS setting net.ipv4.vs.sloppy_tcp = 0 (from " + etc);
            rig.sendAck(45680);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(rig.connections()).as("sloppy_tcp off").isEmpty());
            Files.writeString(etc.resolve("90-lvs.conf"), "net.ipv4.vs.sloppy_tcp = 1\n");
            // ip netns exec execs env, which execs the JVM: the started process is the daemon
            Shell.run(List.of("kill", "-HUP", Long.toString(rig.daemon().pid())), 10).orThrow("SIGHUP");
            rig.awaitLog("SIGHUP: IPVS setting net.ipv4.vs.sloppy_tcp = 1");
            rig.sendAck(45681);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(rig.connections()).as("sloppy_tcp on after SIGHUP")
                            .anySatisfy(v -> assertThat(v.clientPort()).isEqualTo(45681)));
        });
    }
}
