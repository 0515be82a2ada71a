package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.JlvsMain;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab: {@code jlvs -t} run inside a network namespace whose links are {@code eth0} (up, no address) and its veth
 * peer {@code eth1} (down, no address), so the interface checks see the host as keepalived does. Where keepalived
 * 2.2.7 is installed its {@code -t} runs on the same file and must print the same lines and exit the same way.
 */
@Timeout(120)
class ConfigTestInNamespaceLabTest {
    @TempDir
    Path dir;

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    192.0.2.1/24
                }
            %s}
            """;

    private record Run(int exit, List<String> lines) {
    }

    private Run jlvs(NetnsLab lab, String ns, Path conf) throws Exception {
        Shell.Result r = lab.exec(ns, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                JlvsMain.class.getName(), "-t", "-f", conf.toString());
        return new Run(r.exitCode(), r.output().lines().filter(l -> !l.isBlank()).toList());
    }

    /** keepalived's verdict on the same file, or null when it is not installed. */
    private Run keepalived(NetnsLab lab, String ns, Path conf) throws Exception {
        String ka = Lab.which("keepalived");
        if (ka == null) {
            return null;
        }
        Shell.Result r = lab.exec(ns, ka, "-t", "-f", conf.toString());
        return new Run(r.exitCode(), r.output().lines().filter(l -> !l.isBlank()).toList());
    }

    /** jlvs -t on {@code text}: the exit code and lines expected, and keepalived's own when it is installed. */
    private void check(String text, int exit, String... lines) throws Exception {
        Lab.requireNetns();
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, text);
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("kat");
            lab.exec(ns, "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1").orThrow("veth");
            lab.exec(ns, "ip", "link", "set", "eth0", "up").orThrow("eth0 up");
            List<String> expected = List.of(lines).stream().map(l -> l.replace("FILE", conf.toString())).toList();
            Run ours = jlvs(lab, ns, conf);
            assertThat(ours).as("jlvs -t").isEqualTo(new Run(exit, expected));
            Run theirs = keepalived(lab, ns, conf);
            if (theirs != null) {
                assertThat(theirs).as("keepalived -t").isEqualTo(ours);
            }
        }
    }

    @Test
    void anInterfaceWithoutAnAddressExists() throws Exception {
        // Java lists only the interfaces that have an address; the kernel (and keepalived) knows every link
        check(INSTANCE.formatted("""
                    track_interface {
                        eth1
                    }
                """), 0);
    }

    @Test
    void aMissingTrackedInterfaceOrDeviceIsNamedAtItsLine() throws Exception {
        check(INSTANCE.formatted("""
                    track_interface {
                        bond1
                    }
                    virtual_routes {
                        198.51.100.0/24 via 192.0.2.254 dev bond2
                    }
                """), 5,
                "(FILE: Line 9) (VI_1) tracked interface bond1 doesn't exist",
                "(FILE: Line 12) WARNING - interface bond2 for VROUTE nexthop doesn't exist",
                "Non-existent interface specified in configuration");
    }

    @Test
    void aTrackScriptThatIsNotThereIsDisabledAndIsNoSecurityViolation() throws Exception {
        check("""
                vrrp_script check_apiserver {
                    script "/nonexistent-jlvs/check_apiserver.sh"
                    weight 0
                }
                """ + INSTANCE.formatted("""
                    notify_master "/nonexistent-jlvs/notify.sh"
                    track_script {
                        check_apiserver
                    }
                """), 5, "Disabling track script check_apiserver since not found/accessible");
    }
}
