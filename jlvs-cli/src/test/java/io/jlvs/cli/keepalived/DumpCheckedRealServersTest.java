package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.daemon.Director;
import io.jlvs.cli.dump.DumpSnapshot;
import io.jlvs.cli.dump.KeepalivedDumpFormat;
import io.jlvs.engine.IpvsEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived.data of a director running keepalived.conf: a real server whose TCP_CHECK fails is still listed, as
 * keepalived lists it ({@code alive = 0}, {@code RS set = 0}; with inhibit_on_failure {@code RS set = 1}), and is
 * listed alive again once it answers.
 */
@Timeout(60)
class DumpCheckedRealServersTest {
    @TempDir
    Path dir;

    @Test
    void aServerItsCheckerTookOutIsDumpedNotAliveAndComesBack() throws Exception {
        int vip = Backend.freePort();
        try (Backend plain = Backend.start(); Backend inhibited = Backend.start();
             Director director = Director.start(new IpvsEngine())) {
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, """
                    virtual_server 127.0.0.1 %d {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        delay_loop 0.2
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                        real_server 127.0.0.1 %d {
                            weight 2
                            TCP_CHECK {
                            }
                        }
                        real_server 127.0.0.1 %d {
                            weight 5
                            inhibit_on_failure
                            TCP_CHECK {
                            }
                        }
                    }
                    """.formatted(vip, plain.port, inhibited.port));
            assertThat(director.loadKeepalived(conf, "dump").applied()).isTrue();
            String plainUp = block(plain.port, 2, false, true, true);
            String inhibitedUp = block(inhibited.port, 5, true, true, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> dump(director).contains(plainUp + inhibitedUp));

            plain.stop();
            inhibited.stop();
            String plainDown = block(plain.port, 2, false, false, false);
            String inhibitedDown = block(inhibited.port, 5, true, false, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> dump(director).contains(plainDown + inhibitedDown));
            assertThat(dump(director)).doesNotContain("RS = 127.0.0.1:" + plain.port)
                    .doesNotContain("RS = 127.0.0.1:" + inhibited.port);

            plain.listenAgain();
            inhibited.listenAgain();
            await().atMost(Duration.ofSeconds(10)).until(() -> dump(director).contains(plainUp + inhibitedUp));
        }
    }

    private static String dump(Director director) {
        return KeepalivedDumpFormat.data(DumpSnapshot.of(director, Instant.EPOCH));
    }

    /** keepalived 2.2.7's lines for a real server; connection counts (0 here) while it is in the table. */
    private static String block(int port, int weight, boolean inhibit, boolean alive, boolean set) {
        return "   ------< Real server >------\n"
                + "   RIP = 127.0.0.1, RPORT = " + port + ", WEIGHT = " + weight + " EFF WEIGHT = " + weight + "\n"
                + "   forwarding method = NAT\n"
                + "   Inhibit on failure is " + (inhibit ? "ON" : "OFF") + "\n"
                + "   initial weight = " + weight + "\n"
                + "   effective weight = " + weight + "\n"
                + "   alive = " + (alive ? 1 : 0) + "\n"
                + "   num failed checkers = " + (alive ? 0 : 1) + "\n"
                + "   RS set = " + (set ? 1 : 0) + "\n"
                + (set ? "   Active connections = 0\n   Inactive connections = 0\n" : "");
    }
}
