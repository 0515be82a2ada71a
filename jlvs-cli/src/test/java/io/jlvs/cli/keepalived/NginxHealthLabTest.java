package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.cli.daemon.DaemonProcess;
import io.jlvs.cli.daemon.RunCommand;
import io.jlvs.core.view.RealServerView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Nginx;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Lab tier, end to end: {@code jlvs run -f keepalived.conf} (in process) with an HTTP_GET-checked real server
 * that is a real nginx in a network namespace. Changing the page or stopping nginx takes the real server out of
 * the table within keepalived's bound, delay_loop + (retry+1) x connect_timeout + retry x delay_before_retry
 * + 1 s; restoring it brings it back. {@code jlvs genhash} prints what {@code md5sum} says of the served file.
 */
@Timeout(120)
class NginxHealthLabTest {
    private static final Duration DELAY_LOOP = Duration.ofSeconds(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final int RETRY = 1;
    private static final Duration DELAY_BEFORE_RETRY = Duration.ofMillis(500);
    /** keepalived's rule for how long a failed real server may stay in the table. */
    private static final Duration LEAVE_BOUND = DELAY_LOOP.plus(CONNECT_TIMEOUT.multipliedBy(RETRY + 1))
            .plus(DELAY_BEFORE_RETRY.multipliedBy(RETRY)).plusSeconds(1);
    /**
     * A failed HTTP checker tries its failed url every delay_loop; once it passes, keepalived's epilog wants a whole
     * further pass (one url: one more success a delay_loop later) before the server is back.
     */
    private static final Duration REJOIN_BOUND = DELAY_LOOP.multipliedBy(2).plus(CONNECT_TIMEOUT).plusSeconds(1);

    @TempDir
    Path dir;
    private NetnsLab lab;
    private Nginx nginx;
    private String rs;
    private Path page;
    private Path pageB;
    private String ns;

    @BeforeEach
    void startNginx() throws IOException {
        Lab.requireNetns();
        Lab.requireCommand("nginx", "nginx-light");
        Lab.requireCommand("md5sum", "coreutils");
        Lab.requireCommand("openssl", "openssl");
        Lab.requireCommand("nft", "nftables");
        String net = "10.217." + (ProcessHandle.current().pid() % 250) + ".";
        rs = net + "2";
        lab = new NetnsLab();
        ns = lab.namespace("rs");
        lab.vethToRoot(ns, net + "1/24", rs + "/24");
        Path prefix = dir.resolve("nginx");
        page = prefix.resolve("www/index.html");
        Files.createDirectories(page.getParent());
        Files.writeString(page, "<html>nginx real server for jlvs</html>\n");
        pageB = prefix.resolve("www-b/index.html");
        Files.createDirectories(pageB.getParent());
        Files.writeString(pageB, "<html>the b.example site</html>\n");
        Shell.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=rs.example", "-keyout", prefix.resolve("rs.key").toString(),
                "-out", prefix.resolve("rs.crt").toString()), 60).orThrow("openssl req");
        nginx = Nginx.start(ns, prefix, """
                  server {
                    listen 80 default_server; listen 81 default_server; listen 82 default_server;
                    listen 83 default_server; listen 84 default_server;
                    server_name a.example;
                    root %PREFIX%/www;
                    location = /missing { return 404; }
                    location = /protocol { return 200 "$server_protocol\\n"; }
                  }
                  server {
                    listen 80; listen 81; listen 82; listen 83; listen 84;
                    server_name b.example;
                    root %PREFIX%/www-b;
                  }
                  server {
                    listen 443 ssl default_server; listen 444 ssl default_server;
                    server_name _;
                    ssl_reject_handshake on;
                  }
                  server {
                    listen 443 ssl; listen 444 ssl;
                    server_name b.example;
                    ssl_certificate %PREFIX%/rs.crt;
                    ssl_certificate_key %PREFIX%/rs.key;
                    root %PREFIX%/www-b;
                  }
                """);
        awaitListening();
    }

    @AfterEach
    void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private void awaitListening() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .failFast("nginx exited: " + nginx.logs(), () -> !nginx.running())
                .until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(rs, 80), 500);
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    private String md5sum() throws IOException {
        return Shell.run("md5sum", page.toString()).orThrow("md5sum").output().split("\\s+")[0];
    }

    /** {@code jlvs genhash} as a user runs it: its own JVM, the digest on stdout. */
    private String genhash(String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(), "genhash"));
        argv.addAll(List.of(args));
        return Shell.run(argv, 60).orThrow("jlvs genhash").output();
    }

    @Test
    void genhashPrintsTheMd5sumOfTheFileNginxServes() throws IOException {
        String first = genhash("-s", rs, "-p", "80", "-u", "/index.html");
        assertThat(first).isEqualTo(md5sum() + "\n");

        Files.writeString(page, "<html>a different page</html>\n");
        String second = genhash("-s", rs, "-u", "/index.html", "-P", "1.1");
        assertThat(second).isEqualTo(md5sum() + "\n").isNotEqualTo(first);
    }

    @Test
    void theRealServerLeavesAndRejoinsAsItsPageChangesAndNginxStopsAndStarts() throws Exception {
        String digest = md5sum();
        int vip = Backend.freePort();
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                virtual_server 127.0.0.1 %d {
                    lb_algo rr
                    lb_kind FNAT
                    protocol TCP
                    delay_loop %d
                    real_server %s 80 {
                        HTTP_GET {
                            url {
                                path /index.html
                                digest %s
                            }
                            connect_timeout %d
                            retry %d
                            delay_before_retry %s
                            warmup 0
                        }
                    }
                }
                """.formatted(vip, DELAY_LOOP.toSeconds(), rs, digest, CONNECT_TIMEOUT.toSeconds(), RETRY,
                DELAY_BEFORE_RETRY.toMillis() / 1000.0));
        Path socket = dir.resolve("j.sock");
        CompletableFuture<DaemonProcess> started = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> exit.complete(new CommandLine(new RunCommand(started::complete))
                .execute("-f", conf.toString(), "--no-admin", "--socket", socket.toString())));
        DaemonProcess daemon = started.get(20, TimeUnit.SECONDS);
        try (ControlClient client = ControlClient.connect(daemon.socket())) {
            await().atMost(REJOIN_BOUND).pollInterval(Duration.ofMillis(50)).until(() -> inTable(client));

            String original = Files.readString(page);
            Files.writeString(page, "<html>nginx real server, changed</html>\n");
            Duration left = timeUntil(client, false, LEAVE_BOUND);
            Files.writeString(page, original);
            Duration back = timeUntil(client, true, REJOIN_BOUND);

            nginx.stop();
            Duration leftStopped = timeUntil(client, false, LEAVE_BOUND);
            nginx.start();
            awaitListening();
            Duration backStarted = timeUntil(client, true, REJOIN_BOUND);

            // silence: every attempt waits the whole connect_timeout, the case the bound is written for
            Path rules = dir.resolve("drop.nft");
            Files.writeString(rules, """
                    table inet jlvslab {
                      chain input { type filter hook input priority 0; policy accept; tcp dport 80 drop; }
                    }
                    """);
            lab.exec(ns, "nft", "-f", rules.toString()).orThrow("nft");
            Duration leftSilent = timeUntil(client, false, LEAVE_BOUND);
            lab.exec(ns, "nft", "delete", "table", "inet", "jlvslab").orThrow("nft delete");
            Duration backSilent = timeUntil(client, true, REJOIN_BOUND);

            System.out.printf("[lab] HTTP_GET nginx: page changed -> out in %d ms, restored -> in %d ms, "
                            + "nginx stopped -> out in %d ms, started -> in %d ms, "
                            + "SYNs dropped -> out in %d ms, accepted -> in %d ms (bounds %d / %d ms)%n",
                    left.toMillis(), back.toMillis(), leftStopped.toMillis(), backStarted.toMillis(),
                    leftSilent.toMillis(), backSilent.toMillis(), LEAVE_BOUND.toMillis(), REJOIN_BOUND.toMillis());
            // two attempts of a full connect_timeout each, delay_before_retry apart
            assertThat(leftSilent).isGreaterThanOrEqualTo(CONNECT_TIMEOUT.multipliedBy(RETRY + 1)
                    .plus(DELAY_BEFORE_RETRY.multipliedBy(RETRY)).minus(DELAY_LOOP));
            // the failure needed (retry + 1) attempts: it cannot have been noticed by a single probe
            assertThat(left).isGreaterThanOrEqualTo(DELAY_BEFORE_RETRY.multipliedBy(RETRY));
        } finally {
            daemon.close();
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void checkerKeywordsOfKeepalivedConfReachNginxAsWritten() throws Exception {
        String digestB = Shell.run("md5sum", pageB.toString()).orThrow("md5sum").output().split("\\s+")[0];
        int vip = Backend.freePort();
        Path conf = dir.resolve("keepalived.conf");
        Files.writeString(conf, """
                virtual_server 127.0.0.1 %1$d {
                    lb_algo rr
                    lb_kind FNAT
                    protocol TCP
                    delay_loop 1
                    warmup 0
                    connect_timeout 1
                    retry 0
                    real_server %2$s 80 {
                        HTTP_GET {
                            virtualhost b.example
                            url {
                                path /index.html
                                digest %3$s
                            }
                        }
                    }
                    real_server %2$s 81 {
                        HTTP_GET {
                            virtualhost a.example
                            url {
                                path /index.html
                                digest %3$s
                            }
                        }
                    }
                    real_server %2$s 82 {
                        virtualhost b.example
                        HTTP_GET {
                            url {
                                path /index.html
                                digest %3$s
                            }
                        }
                    }
                    real_server %2$s 83 {
                        HTTP_GET {
                            http_protocol 1.1
                            url {
                                path /missing
                                status_code 300-399 404
                            }
                            url {
                                path /protocol
                                regex "HTTP/1.1$"
                            }
                        }
                    }
                    real_server %2$s 84 {
                        HTTP_GET {
                            url {
                                path /protocol
                                regex "HTTP/1.1$"
                            }
                        }
                    }
                    real_server %2$s 443 {
                        SSL_GET {
                            virtualhost b.example
                            enable_sni
                            url {
                                path /index.html
                                digest %3$s
                            }
                        }
                    }
                    real_server %2$s 444 {
                        SSL_GET {
                            virtualhost b.example
                            url {
                                path /index.html
                                digest %3$s
                            }
                        }
                    }
                }
                """.formatted(vip, rs, digestB));
        Path socket = dir.resolve("j.sock");
        CompletableFuture<DaemonProcess> started = new CompletableFuture<>();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> exit.complete(new CommandLine(new RunCommand(started::complete))
                .execute("-f", conf.toString(), "--no-admin", "--socket", socket.toString())));
        DaemonProcess daemon = started.get(20, TimeUnit.SECONDS);
        try (ControlClient client = ControlClient.connect(daemon.socket())) {
            // 81: wrong virtualhost; 84: HTTP/1.0 by default; 444: no SNI, nginx refuses the handshake
            List<Integer> expected = List.of(80, 82, 83, 443);
            await().atMost(LEAVE_BOUND).pollInterval(Duration.ofMillis(50)).until(() -> ports(client).equals(expected));
            // and it stays so over several delay_loops: the passing ones do pass every time
            await().during(DELAY_LOOP.multipliedBy(3)).atMost(DELAY_LOOP.multipliedBy(4))
                    .pollInterval(Duration.ofMillis(100)).until(() -> ports(client).equals(expected));
        } finally {
            daemon.close();
        }
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    private List<Integer> ports(ControlClient client) throws IOException {
        return client.table().services().getFirst().realServers().stream().map(r -> r.server().port()).sorted()
                .toList();
    }

    /** Waits, bounded, until the real server is (or is not) in the table; returns how long that took. */
    private Duration timeUntil(ControlClient client, boolean present, Duration bound) {
        long start = System.nanoTime();
        await().atMost(bound).pollInterval(Duration.ofMillis(50)).until(() -> inTable(client) == present);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean inTable(ControlClient client) throws IOException {
        List<RealServerView> servers = client.table().services().getFirst().realServers();
        return servers.stream().anyMatch(r -> r.server().address().toString().equals(rs) && r.server().port() == 80);
    }
}
