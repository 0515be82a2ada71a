package io.jlvs.vrrp.lab;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Real keepalived 2.2.7 in a namespace, in the foreground ({@code -n}), VRRP only ({@code -P}), logging to its
 * console ({@code -l -D}) which goes to a file, with its own pid files and no respawn of a killed VRRP child.
 */
final class KeepalivedPeer {
    final Process process;
    final Path log;
    private final Path vrrpPid;

    private KeepalivedPeer(Process process, Path log, Path vrrpPid) {
        this.process = process;
        this.log = log;
        this.vrrpPid = vrrpPid;
    }

    static KeepalivedPeer start(VrrpLan lan, VrrpLan.Node node, String tag, String config) throws IOException {
        Path d = Files.createDirectories(lan.dir.resolve(tag));
        Path conf = d.resolve("keepalived.conf");
        Files.writeString(conf, config);
        Path pid = d.resolve("keepalived.pid");
        Path vrrpPid = d.resolve("vrrp.pid");
        Files.deleteIfExists(pid);
        Files.deleteIfExists(vrrpPid);
        Path log = d.resolve("keepalived.log");
        Process p = lan.lab.start(node.ns(), List.of("/usr/sbin/keepalived", "-n", "-l", "-D", "-P", "--dont-respawn",
                "-f", conf.toString(), "-p", pid.toString(), "-r", vrrpPid.toString(),
                "-c", d.resolve("checkers.pid").toString()), log);
        Awaitility.await("keepalived " + tag + " VRRP child").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(vrrpPid) && !Files.readString(vrrpPid).isBlank());
        return new KeepalivedPeer(p, log, vrrpPid);
    }

    String log() {
        return JlvsChild.read(log);
    }

    /** kill -9 of the VRRP process (no priority 0 advert), then of the parent. */
    void kill9() throws Exception {
        Shell.run("kill", "-KILL", Files.readString(vrrpPid).trim());
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM to keepalived: it sends priority 0 and removes its addresses; waits for it to exit. */
    void terminate() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("keepalived did not stop on SIGTERM");
        }
    }

    /** The config text for one VRRPv3 instance over IPv6 on eth0 (link-local source) with VIP/64. */
    static String config6(int vrid, int priority, String vip) {
        return config(3, vrid, priority, vip, "").replace(vip + "/24", vip + "/64");
    }

    /** The config text for one instance on eth0 with VIP/24. */
    static String config(int version, int vrid, int priority, String vip, String extra) {
        return """
                global_defs {
                  router_id jlvs_lab
                }
                vrrp_instance VI_1 {
                  interface eth0
                  state BACKUP
                  version %d
                  virtual_router_id %d
                  priority %d
                  advert_int 1
                %s
                  virtual_ipaddress {
                    %s/24
                  }
                }
                """.formatted(version, vrid, priority, extra, vip);
    }
}
