package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.health.bfd.BfdSession;
import io.jlvs.health.bfd.BfdState;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab: Debian's keepalived 2.2.7 runs a bfd_instance in a namespace against jlvs (this JVM, the root namespace,
 * over a veth). jlvs's session must come Up and its BFD_CHECK real server stay in the table; keepalived killed
 * (SIGKILL, so no AdminDown is sent) must take the session Down within the detection time and the real server out.
 */
@Timeout(90)
class BfdInteropLabTest {
    private static final String ROOT = "10.231.0.1";
    private static final String KA = "10.231.0.2";
    /** keepalived sends every 50 ms (less jitter) with multiplier 3; jlvs asks for 50 ms: 3 x 50 ms. */
    private static final Duration DETECTION = Duration.ofMillis(150);
    /** Scheduling, the check re-arm and the apply thread. */
    private static final Duration SLACK = Duration.ofMillis(150);

    @TempDir
    Path dir;

    @Test
    void keepalivedsSessionComesUpAndItsDeathTakesTheRealServerOut() throws Exception {
        String keepalived = Lab.requireCommand("keepalived", "keepalived");
        Lab.requireNetns();
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("bfd");
            lab.vethToRoot(ns, ROOT + "/24", KA + "/24");
            Path kaConf = dir.resolve("ka.conf");
            Files.writeString(kaConf, """
                    bfd_instance jlvs {
                        neighbor_ip %s
                        source_ip %s
                        min_rx 50
                        min_tx 50
                        multiplier 3
                    }
                    """.formatted(ROOT, KA));
            String vs = "[192.0.2.80]:tcp:80 rr";
            try (Conf c = new Conf(dir, """
                    bfd_instance ka {
                        neighbor_ip %s
                        source_ip %s
                        min_rx 50
                        min_tx 50
                        multiplier 3
                    }
                    virtual_server 192.0.2.80 80 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        real_server %s 80 {
                            weight 1
                            BFD_CHECK {
                                name ka
                                alpha
                            }
                        }
                    }
                    """.formatted(KA, ROOT, KA))) {
                c.runtime.start();
                assertThat(c.table()).as("alpha: out until BFD is Up").containsExactly(vs);
                Process ka = lab.start(ns, List.of(keepalived, "-n", "-l", "-D", "-f", kaConf.toString(),
                        "-p", dir.resolve("k.pid").toString(), "-b", dir.resolve("b.pid").toString(),
                        "-r", dir.resolve("r.pid").toString(), "-c", dir.resolve("c.pid").toString()),
                        dir.resolve("ka.log"));
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                        .until(() -> c.table().equals(List.of(Conf.row(vs, "[" + KA + "]:80 Masq w=1"))));
                assertThat(c.checkerLines).contains("BFD_Instance(ka) Entering Up state",
                        "BFD check of [ka] RS([" + KA + "]:tcp:80) is UP");
                BfdSession s = c.runtime.bfdSession("ka").orElseThrow();
                await().atMost(Duration.ofSeconds(5)).until(() -> s.transmitIntervalMicros() == 50_000);
                assertThat(s.detectionTimeMicros()).isEqualTo(DETECTION.toNanos() / 1000);
                // steady state: the session stays Up
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> s.state() == BfdState.UP);
                assertThat(s.drops().total()).isZero();

                long killed = System.nanoTime();
                ka.descendants().forEach(ProcessHandle::destroyForcibly);
                ka.destroyForcibly();
                long[] downAt = new long[1];
                await().atMost(DETECTION.plus(SLACK).plusSeconds(1)).pollInterval(Duration.ofMillis(2)).until(() -> {
                    if (downAt[0] == 0 && s.state() != BfdState.UP) {
                        downAt[0] = System.nanoTime();
                    }
                    return c.table().equals(List.of(vs));
                });
                long removed = System.nanoTime();
                Duration toDown = Duration.ofNanos(downAt[0] - killed);
                Duration toRemoved = Duration.ofNanos(removed - killed);
                System.out.println("[lab] BFD with keepalived 2.2.7: detection time " + DETECTION.toMillis()
                        + " ms; session Down " + toDown.toMillis() + " ms after SIGKILL, real server out after "
                        + toRemoved.toMillis() + " ms");
                assertThat(s.diag().toString()).isEqualTo("Control Detection Time Expired");
                assertThat(toDown).isLessThanOrEqualTo(DETECTION.plus(SLACK));
                assertThat(toRemoved).isLessThanOrEqualTo(DETECTION.plus(SLACK));
                assertThat(c.checkerLines).contains("BFD check of [ka] RS([" + KA + "]:tcp:80) is DOWN");
            }
        }
    }
}
