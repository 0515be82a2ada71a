package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: `jlvs run -f keepalived.conf` as a user runs it, in a namespace of its own: the vrrp_instance
 * becomes MASTER and puts its VIP on the interface, the virtual_server is in the table, and a reload that
 * drops the instance gives the VIP back.
 */
class RunWithVrrpLabTest {
    @TempDir
    Path dir;

    private static final String CONF = """
            global_defs {
                router_id lab1
            }
            vrrp_instance VI_LAB {
                state BACKUP
                interface %s
                virtual_router_id 77
                priority 150
                advert_int 1
                virtual_ipaddress {
                    %s/24
                }
            }
            virtual_server %s 80 {
                lb_algo rr
                lb_kind FNAT
                protocol TCP
                real_server %s 8080 {
                    weight 3
                }
            }
            """;

    @Test
    void aVrrpInstanceFromKeepalivedConfOwnsItsVipUntilAReloadRemovesIt() throws Exception {
        Lab.requireNetns();
        String net = "10.211." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        Path socket = dir.resolve("jlvs.sock");
        Path conf = dir.resolve("keepalived.conf");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("d1");
            lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = lab.exec(ns, "sh", "-c", "ip -o link show | awk -F': ' '$2 !~ /^lo/ {print $2}'")
                    .output().strip().replaceAll("@.*", "");
            Files.writeString(conf, CONF.formatted(nsIf, vip, vip, net + "1"));
            Process daemon = lab.start(ns, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(),
                    "run", "-f", conf.toString(), "--socket", socket.toString(), "--no-admin"),
                    dir.resolve("daemon.log"));

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> lab.exec(ns, "ip", "-o", "addr", "show", "dev", nsIf).output().contains(vip + "/24"));
            // keepalived's detail lines only with -D (the IPv6 case below runs with it)
            assertThat(Files.readString(dir.resolve("daemon.log"))).contains("(VI_LAB) Entering MASTER STATE")
                    .doesNotContain("Receive advertisement timeout");
            try (ControlClient client = ControlClient.connect(socket)) {
                assertThat(client.table().services()).hasSize(1);
                assertThat(client.table().services().getFirst().realServers().getFirst().server().weight())
                        .isEqualTo(3);
            }

            // drop the instance and reload: the VIP goes (priority 0 sent), the table stays
            Files.writeString(conf, CONF.formatted(nsIf, vip, vip, net + "1")
                    .replaceAll("(?s)vrrp_instance VI_LAB \\{.*?\\n\\}\\n", ""));
            new ProcessBuilder("kill", "-HUP", Long.toString(daemonPid(daemon))).start().waitFor(10, TimeUnit.SECONDS);
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> !lab.exec(ns, "ip", "-o", "addr", "show", "dev", nsIf).output().contains(vip + "/24"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the VIP stayed after the reload; daemon log:\n"
                        + Files.readString(dir.resolve("daemon.log")), e);
            }
            try (ControlClient client = ControlClient.connect(socket)) {
                assertThat(client.table().services()).hasSize(1);
            }
        }
    }

    private static final String CONF6 = """
            vrrp_instance VI_LAB6 {
                interface %s
                virtual_router_id 78
                priority 150
                advert_int 1
                virtual_ipaddress {
                    %s/64
                }
            }
            """;

    @Test
    void anIpv6InstanceFromKeepalivedConfOwnsItsVipAsVrrpv3() throws Exception {
        Lab.requireNetns();
        int n = (int) (ProcessHandle.current().pid() % 250);
        String vip = "fd00:212:" + Integer.toHexString(n) + "::100";
        Path socket = dir.resolve("jlvs6.sock");
        Path conf = dir.resolve("keepalived6.conf");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("d6");
            lab.vethToRoot(ns, "10.212." + n + ".1/24", "10.212." + n + ".2/24");
            String nsIf = lab.exec(ns, "sh", "-c", "ip -o link show | awk -F': ' '$2 !~ /^lo/ {print $2}'")
                    .output().strip().replaceAll("@.*", "");
            Files.writeString(conf, CONF6.formatted(nsIf, vip));
            // as right after boot: the link-local address is still in duplicate address detection (three
            // probes, ~3 s) when the daemon starts, and cannot be bound until DAD is over
            lab.exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf." + nsIf + ".dad_transmits=3");
            lab.exec(ns, "ip", "link", "set", nsIf, "down");
            lab.exec(ns, "ip", "link", "set", nsIf, "up");
            Process daemon = lab.start(ns, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(),
                    "run", "-D", "-f", conf.toString(), "--socket", socket.toString(), "--no-admin"),
                    dir.resolve("daemon6.log"));
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> lab.exec(ns, "ip", "-6", "-o", "addr", "show", "dev", nsIf).output()
                                .contains(vip + "/64"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no IPv6 VIP; daemon log:\n" + Files.readString(dir.resolve("daemon6.log")), e);
            }
            assertThat(Files.readString(dir.resolve("daemon6.log"))).contains("(VI_LAB6) Entering MASTER STATE")
                    .contains("INFO VrrpRouter - (VI_LAB6) Receive advertisement timeout")
                    .doesNotContain("IPv6 is not supported");
            // a graceful stop gives the address back
            new ProcessBuilder("kill", "-TERM", Long.toString(daemonPid(daemon))).start().waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !lab.exec(ns, "ip", "-6", "-o", "addr", "show", "dev", nsIf).output().contains(vip));
            daemon.waitFor(20, TimeUnit.SECONDS);
            // as keepalived -D logs it: the backups hear priority 0 and take over at once
            assertThat(Files.readString(dir.resolve("daemon6.log"))).as("the daemon's log")
                    .contains("INFO VrrpRouter - (VI_LAB6) sent 0 priority");
        }
    }

    /** `ip netns exec` runs java as its child (or execs it): the JVM is the one holding the socket. */
    private static long daemonPid(Process launcher) {
        return launcher.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .map(ProcessHandle::pid).findFirst().orElse(launcher.pid());
    }
}
