package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, the whole point of connection sync: two `jlvs run --interface` directors on one bridge, the
 * first running --start-daemon master, the second --start-daemon backup. A TCP connection's frames go
 * to the master; the backup then lists it, and when the connection's next frame reaches the backup
 * (failover), the backup counts it on the real server the master chose, although its own scheduler
 * sends a new client to the other one (the master's real server has weight 0 on the backup, the other one weight 0 on the master).
 */
class SyncFailoverLabTest {
    private static final String CLIENT = "192.0.2.66";

    @TempDir
    Path dir;

    private static Shell.Result sh(NetnsLab lab, String ns, String... argv) throws IOException {
        return lab.exec(ns, argv).orThrow(String.join(" ", argv) + " in " + ns);
    }

    private Path startDirector(NetnsLab lab, String ns, String name) throws IOException {
        Path socket = dir.resolve(name + ".sock");
        lab.start(ns, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(),
                "run", "--interface", "eth0", "--socket", socket.toString(), "--no-admin"), dir.resolve(name + ".log"));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            try (ControlClient c = ControlClient.connect(socket)) {
                return c.ping() > 0;
            }
        });
        return socket;
    }

    private static void configure(Path socket, InetServiceKey web, String rs1, int weight1, String rs2, int weight2)
            throws Exception {
        try (ControlClient c = ControlClient.connect(socket)) {
            c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
            c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(rs1), 80, ForwardingMethod.MASQ, weight1)));
            c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(rs2), 80, ForwardingMethod.MASQ, weight2)));
        }
    }

    private static void sendFrames(String python, String rootIf, byte[] dstMac, String vip, int port, int... flags)
            throws IOException {
        byte[][] frames = new byte[flags.length][];
        for (int i = 0; i < flags.length; i++) {
            frames[i] = SyncMasterDaemonLabTest.frame(dstMac, CLIENT, port, vip, 80, flags[i]);
        }
        NamespaceDaemon.sendFrames(python, rootIf, frames);
    }

    private static RealServerView server(Path socket, String address) throws IOException {
        try (ControlClient c = ControlClient.connect(socket)) {
            return c.table().services().getFirst().realServers().stream()
                    .filter(r -> r.server().address().equals(IpAddress.parse(address))).findFirst().orElseThrow();
        }
    }

    @Test
    void theBackupForwardsASyncedConnectionToTheMastersRealServer() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.215." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        String rs1 = net + "11";
        String rs2 = net + "12";
        try (NetnsLab lab = new NetnsLab()) {
            String sw = lab.namespace("sw");
            String d1 = lab.namespace("d1");
            String d2 = lab.namespace("d2");
            sh(lab, sw, "ip", "link", "add", "br0", "type", "bridge");
            sh(lab, sw, "ip", "link", "set", "br0", "up");
            for (String[] l : new String[][] {{d1, "p1", net + "2/24"}, {d2, "p2", net + "3/24"}}) {
                Shell.run(List.of("ip", "link", "add", "eth0", "netns", l[0], "type", "veth", "peer", "name", l[1],
                        "netns", sw), 30).orThrow("veth " + l[1]);
                sh(lab, sw, "ip", "link", "set", l[1], "master", "br0", "up");
                sh(lab, l[0], "ip", "addr", "add", l[2], "dev", "eth0");
                sh(lab, l[0], "ip", "link", "set", "eth0", "up");
            }
            // the test's own port on the bridge, to write the client's frames
            String rootIf = "v" + lab.prefix().substring(2) + "c";
            rootIf = rootIf.length() > 15 ? rootIf.substring(rootIf.length() - 15) : rootIf;
            Shell.run(List.of("ip", "link", "add", rootIf, "type", "veth", "peer", "name", "p0", "netns", sw), 30)
                    .orThrow("veth " + rootIf);
            try {
                Shell.run("ip", "link", "set", rootIf, "up").orThrow("up " + rootIf);
                sh(lab, sw, "ip", "link", "set", "p0", "master", "br0", "up");
                byte[] mac1 = HexFormat.ofDelimiter(":").parseHex(sh(lab, d1, "cat", "/sys/class/net/eth0/address")
                        .output().strip());
                byte[] mac2 = HexFormat.ofDelimiter(":").parseHex(sh(lab, d2, "cat", "/sys/class/net/eth0/address")
                        .output().strip());

                Path master = startDirector(lab, d1, "d1");
                Path backup = startDirector(lab, d2, "d2");
                InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
                configure(master, web, rs1, 1, rs2, 0);         // the master schedules rs1
                configure(backup, web, rs1, 0, rs2, 1);         // the backup would never pick rs1
                try (ControlClient c = ControlClient.connect(backup)) {
                    c.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("backup", "eth0", 0, 0, null, 0, 0)));
                }
                try (ControlClient c = ControlClient.connect(master)) {
                    c.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("master", "eth0", 0, 0, null, 0, 0)));
                }

                sendFrames(python, rootIf, mac1, vip, 47000, 0x02, 0x10, 0x18);
                try (ControlClient c = ControlClient.connect(master)) {
                    assertThat(c.connections()).singleElement()
                            .satisfies(conn -> assertThat(conn.destination()).isEqualTo(IpAddress.parse(rs1)));
                }
                ConnectionView synced;
                try (ControlClient c = ControlClient.connect(backup)) {
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                            .until(() -> !c.connections().isEmpty());
                    synced = c.connections().getFirst();
                }
                assertThat(synced.client()).isEqualTo(IpAddress.parse(CLIENT));
                assertThat(synced.clientPort()).isEqualTo(47000);
                assertThat(synced.destination()).isEqualTo(IpAddress.parse(rs1));
                assertThat(synced.state()).isEqualTo("ESTABLISHED");
                assertThat(server(backup, rs1).activeConns()).isEqualTo(1);

                // failover: the connection's next frame and a new client's SYN reach the backup
                long before = server(backup, rs1).stats().inPackets();
                sendFrames(python, rootIf, mac2, vip, 47000, 0x10);
                sendFrames(python, rootIf, mac2, vip, 47001, 0x02);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> server(backup, rs1).stats().inPackets() == before + 1
                                && server(backup, rs2).stats().conns() == 1);
                assertThat(server(backup, rs1).stats().conns()).isZero();
            } finally {
                Shell.run("ip", "link", "del", rootIf);
            }
        }
    }
}
