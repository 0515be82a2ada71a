package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.view.VirtualServiceView;
import java.util.List;
import org.junit.jupiter.api.Test;

/** -S then -C then -R gives back the same table; -R's line syntax and failure reports. */
class SaveRestoreTest {

    private static List<VirtualServiceView> configuration(InMemoryIpvs t) {
        // what -S describes: services and real servers (the counters are not part of a configuration)
        return t.table().services().stream()
                .map(v -> new VirtualServiceView(v.service(), null, null, v.realServers().stream()
                        .map(r -> new io.jlvs.core.view.RealServerView(r.server(), 0, 0, 0, null, null)).toList()))
                .sorted(java.util.Comparator.comparing(v -> v.service().key()))
                .map(v -> new VirtualServiceView(v.service(), null, null,
                        v.realServersInListingOrder()))
                .toList();
    }

    @Test
    void saveClearRestoreGivesBackTheSameTable() {
        InMemoryIpvs table = Tables.rich();
        List<VirtualServiceView> before = configuration(table);

        Run save = Run.of(table, "-S", "-n");
        Run clear = Run.of(table, "-C");
        assertThat(table.table().services()).isEmpty();
        Run restore = Run.of(table, FakeNames.standard(), save.out(), "-R");

        assertThat(save.status()).isZero();
        assertThat(clear.status()).isZero();
        assertThat(restore.err()).isEmpty();
        assertThat(restore.status()).isZero();
        assertThat(configuration(table)).isEqualTo(before);
        assertThat(Run.of(table, "-S", "-n").out()).isEqualTo(save.out());
    }

    @Test
    void saveWithNamesRestoresThroughTheResolver() {
        // IPv6 addresses keep no names here: like ipvsadm, -R reads [..] only as an IPv6 literal
        FakeNames names = new FakeNames().host("www.example.com", "192.168.0.10").host("rs1.example.com", "10.0.0.11")
                .service("http", 80, io.jlvs.core.Protocol.TCP).service("domain", 53, io.jlvs.core.Protocol.UDP);
        InMemoryIpvs table = Tables.rich();
        List<VirtualServiceView> before = configuration(table);

        Run save = Run.of(table, names, "", "-S");
        Run.of(table, "-C");
        Run restore = Run.of(table, names, save.out(), "-R");

        assertThat(save.out()).contains("-A -t www.example.com:http -s wlc", "-r rs1.example.com:8443",
                "-A -u www.example.com:domain");
        assertThat(restore.err()).isEmpty();
        assertThat(configuration(table)).isEqualTo(before);
    }

    @Test
    void restoreSkipsBlankLinesCommentsAndALeadingIpvsadm() {
        InMemoryIpvs table = new InMemoryIpvs();
        String rules = """
                # saved by hand

                ipvsadm -A -t 10.1.1.1:80 -s rr
                   /sbin/ipvsadm -a -t 10.1.1.1:80 -r 10.2.2.2:80 -m   # the first server
                -a -t 10.1.1.1:80 -r 10.2.2.3:80 -m -w 2\r
                """;

        Run run = Run.of(table, FakeNames.standard(), rules, "-R");

        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(Run.of(table, "-S", "-n").out()).isEqualTo("""
                -A -t 10.1.1.1:80 -s rr
                -a -t 10.1.1.1:80 -r 10.2.2.2:80 -m -w 1
                -a -t 10.1.1.1:80 -r 10.2.2.3:80 -m -w 2
                """);
    }

    @Test
    void aRefusedCommandIsReportedWithItsLineAndTheRestGoesOn() {
        InMemoryIpvs table = new InMemoryIpvs();
        String rules = """
                -A -t 10.1.1.1:80
                -A -t 10.1.1.1:80
                -a -t 10.1.1.1:80 -r 10.2.2.2
                """;

        Run run = Run.of(table, FakeNames.standard(), rules, "-R");

        assertThat(run.err()).isEqualTo("Service already exists\njlvsadm: restore: line 2: -A -t 10.1.1.1:80\n");
        // ipvsadm's status would be the last line's (0); a script should see the partial restore
        assertThat(run.status()).isEqualTo(255);
        assertThat(table.table().services().get(0).realServers()).hasSize(1);
    }

