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
import io.jlvs.core.view.ConnectionView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, end to end: `jlvs run --sysctl net.ipv4.vs.sloppy_tcp=1` (a director taking over without
 * connection sync). A client's mid-stream ACK, with no SYN seen, opens an ESTABLISHED connection to a real
 * server; without the setting the data plane drops it (SloppyTest). The setting in force is logged.
 */
class SysctlDaemonLabTest {
    private static final String CLIENT = "192.0.2.56";

    @TempDir
    Path dir;

    /**
     * The sysctl files (under JLVS_SYSCTL_ROOT here) at start, and again at SIGHUP (`jlvs reload`), as an SRE
     * edits /etc/sysctl.d: sloppy_tcp off at start (a mid-stream ACK opens nothing), on after the reload.
     */
    @Test
    void aSysctlFileEditedWhileRunningAppliesAtSighup() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.219." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        Path socket = dir.resolve("jlvs.sock");
        Path log = dir.resolve("daemon.log");
        Path etc = Files.createDirectories(dir.resolve("root/etc/sysctl.d"));
        Files.writeString(etc.resolve("90-lvs.conf"), "net.ipv4.vs.sloppy_tcp = 0\n");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("sh");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = HexFormat.ofDelimiter(":").parseHex(
                    lab.exec(ns, "cat", "/sys/class/net/" + nsIf + "/address").output().strip());
            Process daemon = NamespaceDaemon.start(lab, ns, socket, log, List.of("JLVS_SYSCTL_ROOT=" + dir.resolve("root")),
                    "--interface", nsIf);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                    "IPVS setting net.ipv4.vs.sloppy_tcp = 0 (from " + etc));
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web,
                        RealServer.of(IpAddress.parse(net + "1"), 8080, ForwardingMethod.MASQ, 1)));
            }
            sendAck(python, hostIf, nsMac, vip, 45680);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
                try (ControlClient c = ControlClient.connect(socket)) {
                    assertThat(c.connections()).as("sloppy_tcp off").isEmpty();
                }
            });
            Files.writeString(etc.resolve("90-lvs.conf"), "net.ipv4.vs.sloppy_tcp = 1\n");
            Shell.run(List.of("kill", "-HUP", Long.toString(daemonPid(daemon))), 10).orThrow("SIGHUP");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                    "SIGHUP: IPVS setting net.ipv4.vs.sloppy_tcp = 1"));
            sendAck(python, hostIf, nsMac, vip, 45681);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try (ControlClient c = ControlClient.connect(socket)) {
                    assertThat(c.connections()).as("sloppy_tcp on after SIGHUP")
                            .anySatisfy(v -> assertThat(v.clientPort()).isEqualTo(45681));
                }
            });
        }
    }

    /** The JVM of `ip netns exec ... java`: ip execs it, so the started process is the JVM. */
    private static long daemonPid(Process p) {
        return p.pid();
    }

    private static void sendAck(String python, String hostIf, byte[] nsMac, String vip, int port) throws Exception {
        Shell.run(List.of(python, "-c", """
                import socket, sys
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind((sys.argv[1], 0))
                s.send(bytes.fromhex(sys.argv[2]))
                """, hostIf, HexFormat.of().formatHex(
                SyncMasterDaemonLabTest.frame(nsMac, CLIENT, port, vip, 80, 0x10))), 30).orThrow("send");
    }

    @Test
    void sloppyTcpFromTheCommandLineOpensAConnectionOnAMidStreamAck() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.218." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        Path socket = dir.resolve("jlvs.sock");
        Path log = dir.resolve("daemon.log");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("sy");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = HexFormat.ofDelimiter(":").parseHex(
                    lab.exec(ns, "cat", "/sys/class/net/" + nsIf + "/address").output().strip());
            NamespaceDaemon.start(lab, ns, socket, log, "--interface", nsIf, "--sysctl", "net.ipv4.vs.sloppy_tcp=1");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                    "IPVS setting net.ipv4.vs.sloppy_tcp = 1 (from --sysctl)"));
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web,
                        RealServer.of(IpAddress.parse(net + "1"), 8080, ForwardingMethod.MASQ, 1)));
            }
            sendAck(python, hostIf, nsMac, vip, 45679);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                try (ControlClient c = ControlClient.connect(socket)) {
                    List<ConnectionView> conns = c.connections();
                    assertThat(conns).as("connections after one ACK").anySatisfy(v -> {
                        assertThat(v.client()).isEqualTo(IpAddress.parse(CLIENT));
                        assertThat(v.clientPort()).isEqualTo(45679);
                        assertThat(v.state()).isEqualTo("ESTABLISHED");
                    });
                }
            });
        }
    }
}
