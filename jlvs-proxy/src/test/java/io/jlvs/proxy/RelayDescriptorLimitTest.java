package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.Protocol;
import io.jlvs.proxy.bench.ProxyBenchMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay in a process that runs out of file descriptors (ulimit -n): a connection it cannot proxy is
 * closed or waits in the listen queue, the process does not spin on the ever-ready listening socket, the
 * connections it holds go on, and new ones are served once descriptors are free again. Each proxied
 * connection takes two descriptors, so whether accept() itself fails (EMFILE) or the socket() to the real
 * server does depends on the parity of the limit: both limits run.
 */
class RelayDescriptorLimitTest {
    /** Ample for a proxied connection's greeting, also on a loaded machine; paid once, for the first unserved one. */
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(5);

    @ParameterizedTest
    @ValueSource(ints = {256, 257})
    void runningOutOfDescriptorsPausesAcceptingInsteadOfSpinning(int limit) throws Exception {
        try (TcpBackend backend = TcpBackend.echo("rs1")) {
            int vport = ProxyFixture.freePort(Protocol.TCP);
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "ulimit -n " + limit + " && exec \"$0\" \"$@\"", javaBin,
                    "--enable-native-access=ALL-UNNAMED", "-Xmx128m", "-Djlvs.bench.loops=1",
                    "-cp", System.getProperty("java.class.path"), ProxyBenchMain.class.getName(),
                    String.valueOf(vport), String.valueOf(backend.port()));
            pb.redirectErrorStream(true);
            Process proxy = pb.start();
            List<Socket> clients = new ArrayList<>();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("ready")) {
                    // SLF4J's notices
                }
                assertThat(line).startsWith("ready relay");
                Thread.ofVirtual().start(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                long open = openDescriptors(proxy.pid());
                int wanted = (int) ((limit - open) / 2) + 20;   // two descriptors per proxied connection
                for (int i = 0; i < wanted; i++) {
                    clients.add(connect(vport));
                }
                // the relay takes connections in their order, so the ones it serves are the first ones; a loaded
                // machine may take its time to greet them (a 150 ms read once gave up on the first, cold one, and
                // its greeting came back later in place of the echo below)
                int served = 0;
                while (served < wanted && greeting(clients.get(served), SERVED_WITHIN) != null) {
                    served++;
                }
                for (Socket s : clients.subList(served, wanted)) {
                    // queued behind one that got nothing for SERVED_WITHIN, or closed: none is served later
                    assertThat(greeting(s, Duration.ofMillis(20))).as("a connection after the first unserved one")
                            .isNull();
                }
                assertThat(served).as("connections served before the limit").isBetween(wanted - 40, wanted - 1);

                // spinning on the ready listener would burn a core: ~200 ticks in 2 s
                long before = cpuTicks(proxy.pid());
                await("under 50 CPU ticks for 2 s while connections wait to be accepted")
                        .during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                        .until(() -> cpuTicks(proxy.pid()) - before < 50);

                // an established connection still works
                clients.getFirst().getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
                BufferedReader r = new BufferedReader(new InputStreamReader(clients.getFirst().getInputStream(),
                        StandardCharsets.US_ASCII));
                assertThat(r.readLine()).isEqualTo("still here");

                for (Socket s : clients.subList(0, 60)) {
                    s.close();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try (Socket s = connect(vport)) {
                        return "rs1".equals(greeting(s, SERVED_WITHIN));
                    }
                });
            } finally {
                for (Socket s : clients) {
                    s.close();
                }
                proxy.destroy();
                if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        return s;
    }

    /**
     * The real server's greeting, or null when the connection was closed (or reset: a connection the relay
     * could not proxy may be reset rather than closed, depending on timing) or nothing came within {@code wait}.
     */
    private static String greeting(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        try {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } catch (java.net.SocketException e) {
            if (String.valueOf(e.getMessage()).contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    private static long openDescriptors(long pid) throws IOException {
        try (var files = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return files.count();
        }
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);   // utime, stime
    }
}
