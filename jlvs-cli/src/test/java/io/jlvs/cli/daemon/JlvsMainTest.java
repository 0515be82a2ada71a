package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.JlvsMain;
import io.jlvs.engine.IpvsEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class JlvsMainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int jlvs(String... args) {
        CommandLine cl = JlvsMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void versionNamesTheBuildAndTheProtocol() {
        assertThat(jlvs("version")).isZero();
        assertThat(out.toString()).startsWith("jlvs " + JlvsVersion.text() + " (control protocol 1, Java ")
                .endsWith(")" + System.lineSeparator());
    }

    @Test
    void useFileWithAMissingFileIsRefusedAndLeavesNothing() {
        Path conf = dir.resolve("missing.conf");
        assertThat(jlvs("run", "-f", conf.toString(), "--no-admin", "--socket", dir.resolve("j.sock").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("jlvs: Not starting: " + conf + " cannot be used");
        assertThat(dir.resolve("j.sock")).doesNotExist();
    }

    @Test
    void aPacketDataPlaneThatCannotStartIsOneLineAndLeavesNothing() {
        assertThat(jlvs("run", "-I", "nosuchif0", "--no-admin", "--socket", dir.resolve("p.sock").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("jlvs: ").contains("nosuchif0");
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(dir.resolve("p.sock")).doesNotExist();
    }

    @Test
    void anUnknownPacketIoIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "-I", "eth0", "--packet-io", "dpdk", "--no-admin",
                "--socket", dir.resolve("x.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: unknown packet I/O 'dpdk': af_packet or af_xdp\n");
        assertThat(dir.resolve("x.sock")).doesNotExist();
    }

    @Test
    void aBadXdpOffloadIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "-I", "eth0", "--packet-io", "af_xdp", "--xdp-offload", "soon", "--no-admin",
                "--socket", dir.resolve("o.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(
                "jlvs: --xdp-offload takes a number of packets (0 or more) or off: 'soon'\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "--xdp-offload", "4", "--no-admin",
                "--socket", dir.resolve("o.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --xdp-offload is for the packet data plane: give it -I IFNAME\n");
        assertThat(dir.resolve("o.sock")).doesNotExist();
    }

    @Test
    void anIpvsSysctlJlvsDoesNotApplyOrABadValueIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "--sysctl", "net.ipv4.vs.conn_reuse_mode=soon", "--no-admin",
                "--socket", dir.resolve("s.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --sysctl net.ipv4.vs.conn_reuse_mode: 'soon' is not an integer\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "--sysctl", "net.ipv4.vs.snat_reroute=0", "--no-admin",
                "--socket", dir.resolve("s.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("jlvs: --sysctl net.ipv4.vs.snat_reroute: jlvs applies only ");
        err.getBuffer().setLength(0);
        // the kernel refuses a defence mode outside 0..3 (EINVAL)
        assertThat(jlvs("run", "--sysctl", "net.ipv4.vs.drop_entry=4", "--no-admin",
                "--socket", dir.resolve("s.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --sysctl net.ipv4.vs.drop_entry: '4' is not a mode (0 off, 1 and 2 "
                + "automatic, 3 always)\n");
        assertThat(dir.resolve("s.sock")).doesNotExist();
    }

    @Test
    void aBadFwmarkRuleOrOneWithoutThePacketDataPlaneIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "-I", "eth0", "--fwmark-rule", "1:tcp:192.0.2.10:http", "--no-admin",
                "--socket", dir.resolve("f.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: bad --fwmark-rule '1:tcp:192.0.2.10:http': port 'http' is not a "
                + "number\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "--fwmark-rule", "1:tcp:192.0.2.10:80", "--no-admin",
                "--socket", dir.resolve("f.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --fwmark-rule is for the packet data plane: give it -I IFNAME\n");
        err.getBuffer().setLength(0);
        // several workers take fwmark rules (the fanout program knows the rules' address ranges): what stops
        // this one is the interface that is not there
        assertThat(jlvs("run", "-I", "jlvs-no-such0", "--packet-workers", "2", "--fwmark-rule", "1:tcp:192.0.2.10:80",
                "--no-admin", "--socket", dir.resolve("f.sock").toString())).isEqualTo(1);
        assertThat(err.toString()).doesNotContain("--fwmark-rule").contains("jlvs-no-such0");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "-I", "eth0", "--packet-io", "af_xdp", "--fwmark-rule", "1:tcp:192.0.2.10:80",
                "--no-admin", "--socket", dir.resolve("f.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --fwmark-rule needs --packet-io af_packet (the XDP program steers "
                + "by address only)\n");
        assertThat(dir.resolve("f.sock")).doesNotExist();
    }

    /**
     * Without -I no worker answers anything: a user who asked for answers must hear it at once, not run a daemon
     * whose VIPs nobody answers for (as --fwmark-rule, --ftp-ports, --xdp-offload); with AF_XDP, one line.
     */
    @Test
    void answerArpWithoutThePacketDataPlaneIsAUsageErrorAndWithAfXdpOneLine() {
        assertThat(jlvs("run", "--answer-arp", "--no-admin", "--socket", dir.resolve("a.sock").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --answer-arp is for the packet data plane: give it -I IFNAME\n");
        assertThat(dir.resolve("a.sock")).doesNotExist();
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "-I", "eth0", "--packet-io", "af_xdp", "--answer-arp", "--no-admin",
                "--socket", dir.resolve("a.sock").toString())).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("jlvs: ").contains("AF_XDP")
                .contains("ARP");
        assertThat(dir.resolve("a.sock")).doesNotExist();
    }

    @Test
    void aBusyPollOutOfRangeIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "-I", "eth0", "--packet-busy-poll", "20000", "--no-admin",
                "--socket", dir.resolve("b.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --packet-busy-poll takes 0 to 10000 microseconds: 20000\n");
        assertThat(dir.resolve("b.sock")).doesNotExist();
    }

    @Test
    void ftpPortsWithoutTheDataPlaneOrOutOfRangeAreAUsageError() {
        assertThat(jlvs("run", "--ftp-ports", "21", "--no-admin", "--socket", dir.resolve("f.sock").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --ftp-ports is for the packet data plane: give it -I IFNAME\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "-I", "eth0", "--ftp-ports", "21,0", "--no-admin",
                "--socket", dir.resolve("f.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --ftp-ports takes 1 to 8 different ports from 1 to 65535: 21,0\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "-I", "eth0", "--ftp-ports", "1,2,3,4,5,6,7,8,9", "--no-admin",
                "--socket", dir.resolve("f.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("jlvs: --ftp-ports takes 1 to 8 different ports");
        assertThat(dir.resolve("f.sock")).doesNotExist();
    }

    @Test
    void aBadFtpPassiveRangeOrOneWithoutFtpPortsIsAUsageError() {
        assertThat(jlvs("run", "-I", "eth0", "--ftp-passive-ports", "30000-30099", "--no-admin",
                "--socket", dir.resolve("p.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --ftp-passive-ports goes with --ftp-ports\n");
        for (String bad : java.util.List.of("0-100", "200-100", "30000-65536", "x", "30000-")) {
            err.getBuffer().setLength(0);
            assertThat(jlvs("run", "-I", "eth0", "--ftp-ports", "21", "--ftp-passive-ports", bad, "--no-admin",
                    "--socket", dir.resolve("p.sock").toString())).as(bad).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("jlvs: --ftp-passive-ports takes LO-HI with 1 <= LO <= HI <= 65535: "
                    + bad + "\n");
        }
        assertThat(dir.resolve("p.sock")).doesNotExist();
    }

    @Test
    void aPacketTableSizeOutOfRangeTooLargeForTheHeapOrWithoutTheDataPlaneIsAUsageError() {
        assertThat(jlvs("run", "-I", "eth0", "--packet-connections", "100", "--no-admin",
                "--socket", dir.resolve("c.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --packet-connections takes 1024 to 16777214: 100\n");
        err.getBuffer().setLength(0);
        assertThat(jlvs("run", "--packet-connections", "65536", "--no-admin",
                "--socket", dir.resolve("c.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: --packet-connections is for the packet data plane: give it -I "
                + "IFNAME\n");
        err.getBuffer().setLength(0);
        // 64 workers of 16 Mi entries: about 160 GiB, more than this test JVM's heap
        assertThat(jlvs("run", "-I", "eth0", "--packet-workers", "64", "--packet-connections", "16777214",
                "--no-admin", "--socket", dir.resolve("c.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("jlvs: --packet-connections 16777214 for 64 workers needs about "
                + "163840 MiB of heap, more than 3/4 of the ").endsWith(" MiB this JVM may use: give it more "
                + "(JLVS_JAVA_OPTS=-Xmx...) or fewer entries\n");
        assertThat(dir.resolve("c.sock")).doesNotExist();
    }

    @Test
    void anUnknownProxyTransportIsAUsageErrorAndLeavesNothing() {
        assertThat(jlvs("run", "--proxy-transport", "kqueue", "--no-admin",
                "--socket", dir.resolve("k.sock").toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("jlvs: unknown proxy transport 'kqueue' (expected auto, relay, io_uring, "
                + "epoll or nio)" + System.lineSeparator());
        assertThat(dir.resolve("k.sock")).doesNotExist();
    }

    @Test
    void anUnsafeTokenFileIsRefusedBeforeAnythingStarts() throws Exception {
        Path token = dir.resolve("token");
        java.nio.file.Files.writeString(token, "secret\n");
        java.nio.file.Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(jlvs("run", "--admin", "127.0.0.1:0", "--admin-token-file", token.toString(),
                "--socket", dir.resolve("t.sock").toString())).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(1);
        assertThat(err.toString()).contains("chmod 600");
        assertThat(dir.resolve("t.sock")).doesNotExist();
    }

    @Test
    void aSocketInUseIsOneLineAndExitOne() throws Exception {
        Path socket = dir.resolve("j.sock");
        try (DaemonProcess first = DaemonProcess.start(new DaemonOptions(socket, dir.resolve("first.pid"),
                new IpvsEngine()))) {
            assertThat(jlvs("run", "--admin", "127.0.0.1:0", "--socket", socket.toString(), "--pid-file", dir.resolve("second.pid").toString()))
                    .isEqualTo(1);
            assertThat(err.toString()).isEqualTo("jlvs: another jlvs daemon is already running on " + socket
                    + " (stop it first, or pick another --socket)" + System.lineSeparator());
            assertThat(first.socket()).exists();
        }
    }

    @Test
    void unknownOptionsAreOneLinePlusAHint() {
        assertThat(jlvs("run", "--sockett", "x")).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactly("jlvs: Unknown options: '--sockett', 'x'",
                "Try 'jlvs run --help' for more information.");
    }

    @Test
    void noSubcommandPrintsUsage() {
        assertThat(jlvs()).isEqualTo(2);
        assertThat(err.toString()).startsWith("Usage: jlvs ").contains("  run ", "  version ");
    }
}
