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
                int served = 0;
                for (int i = 0; i < wanted; i++) {
                    Socket s = connect(vport);
                    clients.add(s);
                    if (greeting(s) != null) {
                        served++;
                    }
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
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (Socket s = connect(vport)) {
                        return "rs1".equals(greeting(s));
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
        s.setSoTimeout(150);
        return s;
    }

    /** The real server's greeting, or null when nothing came within the socket timeout. */
    private static String greeting(Socket s) throws IOException {
        try {
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (java.net.SocketTimeoutException e) {
            return null;
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
