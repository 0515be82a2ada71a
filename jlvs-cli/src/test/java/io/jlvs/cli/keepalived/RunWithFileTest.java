package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.daemon.DaemonProcess;
import io.jlvs.cli.daemon.RunCommand;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.ControlClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jlvs run -f keepalived.conf}, in process: a FULLNAT service on 127.0.0.1 with TCP_CHECKed servers. */
@Timeout(60)
class RunWithFileTest {
    @TempDir
    Path dir;

    @Test
    void requestsFlowAndAServerThatStopsListeningLeavesTheTable() throws Exception {
        int vip = Backend.freePort();
        try (Backend a = Backend.start(); Backend b = Backend.start()) {
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, """
                    virtual_server 127.0.0.1 %d {
                        lb_algo rr
                        lb_kind FNAT
                        protocol TCP
                        delay_loop 0.2
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                        real_server 127.0.0.1 %d {
                            TCP_CHECK {
                            }
                        }
                        real_server 127.0.0.1 %d {
                            TCP_CHECK {
                            }
                        }
                    }
                    """.formatted(vip, a.port, b.port));
            Path socket = dir.resolve("j.sock");
            CompletableFuture<DaemonProcess> started = new CompletableFuture<>();
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> exit.complete(new CommandLine(new RunCommand(started::complete))
                    .execute("-f", conf.toString(), "--no-admin", "--socket", socket.toString())));
            DaemonProcess daemon = started.get(20, TimeUnit.SECONDS);
            try (ControlClient client = ControlClient.connect(daemon.socket())) {
                assertThat(ports(client)).containsExactlyInAnyOrder(a.port, b.port);

                Set<String> answered = new HashSet<>();
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    answered.add(Backend.get(vip));
                    return answered.size() == 2;
                });
                assertThat(answered).containsExactlyInAnyOrder("ok " + a.port, "ok " + b.port);

                b.stop();
                await().atMost(Duration.ofSeconds(3)).until(() -> ports(client).equals(List.of(a.port)));
                for (int i = 0; i < 5; i++) {
                    assertThat(Backend.get(vip)).isEqualTo("ok " + a.port);
                }
            } finally {
                daemon.close();
            }
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
            assertThat(socket).doesNotExist();
        }
    }

    private static List<Integer> ports(ControlClient client) throws Exception {
        VirtualServiceView vs = client.table().services().getFirst();
        return vs.realServers().stream().map(RealServerView::server).map(r -> r.port()).toList();
    }
}
