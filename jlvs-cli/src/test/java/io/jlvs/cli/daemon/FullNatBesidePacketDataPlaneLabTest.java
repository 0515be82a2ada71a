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
import io.jlvs.engine.control.ControlClient;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, end to end: `jlvs run --interface` with FULLNAT services (IPv4 and IPv6) whose clients arrive on the
 * data plane's link. Such a service is the proxy's, which listens in the kernel's stack, so the kernel guard must
 * leave its packets to the kernel. Before, the guard dropped the kernel's copy of their SYNs (every IPv6 TCP/UDP
 * service was put in `ip6 jlvs`, and every IPv4 one in `ip jlvs`) and the data plane dropped its own as
 * UNSUPPORTED_METHOD: the client's curl timed out.
 */
class FullNatBesidePacketDataPlaneLabTest {
    @TempDir
    Path dir;

    @Test
    void aRemoteClientReachesFullNatServicesOverIpv4AndIpv6() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        Lab.requireCommand("curl", "curl");
        String python = Lab.requireCommand("python3", "python3");
        long id = ProcessHandle.current().pid() % 250;
        String cnet = "10.218." + id + ".";
        String snet = "10.219." + id + ".";
        String vip = "10.220." + id + ".100";
        String c6 = "fd00:218:" + Long.toHexString(id) + "::";
        String s6 = "fd00:219:" + Long.toHexString(id) + "::";
        String vip6 = "fd00:220:" + Long.toHexString(id) + "::100";
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("name"), "rs1\n");
        Path socket = dir.resolve("jlvs.sock");
        try (NetnsLab lab = new NetnsLab()) {
            String director = lab.namespace("dir");
            String server = lab.namespace("rs");
            String client = lab.namespace("cl");
            String[] clink = lab.vethBetween(director, cnet + "1/24", client, cnet + "10/24");
            String[] slink = lab.vethBetween(director, snet + "1/24", server, snet + "11/24");
            lab.exec(director, "ip", "addr", "add", vip + "/32", "dev", clink[0]).orThrow("vip");
            lab.exec(director, "ip", "-6", "addr", "add", c6 + "1/64", "dev", clink[0], "nodad").orThrow("c6");
            lab.exec(director, "ip", "-6", "addr", "add", vip6 + "/128", "dev", clink[0], "nodad").orThrow("vip6");
            lab.exec(director, "ip", "-6", "addr", "add", s6 + "1/64", "dev", slink[0], "nodad").orThrow("s6");
            lab.exec(client, "ip", "-6", "addr", "add", c6 + "10/64", "dev", clink[1], "nodad").orThrow("c6 client");
            lab.exec(server, "ip", "-6", "addr", "add", s6 + "11/64", "dev", slink[1], "nodad").orThrow("s6 rs");
            lab.exec(client, "ip", "route", "add", vip + "/32", "via", cnet + "1").orThrow("route");
            lab.exec(client, "ip", "-6", "route", "add", vip6 + "/128", "via", c6 + "1").orThrow("route6");
            lab.start(server, List.of(python, "-m", "http.server", "8080", "--bind", "::", "--directory",
                    www.toString()), dir.resolve("rs.log"));
            NamespaceDaemon.start(lab, director, socket, dir.resolve("daemon.log"), "--interface", clink[0]);
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
            InetServiceKey web6 = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip6), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(snet + "11"), 8080,
                        ForwardingMethod.FULLNAT, 1)));
                c.execute(new IpvsCommand.AddService(VirtualService.of(web6, "rr")));
                c.execute(new IpvsCommand.AddServer(web6, RealServer.of(IpAddress.parse(s6 + "11"), 8080,
                        ForwardingMethod.FULLNAT, 1)));
            }
            for (String url : List.of("http://" + vip + "/name", "http://[" + vip6 + "]/name")) {
                String[] curl = {"curl", "-gsS", "--max-time", "3", url};
                try {
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                            .until(() -> lab.exec(client, curl).output().strip().equals("rs1"));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("no answer from " + url + " on the client: "
                            + lab.exec(client, curl).output() + "\ndaemon: "
                            + Files.readString(dir.resolve("daemon.log")) + "\nguard: "
                            + lab.exec(director, "nft", "list", "ruleset").output(), e);
                }
            }
            Shell.Result ruleset = lab.exec(director, "nft", "list", "ruleset");
            assertThat(ruleset.output()).as("the guard").contains("table ip jlvs").doesNotContain(vip)
                    .doesNotContain(vip6);
        }
    }
}
