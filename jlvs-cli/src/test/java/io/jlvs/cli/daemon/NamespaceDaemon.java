package io.jlvs.cli.daemon;

import static org.awaitility.Awaitility.await;

import io.jlvs.cli.JlvsMain;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.NetnsLab;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** `jlvs run` in one of a lab's namespaces, for the daemon lab tests: started, then awaited on its socket. */
final class NamespaceDaemon {
    private NamespaceDaemon() {
    }

    /**
     * Starts {@code jlvs run ARGS --socket SOCKET --no-admin} in {@code ns} (killed with the lab), logging to
     * {@code log}, and waits up to a minute until its control socket answers.
     */
    static Process start(NetnsLab lab, String ns, Path socket, Path log, String... args) throws IOException {
        return start(lab, ns, socket, log, List.of(), args);
    }

    /** As above, with {@code env} ({@code NAME=VALUE}) in the daemon's environment. */
    static Process start(NetnsLab lab, String ns, Path socket, Path log, List<String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("env"));
        if (env.stream().noneMatch(e -> e.startsWith("JLVS_SYSCTL_ROOT="))) {
            // not the host's sysctl files: a test host that is itself a director must not change the test
            cmd.add("JLVS_SYSCTL_ROOT=" + log.toAbsolutePath().getParent().resolve("no-sysctl-files"));
        }
        cmd.addAll(env);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), JlvsMain.class.getName(), "run"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--socket", socket.toString(), "--no-admin"));
        Process p = lab.start(ns, cmd, log);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    try (ControlClient c = ControlClient.connect(socket)) {
                        return c.ping() > 0;
                    }
                });
        return p;
    }

    /** The MAC address of {@code ns}'s link {@code dev}, as 6 bytes. */
    static byte[] mac(NetnsLab lab, String ns, String dev) throws IOException {
        return java.util.HexFormat.ofDelimiter(":").parseHex(
                lab.exec(ns, "cat", "/sys/class/net/" + dev + "/address").output().strip());
    }

    /** Writes {@code frames} (whole Ethernet frames) onto the root namespace's link {@code rootIf}, in order. */
    static void sendFrames(String python, String rootIf, byte[]... frames) throws IOException {
        List<String> argv = new ArrayList<>(List.of(python, "-c", """
                import socket, sys
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                s.bind((sys.argv[1], 0))
                for h in sys.argv[2:]:
                    s.send(bytes.fromhex(h))
                """, rootIf));
        for (byte[] f : frames) {
            argv.add(java.util.HexFormat.of().formatHex(f));
        }
        io.jlvs.testkit.Shell.run(argv, 30).orThrow("send frames");
    }

    /** The name of the one link of {@code ns} besides lo. */
    static String link(NetnsLab lab, String ns) throws IOException {
        return lab.exec(ns, "sh", "-c", "ip -o link show | awk -F': ' '$2 !~ /^lo/ {print $2}'")
                .output().strip().replaceAll("@.*", "");
    }
}
