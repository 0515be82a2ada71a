package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code jlvs -t}: keepalived's exit codes and lines; {@code --dump-conf}: the effective configuration. */
class ConfigCheckTest {

    @ParameterizedTest
    @CsvSource({
        "valid/v01-minimal-nat.conf, 0",
        "valid/v27-missing-plain-include.conf, 0",
        "invalid/i13-missing-parameter.conf, 2",
        "invalid/i26-includem-missing.conf, 4",
        "invalid/i02-unknown-in-vs.conf, 5",
        "invalid/i08-no-real-servers.conf, 5",
        "invalid/i19-script-no-security.conf, 6",
    })
    void exitCodesAreKeepalivedsConfigTestCodes(String file, int exit) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = ConfigCheck.report(Corpus.parse(file), new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(rc).as(buf.toString(StandardCharsets.UTF_8)).isEqualTo(exit);
    }

    @Test
    void runPrintsTheProblemsAndReturnsTheCode() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = ConfigCheck.run(Corpus.ROOT.resolve("invalid/i05-bad-lb-algo.conf"), "testhost",
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        String file = Corpus.ROOT.resolve("invalid/i05-bad-lb-algo.conf").toString();
        // the second is found once the block is read: keepalived prints no line, jlvs the virtual_server's
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("(" + file + """
                : Line 2) Invalid lvs_scheduler 'roundrobin' - ignoring
                (""" + file + """
                : Line 1) Virtual server [192.0.2.10]:tcp:80: no scheduler set, setting default 'wlc'
                """);
    }

    @Test
    void missingMainFileIsFileNotFound() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = ConfigCheck.run(Path.of("/nonexistent/keepalived.conf"), null, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("Config files missing '/nonexistent/keepalived.conf'.");
    }

    @Test
    void worstClassDecidesLikeKeepalived() {
        ConfigProblem fatal = new ConfigProblem(Severity.FATAL, ProblemKind.FATAL, null, 0, null, "f");
        ConfigProblem warn = new ConfigProblem(Severity.WARNING, ProblemKind.WARNING, null, 0, null, "w");
        ConfigProblem notice = new ConfigProblem(Severity.INFO, ProblemKind.NOTICE, null, 0, null, "n");
        assertThat(ConfigCheck.exitCode(java.util.List.of(fatal))).isEqualTo(4);
        assertThat(ConfigCheck.exitCode(java.util.List.of(fatal, warn))).isEqualTo(5);
        assertThat(ConfigCheck.exitCode(java.util.List.of(notice))).isEqualTo(0);
    }

    @Test
    void dumpListsAcceptedNoEffectKeywordsWithTheirPlace() {
        ParseResult r = Corpus.parse("valid/v19-global-many.conf");
        String dump = ConfigDump.render(r.config());
        assertThat(dump).contains("# accepted, no effect in jlvs:")
                .contains("#   global_defs: enable_dbus  (")
                .contains("#   global_defs: vrrp_rx_bufs_policy MTU  (")
                .contains("#   global_defs: router_id ");
        // notify_fifo: the VRRP runtime writes its state changes there; lvs_timeouts set the table's timeouts
        assertThat(r.config().noEffect()).extracting(s -> s.keyword()).contains("process_names", "enable_traps",
                "router_id").doesNotContain("lvs_timeouts", "notify_fifo");
    }

    @Test
    void dumpListsTheKeywordsJlvsReadsButDoesNotActOn() {
        ParseResult r = Corpus.parser().parse("k.conf", """
                global_defs {
                  notification_email {
                    ops@example.com
                  }
                  notification_email_from lb@example.com
                  smtp_server 10.0.0.25
                  smtp_connect_timeout 30
                  lvs_flush
                  checker_log_all_failures
                  vrrp_mcast_group4 224.0.0.19
                  vrrp_garp_master_refresh 60
                }
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  lb_algo rr
                  lb_kind NAT
                  ha_suspend
                  real_server 10.0.0.2 80 {
                    TCP_CHECK {
                      log_all_failures
                    }
                  }
                }
                """, java.nio.file.Path.of("."));
        assertThat(r.problems()).isEmpty();
        assertThat(r.config().noEffect()).extracting(s -> s.block() + ": " + s.keyword()).containsExactly(
                "global_defs: notification_email", "global_defs: notification_email_from", "global_defs: smtp_server",
                "global_defs: smtp_connect_timeout", "global_defs: lvs_flush",
                "global_defs: vrrp_mcast_group4", "virtual_server: ha_suspend");
        assertThat(ConfigDump.render(r.config())).contains("#   virtual_server: ha_suspend  (k.conf: Line 17)");
    }

    @Test
    void runtimeNotesFollowTheProblemsAndLeaveTheExitCode() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = ConfigCheck.run(Corpus.ROOT.resolve("invalid/i05-bad-lb-algo.conf"), "testhost",
                new PrintStream(buf, true, StandardCharsets.UTF_8), c -> java.util.List.of("VRRP: a note"));
        assertThat(rc).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        assertThat(buf.toString(StandardCharsets.UTF_8)).endsWith("setting default 'wlc'\nVRRP: a note\n");
        buf.reset();
        rc = ConfigCheck.dump(Corpus.ROOT.resolve("valid/v01-minimal-nat.conf"), "testhost",
                new PrintStream(buf, true, StandardCharsets.UTF_8), c -> java.util.List.of("VRRP: a note"));
        assertThat(rc).isZero();
        assertThat(buf.toString(StandardCharsets.UTF_8)).endsWith("\n# jlvs run also logs:\n#   VRRP: a note\n");
    }

    @Test
    void noRuntimeNotesForAFileJlvsRunRefuses() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc = ConfigCheck.run(Corpus.ROOT.resolve("invalid/i13-missing-parameter.conf"), "testhost",
                new PrintStream(buf, true, StandardCharsets.UTF_8), c -> java.util.List.of("VRRP: a note"));
        assertThat(rc).isEqualTo(ConfigCheck.EXIT_CONFIG);
        assertThat(buf.toString(StandardCharsets.UTF_8)).doesNotContain("VRRP: a note");
    }

    @Test
    void bfdInstanceTakesEffectAndSslBlockIsAcceptedWithNoEffect() {
        assertThat(Corpus.parse("valid/v10-bfd.conf").config().noEffect()).extracting(s -> s.keyword())
                .doesNotContain("bfd_instance");
        assertThat(Corpus.parse("valid/v10-bfd.conf").config().bfdInstances()).extracting(b -> b.name())
                .containsExactly("nbr1");
        assertThat(Corpus.parse("valid/v06-http-ssl.conf").config().noEffect()).extracting(s -> s.keyword())
                .contains("SSL");
    }

    @Test
    void dumpParsesBackToTheSameVirtualServersAndInstances() {
        for (String f : Corpus.files()) {
            if (!Corpus.meantValid(f)) {
                continue;
            }
            KeepalivedConfig original = Corpus.parse(f).config();
            String dump = ConfigDump.render(original);
            ParseResult again = Corpus.parser().parse("dump.conf", dump, Corpus.ROOT);
            assertThat(again.config().virtualServers()).as(f + "\n" + dump).isEqualTo(original.virtualServers());
            assertThat(again.config().virtualServerGroups()).as(f).isEqualTo(original.virtualServerGroups());
            assertThat(again.config().vrrpScripts()).as(f).isEqualTo(original.vrrpScripts());
            assertThat(again.config().trackFiles()).as(f).isEqualTo(original.trackFiles());
        }
    }
}
