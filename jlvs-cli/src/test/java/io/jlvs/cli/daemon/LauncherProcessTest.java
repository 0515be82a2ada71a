package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.control.ControlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code jlvs run} as its own JVM, as the launcher does, and stops it with signals. */
@Timeout(120)
class LauncherProcessTest {
    @TempDir
    Path dir;

    private Process child;

    private Process jlvs(String... args) throws IOException {
        return jlvs(List.of(), args);
    }

    /** {@code jlvs ARGS} behind {@code prefix} (e.g. nohup, which execs it with SIGHUP ignored). */
    private Process jlvs(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                JlvsMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile());
        pb.environment().remove(SocketPaths.ENV_SOCKET);
        child = pb.start();
        return child;
    }

    @AfterEach
    void killLeftovers() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
    }

    private static String threadDump(long pid) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            jcmd.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return "no thread dump: " + e;
        }
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr"));
    }

    private void awaitReady(Path socket, Process process) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
            assertThat(process.isAlive()).as("jlvs exited early: %s", stderr()).isTrue();
            if (!Files.exists(socket)) {
                return false;
            }
            try (ControlClient client = ControlClient.connect(socket)) {
                return client.ping() == process.pid();
            }
        });
    }

    @Test
    void sigtermStopsTheDaemonAndRemovesItsFiles() throws Exception {
        Path socket = dir.resolve("run/jlvs.sock");
        Process process = jlvs("run", "--admin", "127.0.0.1:0", "--socket", socket.toString());
        awaitReady(socket, process);
        Path pidFile = dir.resolve("run/jlvs.pid");
        assertThat(Files.readString(pidFile)).isEqualTo(process.pid() + "\n");
        try (ControlClient client = ControlClient.connect(socket)) {
            InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
            client.execute(new IpvsCommand.AddService(VirtualService.of(key, "wrr")));
            assertThat(client.table().services()).hasSize(1);
        }

        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isIn(0, 143);
        assertThat(socket).doesNotExist();
        assertThat(pidFile).doesNotExist();
        assertThat(stderr()).contains("ready: control socket " + socket + ", pid " + process.pid())
                .contains("jlvs stopped")
                .doesNotContain("Exception");
    }

    /**
     * Started with nohup, as SREs start daemons by hand: SIGHUP (`jlvs reload`) still reloads the
     * keepalived.conf, as it does for keepalived. Before, the JVM found SIGHUP ignored and installed no handler:
     * every reload was ignored without a word.
     */
    @Test
    void startedWithNohupSighupStillReloads() throws Exception {
        Path conf = dir.resolve("keepalived.conf");
        String block = """
                virtual_server 10.0.0.1 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.1.1 80 {
                        weight %d
                    }
                }
                """;
        Files.writeString(conf, block.formatted(1));
        Path socket = dir.resolve("jlvs.sock");
        Process process = jlvs(List.of("nohup"), "run", "--no-admin", "--socket", socket.toString(), "--use-file",
                conf.toString());
        awaitReady(socket, process);
        Files.writeString(conf, block.formatted(7));

        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(process.isAlive()).as("the daemon after SIGHUP: %s", stderr()).isTrue();
            try (ControlClient client = ControlClient.connect(socket)) {
                assertThat(client.table().services().get(0).realServers().get(0).server().weight())
                        .as("the real server's weight after the reload; log: %s", stderr()).isEqualTo(7);
            }
        });
        assertThat(stderr()).contains("SIGHUP was ignored when jlvs started (nohup?): it is handled, for reloads");
    }

    /**
     * Also when jlvs inherits SIGINT ignored (a background job of a script; here the test's own JVM when the
     * suite runs in the background): it stops, as keepalived does. Before, the JVM installed no handler for
     * the ignored signal and the daemon ran on.
     */
    @Test
    void sigintStopsTheDaemonToo() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        Path pidFile = dir.resolve("custom.pid");
        Process process = jlvs("run", "--admin", "127.0.0.1:0", "--socket", socket.toString(), "--pid-file", pidFile.toString());
        awaitReady(socket, process);
        assertThat(pidFile).exists();

        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            // seen once in a full run (2026-11-27), never alone: say where it hangs
            fail("jlvs did not stop within 30 s of SIGINT; stderr: " + stderr() + "\nthreads:\n"
                    + threadDump(process.pid()));
        }

        assertThat(process.exitValue()).isIn(0, 130);
        assertThat(socket).doesNotExist();
        assertThat(pidFile).doesNotExist();
    }

    /**
     * Started with SIGINT ignored (as a script's background job is), jlvs still stops on SIGINT, as keepalived
     * does, and says so at start. Before, the JVM installed no handler for the ignored signal and the daemon
     * ran on.
     */
    @Test
    void sigintStopsADaemonStartedWithItIgnored() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        Process process = jlvs(List.of("bash", "-c", "trap '' INT; exec \"$@\"", "jlvs"), "run", "--no-admin",
                "--socket", socket.toString());
        awaitReady(socket, process);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGINT; stderr: %s", stderr()).isTrue();
        assertThat(socket).doesNotExist();
        assertThat(stderr()).contains("SIGINT was ignored when jlvs started (a background job?): it stops jlvs, as "
                + "SIGTERM does");
    }

    /** The same for {@code jlvs demo} run as a background job: Ctrl-C (SIGINT) stops it. */
    @Test
    void sigintStopsADemoStartedWithItIgnored() throws Exception {
        Path socket = dir.resolve("demo.sock");
        int port = io.jlvs.cli.FreePorts.run(4); // the demo's port and its three servers' after it
        Process process = jlvs(List.of("bash", "-c", "trap '' INT; exec \"$@\"", "jlvs"), "demo", "--port",
                Integer.toString(port), "--admin-port", "0", "--socket", socket.toString());
        awaitReady(socket, process);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGINT; stderr: %s", stderr()).isTrue();
        assertThat(socket).doesNotExist();
        assertThat(stderr()).contains("SIGINT was ignored when jlvs demo started (a background job?): it stops "
                + "jlvs demo, as SIGTERM does");
    }

    @Test
    void aStartupProblemIsOneLineOnStderrAndExitOne() throws Exception {
        Path socket = dir.resolve("jlvs.sock");
        try (DaemonProcess first = DaemonProcess.start(new DaemonOptions(socket, dir.resolve("first.pid"),
                new IpvsEngine()))) {
            Process process = jlvs("run", "--admin", "127.0.0.1:0", "--socket", socket.toString());
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(stderr()).isEqualTo("jlvs: another jlvs daemon is already running on " + socket
                    + " (stop it first, or pick another --socket)\n");
            assertThat(first.socket()).exists();
        }
    }
}
