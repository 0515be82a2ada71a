package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every keyword written without its value (a block keyword: without its name, with an empty block), in a
 * file keepalived takes without a word otherwise: jlvs must judge it as keepalived 2.2.7 did (fine, an error
 * it runs with, or its fatal "missing a parameter"), so that a value left out never stops jlvs where
 * keepalived runs, nor lets jlvs run a file keepalived refuses. keepalived's results are recorded in
 * bare-keywords.tsv by scripts/keepalived-bare-keywords.sh.
 */
class BareKeywordTest {

    /**
     * Where jlvs does not reach keepalived's verdict yet: checks keepalived makes on the block as a whole,
     * not on the missing value.
     */
    private static final Set<String> VERDICT_GAPS = Set.of(
            // a garp_group without garp_interval / gna_interval ('garp group 0 does not have any delay set')
            "garp_group",
            // native_ipv6 with IPv4 addresses, use_ipvlan without a source address: instance checks not made
            "vrrp_instance/native_ipv6", "vrrp_instance/use_ipvlan");

    /** Where jlvs's verdict is keepalived's but its message is not keepalived's first one. */
    private static final Set<String> MESSAGE_GAPS = Set.of(
            // keepalived prints the deprecation before it stops on the missing value; jlvs only the latter
            "virtual_server/real_server/HTTP_GET/nb_get_retry", "virtual_server/real_server/SSL_GET/nb_get_retry",
            "vrrp_instance/lvs_sync_daemon_interface",
            // keepalived puts the real server first: ([10.0.0.2]:tcp:80) ...
            "virtual_server/real_server/BFD_CHECK", "virtual_server/real_server/BFD_CHECK/name");

    enum Verdict {
        /** exit 0 */
        FINE,
        /** problems reported, the rest is used (exit 4, 5, 6; nothing that stops jlvs run) */
        RUNS,
        /** keepalived stops at once (exit 2); jlvs run refuses the file */
        FATAL,
        /** keepalived 2.2.7 crashes on the file (its bug): jlvs must not call the file fine */
        CRASH
    }

    static Verdict keepalived(int exit) {
        return switch (exit) {
            case 0 -> Verdict.FINE;
            case 2 -> Verdict.FATAL;
            case 139 -> Verdict.CRASH;
            default -> Verdict.RUNS;
        };
    }

    /** As jlvs -t's exit code and jlvs run's refusal (any problem of severity FATAL) judge the file. */
    static Verdict jlvs(ParseResult r) {
        if (ConfigCheck.exitCode(r.problems()) == ConfigCheck.EXIT_CONFIG
                || r.problems().stream().anyMatch(p -> p.severity() == Severity.FATAL)) {
            return Verdict.FATAL;
        }
        return ConfigCheck.exitCode(r.problems()) == 0 ? Verdict.FINE : Verdict.RUNS;
    }

    private static ParseResult parse(BareKeywords.Case c) {
        return Corpus.parser().parse("keepalived.conf", c.config(), Path.of("."));
    }

    @Test
    void everyKeywordHasKeepalivedsRecordedResult() {
        Map<String, BareKeywords.Recorded> rec = BareKeywords.recorded();
        List<String> missing = BareKeywords.cases().stream().map(BareKeywords.Case::id)
                .filter(id -> !rec.containsKey(id)).toList();
        assertThat(missing).as("keywords without keepalived's result (run scripts/keepalived-bare-keywords.sh)")
                .isEmpty();
        assertThat(BareKeywords.cases()).hasSizeGreaterThan(450);
    }

    @Test
    void everyTemplateIsFineWithoutTheKeyword() {
        for (Map.Entry<String, String> t : BareKeywords.TEMPLATES.entrySet()) {
            ParseResult r = Corpus.parser().parse("keepalived.conf", t.getValue().replace("@@", ""), Path.of("."));
            assertThat(r.problems()).as(t.getKey()).isEmpty();
        }
    }

