package io.jlvs.cli.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.cli.daemon.SocketPaths;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jlvs run} as its own JVM: {@code kill -USR1/-USR2} and {@code jlvs dump} make it write its dumps. */
@Timeout(120)
class DumpSignalProcessTest {
    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void stop() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroy();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private Process jlvs(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
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

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr"));
    }

    private Process startWithOneService(Path socket, Path dumps) throws IOException {
        Process process = jlvs("run", "--no-admin", "--socket", socket.toString(), "--dump-dir", dumps.toString());
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
        try (ControlClient client = ControlClient.connect(socket)) {
            InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
            client.execute(new IpvsCommand.AddService(VirtualService.of(key, "wrr")));
            client.execute(new IpvsCommand.AddServer(key,
                    RealServer.of(IpAddress.parse("192.168.0.5"), 8080, ForwardingMethod.FULLNAT, 7)));
        } catch (Exception e) {
            throw new IOException(e);
        }
        return process;
    }

    private void kill(String signal, Process process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    @Test
    void sigusr1WritesDataAndJsonAndSigusr2WritesStatsInTheDumpDir() throws Exception {
        Path dumps = Files.createDirectory(dir.resolve("dumps"));
        Process process = startWithOneService(dir.resolve("jlvs.sock"), dumps);

        kill("USR1", process);
        Path data = dumps.resolve("keepalived.data");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(data));
        assertThat(Files.readString(data)).contains(" VS = [10.0.0.1]:tcp:80\n", "   RS = 192.168.0.5:8080\n",
                "     Weight = 7\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rw-------");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dumps.resolve("keepalived.json")));
        assertThat(dumps.resolve("keepalived.json")).hasContent("[]");

        kill("USR2", process);
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dumps.resolve("keepalived.stats")));
        assertThat(process.isAlive()).as("the signals do not stop the daemon").isTrue();
    }

    @Test
    void jlvsDumpSignalsTheDaemonAndPrintsTheFile() throws Exception {
        Path dumps = Files.createDirectory(dir.resolve("dumps"));
        Path socket = dir.resolve("jlvs.sock");
        startWithOneService(socket, dumps);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new JlvsMain());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("dump", "--socket", socket.toString(), "--dump-dir", dumps.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo(dumps.resolve("keepalived.data") + "\n");
        assertThat(dumps.resolve("keepalived.data")).content().contains("RS = 192.168.0.5:8080");
    }

    @Test
    void aSymlinkInTheDumpDirIsNotFollowedAndTheDaemonRunsOn() throws Exception {
        Path dumps = Files.createDirectory(dir.resolve("dumps"));
        Path victim = Files.writeString(dir.resolve("victim"), "keep me\n");
        Files.createSymbolicLink(dumps.resolve("keepalived.data"), victim);
        Process process = startWithOneService(dir.resolve("jlvs.sock"), dumps);

        kill("USR1", process);
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("cannot write the keepalived.data dump"));

        assertThat(victim).hasContent("keep me");
        assertThat(Files.isSymbolicLink(dumps.resolve("keepalived.data"))).isTrue();
        assertThat(process.isAlive()).isTrue();
    }

    @Test
    void jlvsDumpWithoutADaemonSaysSo() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new JlvsMain());
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("dump", "--pid-file", dir.resolve("none.pid").toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("jlvs: no pid file " + dir.resolve("none.pid")
                + ": is the daemon running?\n");
    }
}
