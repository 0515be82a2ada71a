package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.core.view.SyncDaemonView;
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
 * Lab tier: `jlvs run -f keepalived.conf` with global_defs lvs_sync_daemon in a namespace of its own: once the
 * instance is MASTER the control socket lists the master sync daemon (what jlvsadm -L --daemon prints); a reload
 * that points the keyword at an instance still in BACKUP lists the backup daemon; one that removes it, none.
 */
class LvsSyncDaemonLabTest {
    @TempDir
    Path dir;

    private static final String CONF = """
            global_defs {
                router_id lab1
                %s
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
            vrrp_instance VI_SLOW {
                state BACKUP
                interface %s
                virtual_router_id 78
                priority 100
                advert_int 60
                virtual_ipaddress {
                    %s/24
                }
            }
            """;

    @Test
    void theSyncDaemonsFollowTheInstanceAndReloads() throws Exception {
        Lab.requireNetns();
        String net = "10.212." + (ProcessHandle.current().pid() % 250) + ".";
        Path socket = dir.resolve("jlvs.sock");
        Path conf = dir.resolve("keepalived.conf");
        Path log = dir.resolve("daemon.log");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("lsd");
            lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = lab.exec(ns, "sh", "-c", "ip -o link show | awk -F': ' '$2 !~ /^lo/ {print $2}'")
                    .output().strip().replaceAll("@.*", "");
            write(conf, "lvs_sync_daemon " + nsIf + " VI_LAB", nsIf, net);
            Process daemon = lab.start(ns, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(),
                    "run", "-f", conf.toString(), "--socket", socket.toString(), "--no-admin"), log);

            // listed as the kernel completes them (ipvsadm -L --daemon): 1500 - 28, 224.0.0.81, 8848, TTL 1
            awaitDaemons(socket, log, List.of(new SyncDaemonView("master", nsIf, 77, 1472, "224.0.0.81", 8848, 1)));
            assertThat(Files.readString(log)).contains("(VI_LAB) Entering MASTER STATE");

            write(conf, "lvs_sync_daemon " + nsIf + " VI_SLOW ttl 2", nsIf, net);
            hangUp(daemon);
            awaitDaemons(socket, log, List.of(new SyncDaemonView("backup", nsIf, 78, 1472, "224.0.0.81", 8848, 2)));

            write(conf, "", nsIf, net);
            hangUp(daemon);
            awaitDaemons(socket, log, List.of());
        }
    }

    private static void write(Path conf, String syncLine, String nsIf, String net) throws Exception {
        Files.writeString(conf, CONF.formatted(syncLine, nsIf, net + "100", nsIf, net + "101"));
    }

    private static void awaitDaemons(Path socket, Path log, List<SyncDaemonView> expected) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        try (ControlClient client = ControlClient.connect(socket)) {
                            return client.syncDaemons().equals(expected);
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("sync daemons never became " + expected + "; daemon log:\n"
                    + Files.readString(log), e);
        }
    }

    private static void hangUp(Process launcher) throws Exception {
        long pid = launcher.descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .map(ProcessHandle::pid).findFirst().orElse(launcher.pid());
        new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    }
}