    @Test
    void jlvsReachesKeepalivedsVerdictOnEveryBareKeyword() {
        Map<String, BareKeywords.Recorded> rec = BareKeywords.recorded();
        List<String> wrong = new ArrayList<>();
        List<String> closedGaps = new ArrayList<>();
        for (BareKeywords.Case c : BareKeywords.cases()) {
            BareKeywords.Recorded k = rec.get(c.id());
            if (k == null) {
                continue;
            }
            ParseResult r = parse(c);
            Verdict want = keepalived(k.exit());
            Verdict got = jlvs(r);
            boolean same = want == Verdict.CRASH ? got != Verdict.FINE : got == want;
            if (same && VERDICT_GAPS.contains(c.id())) {
                closedGaps.add(c.id());
            } else if (!same && !VERDICT_GAPS.contains(c.id())) {
                wrong.add(c.id() + ": keepalived " + want + " (" + k.message() + "), jlvs " + got + " "
                        + r.problems().stream().limit(2).map(p -> p.format(false)).toList());
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(closedGaps).as("no longer gaps: take them out of VERDICT_GAPS").isEmpty();
    }

    @Test
    void jlvsReportsKeepalivedsMessage() {
        Map<String, BareKeywords.Recorded> rec = BareKeywords.recorded();
        List<String> wrong = new ArrayList<>();
        for (BareKeywords.Case c : BareKeywords.cases()) {
            BareKeywords.Recorded k = rec.get(c.id());
            if (k == null || k.message().isEmpty() || VERDICT_GAPS.contains(c.id()) || MESSAGE_GAPS.contains(c.id())) {
                continue;
            }
            ParseResult r = parse(c);
            if (r.problems().stream().noneMatch(p -> p.message().equals(k.message()))) {
                wrong.add(c.id() + ": keepalived '" + k.message() + "', jlvs "
                        + r.problems().stream().limit(2).map(ConfigProblem::message).toList());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aBlockWithoutItsNameIsSkippedWholeAsKeepalivedSkipsIt() {
        ParseResult r = Corpus.parser().parse("keepalived.conf", """
                vrrp_instance {
                  nonsense 1
                  virtual_ipaddress {
                    10.0.0.1
                  }
                }
                vrrp_sync_group
                {
                  group {
                    VI_1
                  }
                }
                global_defs {
                  router_id r1
                }
                """, Path.of("."));
        assertThat(r.problems()).extracting(p -> p.format(false)).containsExactly(
                "(Line 1) vrrp_instance must have a name", "(Line 7) vrrp_sync_group must have a name - skipping");
        assertThat(r.config().vrrpInstances()).isEmpty();
        assertThat(r.config().globalDefs().routerId()).isEqualTo("r1");
    }

    @Test
    void aValueLeftOutTakesKeepalivedsDefaultOrIsIgnored() {
        ParseResult r = Corpus.parser().parse("keepalived.conf", """
                global_defs {
                  notification_email_from
                  script_user
                  max_auto_priority
                }
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  lb_algo rr
                  lb_kind NAT
                  persistence_timeout
                  real_server 10.0.0.2 80 {
                  }
                }
                """, Path.of("."));
        assertThat(r.problems()).extracting(p -> p.format(false)).containsExactly(
                "(Line 2) emailfrom missing - ignoring", "(Line 3) No script username specified");
        assertThat(ConfigCheck.exitCode(r.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        assertThat(r.config().virtualServers().getFirst().persistenceTimeout()).isEqualTo(360);
        assertThat(r.config().noEffect()).extracting(s -> s.keyword()).contains("max_auto_priority");
    }

    @Test
    void sorryServerMethodLeftOutIsFatalOnlyAfterASorryServer() {
        String vs = """
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  lb_algo rr
                  lb_kind NAT
                %s  sorry_server_lvs_method
                  real_server 10.0.0.2 80 {
                  }
                }
                """;
        ParseResult without = Corpus.parser().parse("k.conf", vs.formatted(""), Path.of("."));
        ParseResult with = Corpus.parser().parse("k.conf", vs.formatted("  sorry_server 10.0.0.9 80\n"), Path.of("."));
        assertThat(ConfigCheck.exitCode(without.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        assertThat(ConfigCheck.exitCode(with.problems())).isEqualTo(ConfigCheck.EXIT_CONFIG);
    }

    @Test
    void trackProcessWithoutProcessIsAnError() {
        ParseResult r = Corpus.parser().parse("k.conf", "vrrp_track_process p1 {\n  param_match\n}\n", Path.of("."));
        assertThat(r.problems()).extracting(p -> p.format(false))
                .containsExactly("(Line 1) track process 'p1' process name not specified");
    }
}
