package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lab tier, end to end: `jlvs run --interface` with a NAT service (IPv4; IPv6 NAT and DR too), and a process on the director itself
 * (an operator's curl, a local health probe) connecting to the VIP. IPVS serves those through its
 * LOCAL_OUT hook; the packet data plane never sees them (they do not cross its links), so the FULLNAT
 * proxy listens on VIP:port for them and the kernel guard only drops what arrives on the data plane's
 * links. Before, the guard dropped the director's own SYNs (they come in through lo) and curl timed out.
 */
class LocalClientsDaemonLabTest {
    @TempDir
    Path dir;

    /**
     * With --no-local-clients nothing listens for them: the director's own connection to the VIP is refused
     * at once (the kernel's RST; the guard no longer drops what comes in through lo, which used to leave it
     * hanging), and remote clients are the data plane's as ever.
     */
    @org.junit.jupiter.api.Test
    void withNoLocalClientsTheDirectorsOwnConnectionIsRefusedAtOnce() throws Exception {
        serve("af_packet", List.of("--no-local-clients"), (lab, director, vip) -> {
            Shell.Result r = lab.exec(director, "curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w",
                    "%{http_code}", "http://" + vip + "/name");
            // curl exit 7: refused (a drop would be 28, timed out)
            assertThat(r.output()).as("curl on the director").contains("curl: (7) Failed to connect");
        });
    }

    private interface Body {
        void run(NetnsLab lab, String director, String vip) throws Exception;
    }

    @ParameterizedTest
    @ValueSource(strings = {"af_packet", "af_xdp"})
    void aProcessOnTheDirectorReachesTheVirtualServiceAndIsCounted(String packetIo) throws Exception {
        serve(packetIo, List.of(), (lab, director, vip) -> {
            String[] curl = {"curl", "-sS", "--max-time", "3", "http://" + vip + "/name"};
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(() -> lab.exec(director, curl).output().strip().equals("rs1"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no answer from the VIP on the director: "
                        + lab.exec(director, curl).output() + "\ndaemon: " + Files.readString(dir.resolve("daemon.log"))
                        + "\nguard: " + lab.exec(director, "nft", "list", "table", "ip", "jlvs").output(), e);
            }
            Shell.Result five = lab.exec(director, "sh", "-c", "for i in 1 2 3 4 5; do curl -sS --max-time 3 "
                    + "http://" + vip + "/name; done");
            assertThat(five.output().strip().split("\n")).hasSize(5).containsOnly("rs1");
            try (ControlClient c = ControlClient.connect(dir.resolve("jlvs.sock"))) {
                VirtualServiceView v = c.table().services().getFirst();
                assertThat(v.stats().conns()).as("connections counted in the service").isGreaterThanOrEqualTo(5);
            }
        });
    }

    /**
     * IPv6: a process on the director reaches [VIP]:80 of a NAT service and [VIP]:8081 of a DR one (the real
     * server at its own address and the virtual port, as for IPv4), both counted in their services; and
     * {@code --answer-arp} reaches the data plane (its link takes all multicast). Before,
     * the proxy listened on IPv4 VIPs only and the guard's ip6 table dropped nothing from lo, so curl -6 met the
     * kernel's RST ("Failed to connect").
     */
    @org.junit.jupiter.api.Test
    void aProcessOnTheDirectorReachesIpv6NatAndDrServices() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        Lab.requireCommand("curl", "curl");
        String python = Lab.requireCommand("python3", "python3");
        int n = (int) (ProcessHandle.current().pid() % 250);
        String net = "10.218." + n + ".";
        String net6 = "2001:db8:218:" + Integer.toHexString(n) + "::";
        String vip6 = "2001:db8:219:" + Integer.toHexString(n) + "::100";
        String rs6 = net6 + "11";
        Path socket = dir.resolve("jlvs.sock");
        Path www = Files.createDirectories(dir.resolve("www6"));
        Files.writeString(www.resolve("name"), "rs1\n");
        try (NetnsLab lab = new NetnsLab()) {
            String director = lab.namespace("dir");
            String server = lab.namespace("rs");
            String[] link = lab.vethBetween(director, net + "1/24", server, net + "11/24");
            lab.exec(director, "ip", "-6", "addr", "add", net6 + "1/64", "dev", link[0], "nodad").orThrow("addr6");
            lab.exec(server, "ip", "-6", "addr", "add", rs6 + "/64", "dev", link[1], "nodad").orThrow("rs addr6");
            lab.exec(director, "ip", "-6", "addr", "add", vip6 + "/128", "dev", link[0], "nodad").orThrow("vip6");
            lab.exec(server, "ip", "-6", "route", "add", "default", "via", net6 + "1").orThrow("route6");
            for (int port : new int[] {8080, 8081}) {
                lab.start(server, List.of(python, "-m", "http.server", String.valueOf(port), "--bind", rs6,
                        "--directory", www.toString()), dir.resolve("rs" + port + ".log"));
            }
            // --answer-arp as well (the workers answer neighbour solicitations for the VIP; here the kernel does too)
            NamespaceDaemon.start(lab, director, socket, dir.resolve("daemon.log"), "--interface", link[0],
                    "--answer-arp");
            java.util.regex.Matcher allmulti = java.util.regex.Pattern.compile("allmulti (\\d+)")
                    .matcher(lab.exec(director, "ip", "-d", "link", "show", "dev", link[0]).output());
            assertThat(allmulti.find() && Integer.parseInt(allmulti.group(1)) > 0)
                    .as("--answer-arp: the data plane's link takes all multicast").isTrue();
            InetServiceKey nat = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip6), 80);
            InetServiceKey dr = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip6), 8081);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(nat, "rr")));
                c.execute(new IpvsCommand.AddServer(nat, RealServer.of(IpAddress.parse(rs6), 8080,
                        ForwardingMethod.MASQ, 1)));
                c.execute(new IpvsCommand.AddService(VirtualService.of(dr, "rr")));
                c.execute(new IpvsCommand.AddServer(dr, RealServer.of(IpAddress.parse(rs6), 8081,
                        ForwardingMethod.DROUTE, 1)));
            }
            for (String url : List.of("http://[" + vip6 + "]:80/name", "http://[" + vip6 + "]:8081/name")) {
                String[] curl = {"curl", "-6", "-g", "-sS", "--max-time", "3", url};
                try {
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                            .until(() -> lab.exec(director, curl).output().strip().equals("rs1"));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no answer from " + url + " on the director: "
                            + lab.exec(director, curl).output() + "\ndaemon: "
                            + Files.readString(dir.resolve("daemon.log")) + "\nguard: "
                            + lab.exec(director, "nft", "list", "table", "ip6", "jlvs").output(), e);
                }
                Shell.Result five = lab.exec(director, "sh", "-c", "for i in 1 2 3 4 5; do curl -6 -g -sS "
                        + "--max-time 3 '" + url + "'; done");
                assertThat(five.output().strip().split("\n")).as(url).hasSize(5).containsOnly("rs1");
            }
            assertThat(Files.readString(dir.resolve("daemon.log")))
                    .contains("FULLNAT listening for local clients of tcp:[" + vip6 + "]:80");
            try (ControlClient c = ControlClient.connect(socket)) {
                for (VirtualServiceView v : c.table().services()) {
                    assertThat(v.stats().conns()).as("connections counted in " + v.service().key())
                            .isGreaterThanOrEqualTo(5);
                }
            }
        }
    }

    /**
     * IPv6 DR as it is usually laid out: the VIP on the director's link, in the real servers' /64, and on each real
     * server's lo. The kernel picks a source by longest matching prefix (capped at the address's prefix length), so
     * for the real server it would pick the VIP/128 over the director's own /64 address, and the real server, which
     * holds the VIP, answered itself: curl on the director timed out. IPv4 picks the subnet's own address.
     */
    @ParameterizedTest
    @ValueSource(strings = {"relay", "epoll"})
    void aProcessOnTheDirectorReachesAnIpv6DrRealServerThatHoldsTheVip(String transport) throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        Lab.requireCommand("curl", "curl");
        String python = Lab.requireCommand("python3", "python3");
        int n = (int) (ProcessHandle.current().pid() % 250);
        String net = "10.220." + n + ".";
        String net6 = "2001:db8:220:" + Integer.toHexString(n) + "::";
        String vip6 = net6 + "100";
        String rs6 = net6 + "11";
        Path socket = dir.resolve("jlvs.sock");
        Path www = Files.createDirectories(dir.resolve("www6dr"));
        Files.writeString(www.resolve("name"), "rs1\n");
        try (NetnsLab lab = new NetnsLab()) {
            String director = lab.namespace("dir");
            String server = lab.namespace("rs");
            String[] link = lab.vethBetween(director, net + "1/24", server, net + "11/24");
            lab.exec(director, "ip", "-6", "addr", "add", net6 + "1/64", "dev", link[0], "nodad").orThrow("addr6");
            lab.exec(director, "ip", "-6", "addr", "add", vip6 + "/128", "dev", link[0], "nodad").orThrow("vip6");
            lab.exec(server, "ip", "-6", "addr", "add", rs6 + "/64", "dev", link[1], "nodad").orThrow("rs addr6");
            lab.exec(server, "ip", "-6", "addr", "add", vip6 + "/128", "dev", "lo").orThrow("rs vip6 on lo");
            lab.start(server, List.of(python, "-m", "http.server", "8081", "--bind", rs6, "--directory",
                    www.toString()), dir.resolve("rs8081.log"));
            NamespaceDaemon.start(lab, director, socket, dir.resolve("daemon.log"), "--interface", link[0],
                    "--proxy-transport", transport);
            InetServiceKey dr = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip6), 8081);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(dr, "rr")));
                c.execute(new IpvsCommand.AddServer(dr, RealServer.of(IpAddress.parse(rs6), 8081,
                        ForwardingMethod.DROUTE, 1)));
            }
            String url = "http://[" + vip6 + "]:8081/name";
            String[] curl = {"curl", "-6", "-g", "-sS", "--max-time", "3", url};
            try {
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                        .until(() -> lab.exec(director, curl).output().strip().equals("rs1"));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no answer from " + url + " on the director: "
                        + lab.exec(director, curl).output() + "\nroute to the real server: "
                        + lab.exec(director, "ip", "-6", "route", "get", rs6).output() + "\ndaemon: "
                        + Files.readString(dir.resolve("daemon.log")), e);
            }
            Shell.Result three = lab.exec(director, "sh", "-c", "for i in 1 2 3; do curl -6 -g -sS --max-time 3 '"
                    + url + "'; done");
            assertThat(three.output().strip().split("\n")).as(three.output()).hasSize(3).containsOnly("rs1");
        }
    }

    /** A director with a NAT service on a VIP of its own, a real server behind it; runs {@code body}. */
    private void serve(String packetIo, List<String> extra, Body body) throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        Lab.requireCommand("curl", "curl");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.216." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = "10.217." + (ProcessHandle.current().pid() % 250) + ".100";
        String rs = net + "11";
        Path socket = dir.resolve("jlvs.sock");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("name"), "rs1\n");
        try (NetnsLab lab = new NetnsLab()) {
            String director = lab.namespace("dir");
            String server = lab.namespace("rs");
            String[] link = lab.vethBetween(director, net + "1/24", server, rs + "/24");
            lab.exec(director, "ip", "addr", "add", vip + "/32", "dev", link[0]).orThrow("vip");
            lab.exec(server, "ip", "route", "add", "default", "via", net + "1").orThrow("route");
            lab.start(server, List.of(python, "-m", "http.server", "8080", "--bind", rs, "--directory",
                    www.toString()), dir.resolve("rs.log"));
            List<String> args = new java.util.ArrayList<>(List.of("--interface", link[0], "--packet-io", packetIo));
            args.addAll(extra);
            NamespaceDaemon.start(lab, director, socket, dir.resolve("daemon.log"), args.toArray(String[]::new));
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(rs), 8080,
                        ForwardingMethod.MASQ, 1)));
            }
            body.run(lab, director, vip);
        }
    }
}
