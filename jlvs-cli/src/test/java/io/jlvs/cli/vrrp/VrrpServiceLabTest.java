package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier (root, iproute2): two jlvs VrrpServices in two namespaces on one bridge, each a child JVM started from
 * its own keepalived.conf, with raw sockets and rtnetlink. Two instances share eth0 on each side. The higher
 * priority owns both VIPs; a reload that lowers one instance's priority moves only that VIP; stopping the
 * daemon moves the other.
 */
class VrrpServiceLabTest {
    static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    record Child(Process process, Path log, OutputStream stdin) {
        String output() {
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                return "";
            }
        }

        void send(String line) throws IOException {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
    }

    static String conf(String net, int prioVi1, int prioVi2) {
        return """
                global_defs {
                    vrrp_version 3
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 61
                    priority %d
                    advert_int 0.5
                    virtual_ipaddress {
                        %s100/24
                    }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 62
                    priority %d
                    advert_int 0.5
                    virtual_ipaddress {
                        %s200/24
                    }
                }
                """.formatted(prioVi1, net, prioVi2, net);
    }

    static String ip(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, 10).orThrow(String.join(" ", cmd)).output();
    }

    static boolean owns(String ns, String address) throws IOException {
        return ip(ns, "-o", "-4", "addr", "show", "dev", "eth0").contains(" " + address + "/");
    }

    Child start(NetnsLab lab, String ns, String tag, String text) throws IOException {
        Path conf = dir.resolve(tag + ".conf");
        Files.writeString(conf, text);
        Path log = dir.resolve(tag + ".log");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = lab.start(ns, List.of(java, "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                VrrpServiceMain.class.getName(), conf.toString()), log);
        Child c = new Child(p, log, p.getOutputStream());
        Awaitility.await(tag + " ready").atMost(BOUND).until(() -> {
            assertThat(p.isAlive()).as("%s alive; log:%n%s", tag, c.output()).isTrue();
            return c.output().contains("READY ");
        });
        return c;
    }

    @Test
    void higherPriorityOwnsTheVipsReloadMovesOnlyTheChangedOneAndStopMovesTheRest() throws Exception {
        Lab.requireNetns();
        try (NetnsLab lab = new NetnsLab()) {
            String net = "10.204." + (ProcessHandle.current().pid() % 250 + 1) + ".";
            String lan = lab.namespace("lan");
            ip(lan, "link", "add", "br0", "type", "bridge");
            ip(lan, "link", "set", "br0", "up");
            String a = node(lab, lan, "a", net + "1");
            String b = node(lab, lan, "b", net + "2");
            Child cb = start(lab, b, "b", conf(net, 100, 100));
            Child ca = start(lab, a, "a", conf(net, 150, 150));
            try {
                // B, started first, is MASTER by the time A's JVM runs: A preempts it, and B drops the VIPs when
                // it reads A's advert, which may be just after A added them (checking B once, right then, can fail
                // on a loaded machine)
                Awaitility.await("A owns both VIPs, B none").atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> owns(a, net + "100") && owns(a, net + "200")
                                && !owns(b, net + "100") && !owns(b, net + "200"));
                assertThat(ca.output()).contains("EVENT (VI_1) Entering MASTER STATE", "EVENT (VI_2) Entering MASTER STATE");

                int before = ca.output().length();
                Path lower = dir.resolve("a2.conf");
                Files.writeString(lower, conf(net, 150, 50));
                ca.send("reload " + lower);
                Awaitility.await("B takes VI_2").atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> owns(b, net + "200") && !owns(a, net + "200"));
                assertThat(owns(a, net + "100")).as("VI_1 stays on A").isTrue();
                String afterReload = ca.output().substring(before);
                // as keepalived: the new priority is applied to the running instance (no stop, no priority 0),
                // and B, now higher, preempts it
                assertThat(afterReload).contains("RELOADED", "(VI_2) Changing effective priority from 150 to 50",
                        "EVENT (VI_2) Entering BACKUP STATE").doesNotContain("(VI_1)").doesNotContain("Stopped");

                // a second address for VI_1 on both sides: A, the MASTER, adds it and keeps the first, with no
                // transition on either side (keepalived applies it so; before, VI_1 restarted and failed over)
                before = ca.output().length();
                int beforeB = cb.output().length();
                String more = "%s100/24\n                        %s101/24".formatted(net, net);
                Path moreA = dir.resolve("a3.conf");
                Files.writeString(moreA, conf(net, 150, 50).replace(net + "100/24", more));
                Path moreB = dir.resolve("b3.conf");
                Files.writeString(moreB, conf(net, 100, 100).replace(net + "100/24", more));
                ca.send("reload " + moreA);
                cb.send("reload " + moreB);
                Awaitility.await("A adds the second VIP").atMost(BOUND).pollInterval(Duration.ofMillis(50))
                        .until(() -> owns(a, net + "101"));
                // four adverts: B would take over within them had it refused A's
                Awaitility.await("B stays BACKUP and A keeps the first VIP").during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
                        .until(() -> owns(a, net + "100") && !owns(b, net + "100") && !owns(b, net + "101"));
                assertThat(ca.output().substring(before)).contains("RELOADED").doesNotContain("Entering")
                        .doesNotContain("Stopped");
                assertThat(cb.output().substring(beforeB)).contains("RELOADED").doesNotContain("Entering");

                long t0 = System.nanoTime();
                ca.send("stop");
                assertThat(ca.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(ca.output()).contains("STOPPED");
                assertThat(owns(a, net + "100")).as("graceful stop removed the VIP").isFalse();
                Awaitility.await("B takes VI_1").atMost(BOUND).pollInterval(Duration.ofMillis(20))
                        .until(() -> owns(b, net + "100"));
                System.out.printf("[vrrp-service-lab] VI_1 on B %.3f s after A's stop command%n",
                        (System.nanoTime() - t0) / 1e9);
                assertThat(cb.output()).contains("EVENT (VI_1) Entering MASTER STATE");
            } catch (AssertionError | RuntimeException e) {
                System.out.println("==== a\n" + ca.output() + "\n==== b\n" + cb.output());
                throw e;
            } finally {
                cb.send("stop");
                cb.process().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String node(NetnsLab lab, String lan, String name, String address) throws IOException {
        String ns = lab.namespace(name);
        String port = "p-" + name;
        ip(lan, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(lan, "link", "set", port, "master", "br0");
        ip(lan, "link", "set", port, "up");
        ip(ns, "addr", "add", address + "/24", "dev", "eth0");
        ip(ns, "link", "set", "eth0", "up");
        return ns;
    }
}
