package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.cli.daemon.Director;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.engine.keepalived.ReloadResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 reloads of keepalived.conf while clients send HTTP requests through FULLNAT on 127.0.0.1. Each reload is
 * one of: no change, a weight change, a server added, that server removed, a broken file. The removed server
 * keeps listening (only the configuration drops it), so a request the proxy already sent there completes: the
 * engine keeps a removed server's connections. Hence every request must succeed, whatever the reload.
 */
@Timeout(90)
class ReloadUnderTrafficTest {
    private static final int RELOADS = 50;
    private static final int CLIENTS = 2;

    @TempDir
    Path dir;

    private static String conf(int vip, int a, int b, int bWeight, Integer c) {
        StringBuilder s = new StringBuilder("""
                virtual_server 127.0.0.1 %d {
                    lb_algo wrr
                    lb_kind FNAT
                    protocol TCP
                    delay_loop 0.5
                    connect_timeout 1
                    warmup 0
                """.formatted(vip));
        s.append(rs(a, 1)).append(rs(b, bWeight));
        if (c != null) {
            s.append(rs(c, 2));
        }
        return s.append("}\n").toString();
    }

    private static String rs(int port, int weight) {
        return "    real_server 127.0.0.1 " + port + " {\n        weight " + weight
                + "\n        TCP_CHECK {\n        }\n    }\n";
    }

    @Test
    void fiftyReloadsUnderTrafficFailNoRequestAndKeepEstablishedConnections() throws Exception {
        int vip = Backend.freePort();
        InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.parse("127.0.0.1"), vip);
        Path file = dir.resolve("keepalived.conf");
        try (Backend a = Backend.start(); Backend b = Backend.start(); Backend c = Backend.start();
             Director director = Director.start(new IpvsEngine())) {
            Files.writeString(file, conf(vip, a.port, b.port, 1, null));
            assertThat(director.loadKeepalived(file, "testhost").applied()).isTrue();
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> Backend.get(vip).startsWith("ok "));
            DestinationState aState = destination(director.engine(), key, a.port);

            // a long-lived connection, established before the first reload
            Socket longLived = new Socket(InetAddress.getLoopbackAddress(), vip);
            longLived.setSoTimeout(5000);
            PrintWriter llOut = new PrintWriter(longLived.getOutputStream(), true, StandardCharsets.ISO_8859_1);
            BufferedReader llIn = new BufferedReader(new InputStreamReader(longLived.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            llOut.println("hello");
            String first = llIn.readLine();
            String llPort = first.substring(0, first.indexOf(':'));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong ok = new AtomicLong();
            List<String> failures = new CopyOnWriteArrayList<>();
            Set<String> answeredBy = ConcurrentHashMap.newKeySet();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            answeredBy.add(Backend.get(vip));
                            ok.incrementAndGet();
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }

            int bWeight = 1;
            Integer cPort = null;
            int applied = 0;
            for (int i = 0; i < RELOADS; i++) {
                String valid;
                switch (i % 5) {
                    case 1 -> bWeight = bWeight == 1 ? 3 : 1;
                    case 2 -> cPort = c.port;
                    case 3 -> cPort = null;
                    default -> {
                    }
                }
                valid = conf(vip, a.port, b.port, bWeight, cPort);
                if (i % 5 == 4) {
                    List<String> before = table(director);
                    Files.writeString(file, valid + "virtual_server 127.0.0.1 {\n");
                    ReloadResult r = director.keepalived().reload();
                    assertThat(r.applied()).isFalse();
                    assertThat(table(director)).isEqualTo(before);
                    Files.writeString(file, valid);
                } else {
                    Files.writeString(file, valid);
                    assertThat(director.keepalived().reload().applied()).isTrue();
                    applied++;
                    assertThat(table(director)).containsExactlyInAnyOrderElementsOf(expected(a.port, b.port,
                            bWeight, cPort));
                }
                long target = ok.get() + 3;
                await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() >= target || !failures.isEmpty());

                llOut.println("r" + i);
                assertThat(llIn.readLine()).isEqualTo(llPort + ":r" + i);
            }
            stop.set(true);
            for (Thread t : clients) {
                t.join(Duration.ofSeconds(10));
            }
            longLived.close();

            assertThat(failures).isEmpty();
            assertThat(ok.get()).isGreaterThanOrEqualTo(3L * RELOADS);
            assertThat(answeredBy).contains("ok " + a.port, "ok " + b.port, "ok " + c.port);
            assertThat(director.keepalived().reloads()).isEqualTo(applied).isEqualTo(40);
            // never removed, never changed: the same destination (counters, connections) all along
            assertThat(destination(director.engine(), key, a.port)).isSameAs(aState);
            assertThat(director.events().since(0)).anySatisfy(e -> assertThat(e.message()).contains("refused"));
        }
    }

    private static List<String> expected(int a, int b, int bWeight, Integer c) {
        List<String> out = new ArrayList<>(List.of(a + "/1", b + "/" + bWeight));
        if (c != null) {
            out.add(c + "/2");
        }
        return out;
    }

    private static List<String> table(Director director) {
        VirtualServiceView vs = director.table().services().getFirst();
        return vs.realServers().stream().map(RealServerView::server).map(r -> r.port() + "/" + r.weight()).toList();
    }

    private static DestinationState destination(IpvsEngine engine, InetServiceKey key, int port) {
        ServiceRuntime rt = engine.snapshot().service(key);
        return rt.destinations().get(rt.destinations().indexOf(IpAddress.parse("127.0.0.1"), port));
    }
}
