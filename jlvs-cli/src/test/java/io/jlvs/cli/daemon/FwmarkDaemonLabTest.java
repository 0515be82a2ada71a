package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lab tier, end to end: a keepalived.conf with {@code virtual_server fwmark N} under `jlvs run -I`, whose
 * packet data plane sees no netfilter mark. {@code --fwmark-rule} says which packets carry the mark, as the
 * iptables MARK rules beside the service do, the last matching one giving the mark: a client's SYN to the
 * marked address and port opens a connection of the fwmark service, one to another port does not, and the
 * director's kernel still answers that other port (the nftables guard drops only what the rules hand to a
 * fwmark service). A fwmark service no rule marks, and a rule's mark no service has, are named at start.
 * Before, `jlvs run` had no way to give marks: fwmark services got no packets, without a word.
 */
class FwmarkDaemonLabTest {
    private static final String CLIENT = "192.0.2.57";

    @TempDir
    Path dir;

    /** With one packet worker and with two (whose fanout program knows the rules' address ranges). */
    @ParameterizedTest(name = "packet workers: {0}")
    @ValueSource(ints = {1, 2})
    void fwmarkRulesSendWhatTheyMarkToTheFwmarkServiceAndLeaveTheRestToTheKernel(int workers) throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.220." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        Path conf = dir.resolve("keepalived.conf");
        String fwmark8 = """
                virtual_server fwmark 8 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server %1$s1 8081 {
                        weight 1
                    }
                }
                """.formatted(net);
        Files.writeString(conf, """
                virtual_server fwmark 7 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server %1$s1 8080 {
                        weight 1
                    }
                }
                """.formatted(net) + fwmark8);
        Path socket = dir.resolve("jlvs.sock");
        Path log = dir.resolve("daemon.log");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("fm");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = NamespaceDaemon.mac(lab, ns, nsIf);
            // every TCP port of the VIP gets mark 9 (no service has it), then 80 and 443 mark 7: the later rule wins
            Process daemon = NamespaceDaemon.start(lab, ns, socket, log, "--interface", nsIf, "--use-file", conf.toString(),
                    "--fwmark-rule", "9:tcp:" + vip, "--fwmark-rule", "7:tcp:" + vip + ":80,443",
                    "--packet-workers", String.valueOf(workers));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                    "fwmark service 8 gets no packets from the packet data plane"));
            assertThat(Files.readString(log)).doesNotContain("fwmark service 7 gets no packets")
                    .contains("--fwmark-rule mark 9: no fwmark service 9 (yet); the packets it marks are left to "
                            + "the kernel");

            for (int[] syn : new int[][] {{45700, 80}, {45701, 443}, {45702, 8443}}) {
                send(python, hostIf, nsMac, syn[0], vip, syn[1]);
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(connections(socket)).as("connections after SYNs to ports 80, 443 and 8443")
                            .extracting(ConnectionView::clientPort).containsExactlyInAnyOrder(45700, 45701));
            assertThat(connections(socket)).allSatisfy(v -> {
                assertThat(v.client()).isEqualTo(IpAddress.parse(CLIENT));
                assertThat(v.destination()).isEqualTo(IpAddress.parse(net + "1"));
                assertThat(v.destinationPort()).as("fwmark 7's real server").isEqualTo(8080);
            });

            // a port the rules hand to no service stays the kernel's: a connection to it is refused at once
            // (RST from the director's kernel), not dropped by the guard
            lab.exec(ns, "ip", "addr", "add", vip + "/32", "dev", nsIf).orThrow("VIP on the director");
            Shell.run(List.of("ip", "route", "add", vip + "/32", "dev", hostIf), 10).orThrow("route to the VIP");
            Shell.Result r = Shell.run(List.of(python, "-c", """
                    import socket, sys
                    try:
                        socket.create_connection((sys.argv[1], 8443), timeout=3)
                        print("open")
                    except ConnectionRefusedError:
                        print("refused")
                    except OSError as e:
                        print("no answer:", e)
                    """, vip), 20);
            assertThat(r.output().strip()).as("TCP to VIP:8443").isEqualTo("refused");

            // SIGHUP with fwmark 9 in the file: mark 9's packets (VIP:8443) go to it now; the new fwmark 10,
            // which no rule marks, is named
            Files.writeString(conf, Files.readString(conf) + fwmark8.replace("fwmark 8", "fwmark 9")
                    .replace("8081", "8089") + fwmark8.replace("fwmark 8", "fwmark 10"));
            Shell.run(List.of("kill", "-HUP", Long.toString(daemon.pid())), 10).orThrow("SIGHUP");
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains(
                        "fwmark service 10 gets no packets from the packet data plane"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no warning about fwmark 10 after SIGHUP; log: " + Files.readString(log), e);
            }
            send(python, hostIf, nsMac, 45703, vip, 8443);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(connections(socket)).as("a SYN to VIP:8443 after the reload")
                            .anySatisfy(v -> {
                                assertThat(v.clientPort()).isEqualTo(45703);
                                assertThat(v.destinationPort()).as("fwmark 9's real server").isEqualTo(8089);
                            }));
        }
    }

    /** A client's SYN from {@code port} to {@code vip}:{@code dport}, written onto the link. */
    private static void send(String python, String hostIf, byte[] nsMac, int port, String vip, int dport)
            throws Exception {
        NamespaceDaemon.sendFrames(python, hostIf, SyncMasterDaemonLabTest.frame(nsMac, CLIENT, port, vip, dport, 0x02));
    }

    private static List<ConnectionView> connections(Path socket) throws Exception {
        try (ControlClient c = ControlClient.connect(socket)) {
            return c.connections();
        }
    }
}