    @Test
    void anOptionPoptRefusesIsReportedAndTheRestGoesOn() {
        InMemoryIpvs table = new InMemoryIpvs();
        String rules = """
                -A -t 10.1.1.1:80 --foo
                -A -t 10.1.1.2:80
                -A -t 10.1.1.3:80 -s
                -a -t 10.1.1.2:80 -r 10.2.2.2
                """;

        Run run = Run.of(table, FakeNames.standard(), rules, "-R");

        assertThat(run.err()).startsWith("--foo: unknown option\njlvsadm: restore: line 1: -A -t 10.1.1.1:80 --foo\n")
                .contains("-s: missing argument\n");
        assertThat(run.status()).isEqualTo(255);
        assertThat(table.table().services()).hasSize(1);
        assertThat(table.table().services().get(0).service().key()).isEqualTo(Tables.tcp("10.1.1.2", 80));
    }

    @Test
    void aLineIpvsadmWouldRefuseStopsTheRestore() {
        InMemoryIpvs table = new InMemoryIpvs();
        String rules = """
                -A -t 10.1.1.1:80
                -a -t 10.1.1.1:80 -r 10.2.2.2 -w 3000000000
                -a -t 10.1.1.1:80 -r 10.2.2.3
                """;

        Run run = Run.of(table, FakeNames.standard(), rules, "-R");

        assertThat(run.err()).isEqualTo(
                "illegal weight specified\njlvsadm: restore: line 2: -a -t 10.1.1.1:80 -r 10.2.2.2 -w 3000000000\n");
        assertThat(run.status()).isEqualTo(2);
        assertThat(table.executed()).containsExactly(new IpvsCommand.AddService(
                io.jlvs.core.model.VirtualService.of(Tables.tcp("10.1.1.1", 80), "wlc")));
    }

    @Test
    void aWordIpvsadmIsDroppedWhereverItStandsAsIpvsadmsConfigStreamDoes() {
        InMemoryIpvs table = new InMemoryIpvs();

        Run run = Run.of(table, FakeNames.standard(), "-A -t 10.1.1.1:80 ipvsadm -s rr\n", "-R");

        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(Run.of(table, "-S", "-n").out()).isEqualTo("-A -t 10.1.1.1:80 -s rr\n");
    }

    @Test
    void aCarriageReturnIsABlankNotALineEndAndAFormFeedIsPartOfAWord() {
        InMemoryIpvs table = new InMemoryIpvs();

        Run run = Run.of(table, FakeNames.standard(), "-A -t 10.1.1.1:80\r-A -t 10.1.1.2:80\n-A\f-t 10.1.1.3:80\n",
                "-R");

        // ipvsadm 1.31: one line "-A -t 10.1.1.1:80 -A -t 10.1.1.2:80", whose second -A is its invalid option
        assertThat(run.err()).startsWith("invalid option `-A'\n");
        assertThat(run.status()).isEqualTo(2);
        assertThat(table.executed()).isEmpty();
        Run formFeed = Run.of(table, FakeNames.standard(), "-A\f-t 10.1.1.3:80\n", "-R");
        assertThat(formFeed.err()).startsWith("-A\f-t: unknown option\n");
    }

    @Test
    void aVersionOrHelpLinePrintsAndEndsTheRestoreAsIpvsadmsExitDoes() {
        InMemoryIpvs table = new InMemoryIpvs();

        Run version = Run.of(table, FakeNames.standard(), "-A -t 10.1.1.1:80\n-v\n-A -t 10.1.1.2:80\n", "-R");
        Run help = Run.of(table, FakeNames.standard(), "-h\n-A -t 10.1.1.3:80\n", "-R");

        assertThat(version.out()).isEqualTo(Usage.version(Jlvsadm.PROGRAM));
        assertThat(version.status()).isZero();
        assertThat(help.out()).isEqualTo(Usage.help(Jlvsadm.PROGRAM));
        assertThat(help.status()).isZero();
        assertThat(table.executed()).containsExactly(new IpvsCommand.AddService(
                io.jlvs.core.model.VirtualService.of(Tables.tcp("10.1.1.1", 80), "wlc")));
    }

    @Test
    void restoreInsideRestoreIsRefused() {
        Run run = Run.of(new InMemoryIpvs(), FakeNames.standard(), "-R\n", "-R");

        assertThat(run.err()).startsWith("Try `jlvsadm -h' or 'jlvsadm --help' for more information.\n");
        assertThat(run.status()).isEqualTo(255);
    }
}
