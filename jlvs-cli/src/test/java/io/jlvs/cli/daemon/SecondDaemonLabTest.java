package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.JlvsMain;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second `jlvs run` on a host where one runs the packet data plane, started by mistake: it refuses in one
 * line and leaves the running director's nftables guard alone (one director per network namespace holds
 * an abstract UNIX socket as its lock, which `ss -xlp` shows with its pid). Before, it deleted the guard on its way out
 * (with the same pid file after loading the config and starting its checkers; with another, after running
 * beside the first), and the running director's virtual addresses answered every client with a RST.
 */
class SecondDaemonLabTest {
    @TempDir
    Path dir;

    private static List<String> jlvsRun(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "JLVS_SYSCTL_ROOT=/nonexistent",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(), "run"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String guard(NetnsLab lab, String ns) throws Exception {
        return lab.exec(ns, "nft", "list", "table", "ip", "jlvs").output();
    }

    @Test
    void aSecondDaemonRefusesAndTheFirstKeepsItsGuard() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String net = "10.216." + (ProcessHandle.current().pid() % 250) + ".";
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("two");
            lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            Path socket = dir.resolve("first.sock");
            // a dual-stack file: the IPv6 SCTP service is named at start, as the data plane forwards IPv6 TCP and UDP
            // only (by DR, NAT and TUN)
            Path conf = dir.resolve("dual.conf");
            Files.writeString(conf, """
                    virtual_server %1$s100 80 {
                        lb_algo rr
                        lb_kind DR
                        protocol TCP
                        real_server %1$s21 80 {
                        }
                    }
                    virtual_server 2001:db8::100 80 {
                        lb_algo rr
                        lb_kind DR
                        protocol SCTP
                        real_server 2001:db8::21 80 {
                        }
                    }
                    """.formatted(net));
            NamespaceDaemon.start(lab, ns, socket, dir.resolve("first.log"), "--interface", nsIf, "-f",
                    conf.toString(), "--packet-busy-poll", "50");
            long first = Long.parseLong(Files.readString(SocketPaths.pidFileFor(socket)).strip());
            assertThat(guard(lab, ns)).contains("chain prerouting");
            // how it runs, in one line at start
            assertThat(Files.readAllLines(dir.resolve("first.log"))).contains("INFO PacketDirector - packet data plane "
                    + "started on " + nsIf + ": AF_PACKET TPACKET_V2 rings, transmit ring, 1 worker, busy poll 50 us, "
                    + "nftables guard");
            assertThat(Files.readAllLines(dir.resolve("first.log"))).contains("WARN RunCommand - IPv6 virtual service "
                    + "sctp:[2001:db8::100]:80: the packet data plane forwards IPv6 TCP and UDP to Masq, Route and Tunnel "
                    + "real servers with IPv6 addresses only, so its other real servers get no traffic (FULLNAT real "
                    + "servers work)");

            // another socket and pid file: the packet data plane is what the two would share
            List<String> other = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            other.addAll(jlvsRun("--interface", nsIf, "--no-admin", "--socket", dir.resolve("second.sock").toString()));
            Shell.Result r = Shell.run(other, 60);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            // said before the configuration is read: the one line
            assertThat(r.output().lines().filter(l -> !l.startsWith("WARNING:")).toList()).containsExactly(
                    "jlvs: packet data plane cannot start: another jlvs runs the packet data plane in this network "
                            + "namespace (ss -xlp | grep jlvs-packet-data-plane names it); stop it first");
            assertThat(guard(lab, ns)).as("the first director's guard").contains("chain prerouting");
            assertThat(lab.exec(ns, "ss", "-xlp").output()).as("the lock's holder").contains("jlvs-packet-data-plane")
                    .contains("pid=" + first);

            // the same pid file: refused before anything starts
            List<String> same = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            same.addAll(jlvsRun("--interface", nsIf, "--no-admin", "--socket", dir.resolve("third.sock").toString(),
                    "--pid-file", SocketPaths.pidFileFor(socket).toString()));
            r = Shell.run(same, 60);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            // one line: no config loaded, no checker, no listener, nothing logged before it
            assertThat(r.output().lines().filter(l -> !l.startsWith("WARNING:")).toList()).containsExactly(
                    "jlvs: jlvs is already running as pid " + first + " (pid file " + SocketPaths.pidFileFor(socket)
                            + "); stop it first, or remove the file if that process is not jlvs");
            assertThat(guard(lab, ns)).contains("chain prerouting");

            // the packet data plane's lines come out in the daemon's one-line format, not java.util.logging's
            // two lines with a timestamp
            lab.exec(ns, "ip", "link", "set", nsIf, "mtu", "1400").orThrow("mtu");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(Files.readAllLines(dir.resolve("first.log"))).contains("INFO PacketDirector - interface "
                            + nsIf + " has a new MTU (1400): the packet data plane reopens its sockets on it"));
        }
    }

    /**
     * An interface without an IPv4 address is refused in one line that says what to do, before the
     * configuration is read: no checker starts, no listener is bound, nothing is logged before the reason.
     */
    @Test
    void anInterfaceWithoutAnAddressIsRefusedInOneLineBeforeAnythingStarts() throws Exception {
        Lab.requireNetns();
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                virtual_server 192.0.2.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 192.0.2.11 80 {
                        TCP_CHECK {
                        }
                    }
                }
                """);
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("noaddr");
            lab.exec(ns, "ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1").orThrow("veth");
            lab.exec(ns, "ip", "link", "set", "d0", "up").orThrow("up");
            lab.exec(ns, "ip", "link", "set", "d1", "up").orThrow("up");
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(jlvsRun("--interface", "d0", "-f", conf.toString(), "--no-admin", "--socket",
                    dir.resolve("n.sock").toString()));
            Shell.Result r = Shell.run(cmd, 60);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output().lines().filter(l -> !l.startsWith("WARNING:")).toList()).containsExactly(
                    "jlvs: packet data plane cannot start: d0 has no IPv4 address (the director's own, which its "
                            + "ICMP errors and tunnels come from): add one, e.g. ip addr add 192.0.2.2/24 dev d0");
        }
    }

    /**
     * A keepalived.conf asking more than the packet data plane can hold (here more virtual addresses than the
     * fanout program of several workers takes) is refused at start in one line, not run half-broken, and
     * leaves no guard behind. The data plane starts once the file is applied, on the whole table: started
     * first, it would rebuild its filter and guard for each of the 1,001 services as they came, and take
     * minutes.
     */
    @Test
    void aConfigurationBeyondTheDataPlanesCapacityIsRefusedAtStart() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        StringBuilder conf = new StringBuilder();
        for (int i = 0; i < 1001; i++) {
            conf.append("virtual_server 10.90.").append(i / 250).append('.').append(i % 250 + 1).append(" 80 {\n")
                    .append("    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    real_server 10.91.0.11 80 {\n")
                    .append("    }\n}\n");
        }
        Path file = dir.resolve("many.conf");
        Files.writeString(file, conf);
        String net = "10.218." + (ProcessHandle.current().pid() % 250) + ".";
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("many");
            lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            // warnings only: 2,000 lines of checker log would fill the pipe Shell reads once the process ended
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "env", "JLVS_LOG_LEVEL=WARN"));
            cmd.addAll(jlvsRun("--interface", nsIf, "--packet-workers", "2", "-f", file.toString(), "--no-admin",
                    "--socket", dir.resolve("many.sock").toString()));
            Shell.Result r = Shell.run(cmd, 60);
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).contains("jlvs: packet data plane cannot start: more than one worker takes at most "
                    + "1000 virtual addresses, got 1001");
            assertThat(lab.exec(ns, "nft", "list", "tables").output()).as("no guard left").doesNotContain("jlvs");
        }
    }
}
