package io.jlvs.vrrp.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/** A {@link VrrpRouterMain} in a child JVM inside a namespace (a Java thread cannot enter a namespace). */
final class JlvsChild {
    final Process process;
    final Path log;
    final long pid;
    private final OutputStream stdin;

    private JlvsChild(Process process, Path log, long pid) {
        this.process = process;
        this.log = log;
        this.pid = pid;
        this.stdin = process.getOutputStream();
    }

    static JlvsChild start(VrrpLan lan, VrrpLan.Node node, String tag, Properties props) throws IOException {
        Path conf = lan.dir.resolve(tag + ".properties");
        try (var w = Files.newBufferedWriter(conf)) {
            props.store(w, null);
        }
        Path log = lan.dir.resolve(tag + ".log");
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = lan.lab.start(node.ns(), List.of(java, "-cp", System.getProperty("java.class.path"),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                VrrpRouterMain.class.getName(), conf.toString()), log);
        AtomicReference<Long> pid = new AtomicReference<>();
        Awaitility.await("jlvs child " + tag + " ready").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    assertThat(p.isAlive()).as("child alive; log: %s", read(log)).isTrue();
                    read(log).lines().filter(l -> l.startsWith("READY ")).findFirst()
                            .ifPresent(l -> pid.set(Long.parseLong(l.substring(6).trim())));
                    return pid.get() != null;
                });
        return new JlvsChild(p, log, pid.get());
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    String output() {
        return read(log);
    }

    /** The time (System.nanoTime, shared by processes on this host) of the first transition to {@code to} after {@code after}. */
    OptionalLong transitionAt(String to, long after) {
        return output().lines().filter(l -> l.startsWith("TRANSITION ")).map(l -> l.split(" "))
                .filter(f -> f[3].equals(to) && Long.parseLong(f[4]) > after)
                .mapToLong(f -> Long.parseLong(f[4])).findFirst();
    }

    /** The state in the last transition line. */
    String state() {
        return output().lines().filter(l -> l.startsWith("TRANSITION ")).reduce((a, b) -> b)
                .map(l -> l.split(" ")[3]).orElse("INIT");
    }

    /** Asks for and returns a fresh STATUS line. */
    String status() throws IOException {
        long before = output().lines().filter(l -> l.startsWith("STATUS ")).count();
        command("status");
        AtomicReference<String> line = new AtomicReference<>();
        Awaitility.await("status").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<String> all = output().lines().filter(l -> l.startsWith("STATUS ")).toList();
            if (all.size() > before) {
                line.set(all.getLast());
                return true;
            }
            return false;
        });
        return line.get();
    }

    static long counter(String status, String key) {
        for (String f : status.split(" ")) {
            if (f.startsWith(key + "=")) {
                return Long.parseLong(f.substring(key.length() + 1));
            }
        }
        return 0;
    }

    /** Graceful stop (priority 0, VIPs removed); waits for the JVM to exit. */
    void stop() throws Exception {
        command("stop");
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("jlvs child exits after stop").isTrue();
        assertThat(output()).contains("STOPPED ");
    }

    /** When (System.nanoTime) the child began its graceful stop, from its {@code STOPPED} line. */
    long stoppedAt() {
        return output().lines().filter(l -> l.startsWith("STOPPED ")).mapToLong(l -> Long.parseLong(l.substring(8)))
                .findFirst().orElseThrow();
    }

    void kill9() throws Exception {
        signal("KILL");
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    void signal(String name) throws IOException {
        Shell.run("kill", "-" + name, Long.toString(pid)).orThrow("kill -" + name + " " + pid);
    }

    private void command(String c) throws IOException {
        stdin.write((c + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}
