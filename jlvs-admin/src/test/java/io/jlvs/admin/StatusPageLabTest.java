package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.testkit.Chromium;
import io.jlvs.testkit.Lab;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lab tier: the status page rendered by headless Chromium over a real engine. */
class StatusPageLabTest {
    private static final InetServiceKey WEB = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);

    @TempDir
    Path dir;

    private IpvsEngine engineWithAService() throws Exception {
        IpvsEngine engine = new IpvsEngine();
        engine.execute(new IpvsCommand.AddService(VirtualService.of(WEB, "wlc")));
        engine.execute(new IpvsCommand.AddServer(WEB,
                RealServer.of(IpAddress.parse("192.168.1.11"), 80, ForwardingMethod.MASQ, 3)));
        engine.execute(new IpvsCommand.AddServer(WEB,
                RealServer.of(IpAddress.parse("192.168.1.12"), 80, ForwardingMethod.DROUTE, 1)));
        return engine;
    }

    private Chromium chromium() throws Exception {
        String binary = Lab.requireCommand("chromium", "chromium");
        return new Chromium(binary, Files.createDirectories(dir.resolve("profile")));
    }

    private Path token() throws Exception {
        Path f = dir.resolve("token");
        Files.writeString(f, "lab-token\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void thePageShowsServicesAndServersAndFollowsAWeightChange() throws Exception {
        Chromium chromium = chromium();
        IpvsEngine engine = engineWithAService();
        EventLog events = new EventLog();
        events.record(EventLog.CHECKER, "TCP_CHECK on service [192.168.1.12]:tcp:80 success");
        try (AdminServer server = AdminServer.start(
                new AdminOptions("127.0.0.1", 0, token(), AdminOptions.DEFAULT_MAX_BODY_BYTES), engine, events,
                new DaemonCounters())) {
            String url = "http://127.0.0.1:" + server.port() + "/";
            server.vrrpInstances(VrrpFixtures::two);

            String before = chromium.dumpDom(url, 3000);
            assertThat(before).contains("<tr class=\"vrrp-instance state-MASTER\" data-name=\"VI_1\"><td class=\"name\">"
                    + "VI_1</td><td class=\"state\">MASTER</td><td class=\"vrid\">51</td><td class=\"interface\">eth0</td>"
                    + "<td class=\"priority\">150</td><td class=\"effective\">140</td><td class=\"master\">10.0.0.1</td>"
                    + "<td class=\"vips\">10.0.0.100/24, 192.168.5.5/32 dev eth2</td>")
                    .contains("<tr class=\"vrrp-instance state-BACKUP\" data-name=\"VI_2\">")
                    .doesNotContain("<section id=\"vrrp\" class=\"vrrp\" hidden");
            assertThat(before).contains("<section class=\"service\" data-id=\"tcp-10.0.0.1-80\">")
                    .contains("<h2>TCP 10.0.0.1:80</h2>")
                    .contains("TCP_CHECK on service [192.168.1.12]:tcp:80 success");
            assertThat(weightShown(before, "192.168.1.11-80")).isEqualTo("3");
            assertThat(weightShown(before, "192.168.1.12-80")).isEqualTo("1");
            assertThat(before).contains("<td class=\"address\">192.168.1.12:80</td><td class=\"method\">Route</td>");

            HttpResponse<String> drain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(url + "api/v1/services/tcp-10.0.0.1-80/servers/192.168.1.11-80/drain"))
                    .header("Authorization", "Bearer lab-token")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(drain.statusCode()).isEqualTo(200);

            String after = chromium.dumpDom(url, 3000);
            assertThat(weightShown(after, "192.168.1.11-80")).isEqualTo("0");
            assertThat(after).contains("<tr class=\"server drained\" data-id=\"192.168.1.11-80\">")
                    .contains("API: drained real server 192.168.1.11-80 of tcp-10.0.0.1-80 (weight 0)");
            assertThat(weightShown(after, "192.168.1.12-80")).isEqualTo("1");
        }
    }

    /**
     * A service's line reads as ipvsadm -Ln's after the address: scheduler flags, persistence with the mask
     * (an IPv6 prefix length, an IPv4 netmask; none when it is the whole address), pe, ops. Before, the page
     * showed "wlc persistent 300" for a service persistent per /64, whose clients it sends together.
     */
    @Test
    void theServiceLineShowsFlagsPersistenceMaskAndOpsAsIpvsadm() throws Exception {
        Chromium chromium = chromium();
        IpvsEngine engine = engineWithAService();
        InetServiceKey web6 = new InetServiceKey(Protocol.TCP, IpAddress.parse("2001:db8::80"), 80);
        engine.execute(new IpvsCommand.AddService(new VirtualService(web6, "wlc", java.util.Set.of(), 300, 64, false,
                null)));
        InetServiceKey dns = new InetServiceKey(Protocol.UDP, IpAddress.parse("10.0.0.1"), 53);
        engine.execute(new IpvsCommand.AddService(new VirtualService(dns, "sh",
                java.util.Set.of(io.jlvs.core.SchedFlag.SH_PORT, io.jlvs.core.SchedFlag.SH_FALLBACK), 360,
                IpAddress.parse("255.255.255.0").v4(), true, null)));
        try (AdminServer server = AdminServer.start(new AdminOptions("127.0.0.1", 0, null, 65536), engine,
                new EventLog(), new DaemonCounters())) {
            String dom = chromium.dumpDom("http://127.0.0.1:" + server.port() + "/", 3000);
            assertThat(dom).contains("<h2>TCP [2001:db8::80]:80</h2><span class=\"sched\">wlc persistent 300 mask 64</span>")
                    .contains("<h2>UDP 10.0.0.1:53</h2><span class=\"sched\">sh (sh-fallback,sh-port) persistent 360"
                            + " mask 255.255.255.0 ops</span>")
                    .contains("<h2>TCP 10.0.0.1:80</h2><span class=\"sched\">wlc</span>");
        }
    }

    @Test
    void screenshotForTheDocs() throws Exception {
        Chromium chromium = chromium();
        IpvsEngine engine = engineWithAService();
        InetServiceKey dns = new InetServiceKey(Protocol.UDP, IpAddress.parse("2001:db8::53"), 53);
        engine.execute(new IpvsCommand.AddService(VirtualService.of(dns, "rr")));
        engine.execute(new IpvsCommand.AddServer(dns,
                RealServer.of(IpAddress.parse("2001:db8::1:53"), 53, ForwardingMethod.MASQ, 1)));
        engine.execute(new IpvsCommand.AddServer(dns,
                RealServer.of(IpAddress.parse("2001:db8::2:53"), 53, ForwardingMethod.MASQ, 0)));
        EventLog events = new EventLog();
        events.record(EventLog.RELOAD, "Reloaded /etc/keepalived/keepalived.conf: 2 virtual servers");
        events.record(EventLog.FAILOVER, "(VI_1) Entering MASTER STATE");
        events.record(EventLog.CHECKER, "TCP_CHECK on service [2001:db8::2:53]:udp:53 failed");
        events.record(EventLog.CONFIG, "API: drained real server 2001:db8::2:53-53 of udp-2001:db8::53-53 (weight 0)");
        try (AdminServer server = AdminServer.start(new AdminOptions("127.0.0.1", 0, null, 65536),
                new SyntheticTraffic(engine), events, new DaemonCounters())) {
            server.vrrpInstances(VrrpFixtures::two);
            Path png = Path.of("target", "status-page.png");
            Files.deleteIfExists(png);
            chromium.screenshot("http://127.0.0.1:" + server.port() + "/", png, 60000);
            byte[] bytes = Files.readAllBytes(png);
            assertThat(bytes.length).isGreaterThan(10_000);
            assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    private static String weightShown(String dom, String serverId) {
        Matcher m = Pattern.compile("data-id=\"" + Pattern.quote(serverId)
                + "\">.*?<td class=\"weight\">(\\d+)</td>").matcher(dom);
        assertThat(m.find()).as("row of " + serverId + " in the rendered page:\n" + dom).isTrue();
        return m.group(1);
    }
}
