package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.admin.AdminOptions;
import io.jlvs.cli.daemon.Director;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.testkit.Chromium;
import io.jlvs.testkit.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: the status page, rendered by headless Chromium, follows a health checker. The director runs
 * keepalived.conf with TCP_CHECKs on two loopback real servers the test owns; one without and one with
 * {@code inhibit_on_failure}. Stopping them takes the first out of the table and sets the second's weight to 0;
 * listening again brings both back. Each step is read from the DOM the page's scripts render.
 */
@Timeout(180)
class StatusPageCheckerLabTest {
    @TempDir
    Path dir;

    @Test
    void aServerThatStopsListeningGoesDownOnThePageAndComesBack() throws Exception {
        String chromium = Lab.requireCommand("chromium", "chromium");
        int vip = Backend.freePort();
        try (Backend removed = Backend.start(); Backend inhibited = Backend.start();
             Director director = Director.start(new IpvsEngine())) {
            Path conf = dir.resolve("keepalived.conf");
            Files.writeString(conf, """
                    virtual_server 127.0.0.1 %d {
                        lb_algo wrr
                        lb_kind NAT
                        protocol TCP
                        delay_loop 0.2
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                        real_server 127.0.0.1 %d {
                            weight 2
                            TCP_CHECK {
                            }
                        }
                        real_server 127.0.0.1 %d {
                            weight 3
                            inhibit_on_failure
                            TCP_CHECK {
                            }
                        }
                    }
                    """.formatted(vip, removed.port, inhibited.port));
            assertThat(director.loadKeepalived(conf, "lab").applied()).isTrue();
            int admin = director.startAdmin(new AdminOptions("127.0.0.1", 0, null, 65536)).getPort();
            String url = "http://127.0.0.1:" + admin + "/";
            String service = "tcp-127.0.0.1-" + vip;
            String removedId = "127.0.0.1-" + removed.port;
            String inhibitedId = "127.0.0.1-" + inhibited.port;
            String removedLabel = "[127.0.0.1]:tcp:" + removed.port;
            String inhibitedLabel = "[127.0.0.1]:tcp:" + inhibited.port;

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> weights(director).equals(Map.of(removed.port, 2, inhibited.port, 3)));
            String up = dumpDom(chromium, url);
            assertThat(up).contains("<section class=\"service\" data-id=\"" + service + "\">");
            assertThat(row(up, removedId)).contains("<td class=\"weight\">2</td>");
            assertThat(row(up, inhibitedId)).startsWith("<tr class=\"server\" ")
                    .contains("<td class=\"weight\">3</td>");

            removed.stop();
            inhibited.stop();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> weights(director).equals(Map.of(inhibited.port, 0)));
            String down = dumpDom(chromium, url);
            assertThat(down).as("removed from the table: no row").doesNotContain("data-id=\"" + removedId + "\"");
            assertThat(row(down, inhibitedId)).as("inhibit_on_failure: weight 0, shown drained")
                    .startsWith("<tr class=\"server drained\" ").contains("<td class=\"weight\">0</td>");
            assertThat(down).contains("TCP_CHECK on service " + removedLabel + " failed",
                    "Removing service " + removedLabel + " from VS [127.0.0.1]:tcp:" + vip,
                    "TCP_CHECK on service " + inhibitedLabel + " failed",
                    "Disabling service " + inhibitedLabel + " of VS [127.0.0.1]:tcp:" + vip);

            removed.listenAgain();
            inhibited.listenAgain();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> weights(director).equals(Map.of(removed.port, 2, inhibited.port, 3)));
            String back = dumpDom(chromium, url);
            assertThat(row(back, removedId)).contains("<td class=\"weight\">2</td>");
            assertThat(row(back, inhibitedId)).startsWith("<tr class=\"server\" ")
                    .contains("<td class=\"weight\">3</td>");
            assertThat(back).contains("Adding service " + removedLabel + " to VS [127.0.0.1]:tcp:" + vip,
                    "Enabling service " + inhibitedLabel + " of VS [127.0.0.1]:tcp:" + vip);
        }
    }

    /** Real server port to weight, for the one virtual service. */
    private static Map<Integer, Integer> weights(Director director) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (VirtualServiceView vs : director.table().services()) {
            for (RealServerView r : vs.realServers()) {
                out.put(r.server().port(), r.server().weight());
            }
        }
        return out;
    }

    /** The rendered {@code <tr>} of a real server. */
    private static String row(String dom, String serverId) {
        Matcher m = Pattern.compile("<tr class=\"[^\"]*\" data-id=\"" + Pattern.quote(serverId) + "\">.*?</tr>")
                .matcher(dom);
        assertThat(m.find()).as("row of " + serverId + " in the rendered page:\n" + dom).isTrue();
        return m.group();
    }

    /** The DOM after the page's scripts ran for 3 s of virtual time. */
    private String dumpDom(String chromium, String url) throws IOException, InterruptedException {
        return new Chromium(chromium, Files.createDirectories(dir.resolve("profile"))).dumpDom(url, 3000);
    }
}
