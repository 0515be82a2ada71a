package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.daemon.Director;
import io.jlvs.engine.IpvsEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FULLNAT service's sorry_server takes the connections while every real server is down, listed in the
 * table (-Ln) in their place as keepalived lists it in IPVS.
 */
@Timeout(60)
class FullNatSorryServerTest {
    @TempDir
    Path dir;

    private static java.util.List<io.jlvs.core.view.RealServerView> realServers(Director director) {
        return director.table().services().getFirst().realServers();
    }

    @Test
    void connectionsGoToTheSorryServerWhileTheOnlyRealServerIsDown() throws Exception {
        int vip = Backend.freePort();
        try (Backend real = Backend.start(); Backend sorry = Backend.start();
             Director director = Director.start(new IpvsEngine())) {
            Path file = dir.resolve("keepalived.conf");
            Files.writeString(file, """
                    virtual_server 127.0.0.1 %d {
                        lb_algo rr
                        lb_kind FNAT
                        protocol TCP
                        delay_loop 0.2
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                        sorry_server 127.0.0.1 %d
                        real_server 127.0.0.1 %d {
                            TCP_CHECK {
                            }
                        }
                    }
                    """.formatted(vip, sorry.port, real.port));
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> Backend.get(vip).equals("ok " + real.port));

            real.stop();
            // as keepalived does with IPVS: the real server leaves the table and the sorry server takes its
            // place with weight 1, so -Ln shows where the connections go and counts them
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(realServers(director))
                    .extracting(r -> r.server().port() + " " + r.server().weight() + " " + r.server().method())
                    .containsExactly(sorry.port + " 1 FULLNAT"));
            for (int i = 0; i < 3; i++) {
                assertThat(Backend.get(vip)).isEqualTo("ok " + sorry.port);
            }
            assertThat(realServers(director).getFirst().stats().conns()).isGreaterThanOrEqualTo(3);

            real.listenAgain();
            await().atMost(Duration.ofSeconds(3)).until(() -> Backend.get(vip).equals("ok " + real.port));
            assertThat(realServers(director)).extracting(r -> r.server().port()).containsExactly(real.port);
        }
    }
}
