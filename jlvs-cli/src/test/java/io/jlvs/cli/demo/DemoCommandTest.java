package io.jlvs.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.jlvs.cli.adm.Jlvsadm;
import io.jlvs.cli.adm.SystemNameResolver;
import io.jlvs.engine.control.ControlClient;
import java.io.InputStream;
import java.nio.file.Path;
import picocli.CommandLine;

class DemoCommandTest {
    @TempDir
    Path dir;

    /** A minimal wlc for this test (the real schedulers live in jlvs-sched). */
    private static final SchedulerFactory WLC = new SchedulerFactory() {
        @Override
        public String name() {
            return "wlc";
        }

        @Override
        public Scheduler create(SchedulerOptions options) {
            return new Scheduler() {
                @Override
                public String name() {
                    return "wlc";
                }

                @Override
                public int select(Destinations d, FlowKey flow) {
                    int best = NO_DESTINATION;
                    for (int i = 0; i < d.size(); i++) {
                        if (d.available(i) && (best < 0
                                || d.overhead(i) * d.weight(best) < d.overhead(best) * d.weight(i))) {
                            best = i;
                        }
                    }
                    return best;
                }
            };
        }
    };

    /** Four consecutive free ports on 127.0.0.1 (the service and three servers). */
    /** What `curl http://127.0.0.1:port/` prints, over a fresh connection. */
    private static String get(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(response).startsWith("HTTP/1.1 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void demoBalancesHttpRequestsOverItsThreeRealServersUntilStopped() throws Exception {
        int port = io.jlvs.cli.FreePorts.run(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(1);
        DemoCommand demo = new DemoCommand(List.of(WLC), new PrintStream(out, true), System.err, stop);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> new CommandLine(demo).execute("--port", String.valueOf(port),
                        "--socket", dir.resolve("demo.sock").toString(), "--admin-port", "0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("curl"));

        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            seen.merge(get(port).trim(), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("hello from demo real server 1", "hello from demo real server 2",
                "hello from demo real server 3");
        String printed = out.toString();
        String firstServer = "127.0.0.1:" + (port + 1);
        assertThat(printed).contains("TCP  127.0.0.1:" + port + " wlc\n  -> " + firstServer
                        + " ".repeat(29 - firstServer.length()) + "FullNat 1      0          0")
                .contains("curl http://127.0.0.1:" + port + "/");

        assertThat(printed).contains("Watch: JLVS_SOCKET=" + dir.resolve("demo.sock") + " ./jlvsadm -Ln --stats");

        // jlvsadm reaches the demo through its control socket and sees the 30 connections
        try (ControlClient client = ControlClient.connect(dir.resolve("demo.sock"))) {
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    client.table().services().getFirst().stats().conns() == 30);
            ByteArrayOutputStream stats = new ByteArrayOutputStream();
            int code = Jlvsadm.run(new String[] {"-Ln", "--stats"}, client, new PrintStream(stats, true),
                    System.err, InputStream.nullInputStream(), SystemNameResolver.standard());
            assertThat(code).isZero();
            assertThat(stats.toString()).containsPattern("TCP  127\\.0\\.0\\.1:" + port + " +30 +\\d+ +\\d+");
        }

        // the status page's metrics show the same 30 connections, under node_exporter's name
        java.util.regex.Matcher page = java.util.regex.Pattern.compile("Metrics: (http://127\\.0\\.0\\.1:\\d+/metrics)")
                .matcher(printed);
        assertThat(page.find()).as(printed).isTrue();
        String metrics = new String(java.net.URI.create(page.group(1)).toURL().openStream().readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(metrics).contains("node_ipvs_connections_total 30.0");

        stop.countDown();
        assertThat(exit.get()).isZero();
        assertThat(dir.resolve("demo.sock")).doesNotExist();
        assertThat(CompletableFuture.supplyAsync(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return "still listening";
            } catch (IOException refused) {
                return "stopped";
            }
        }).get()).isEqualTo("stopped");
    }

    @Test
    void portInUseIsOneClearLineAndExitCodeOne() throws Exception {
        int port = io.jlvs.cli.FreePorts.run(4);
        try (ServerSocket busy = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            DemoCommand demo = new DemoCommand(List.of(WLC), System.out, new PrintStream(err, true),
                    new CountDownLatch(0));
            int code = new CommandLine(demo).execute("--port", String.valueOf(busy.getLocalPort()),
                    "--socket", dir.resolve("busy.sock").toString(), "--admin-port", "0");
            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("jlvs demo: port 127.0.0.1:" + port
                    + " is in use; choose another with --port" + System.lineSeparator());
        }
    }

    @Test
    void missingSchedulerIsReportedNotThrown() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DemoCommand demo = new DemoCommand(List.of(), System.out, new PrintStream(err, true), new CountDownLatch(0));
        assertThat(new CommandLine(demo).execute()).isEqualTo(1);
        assertThat(err.toString()).startsWith("jlvs demo: the wlc scheduler is not available");
    }
}
