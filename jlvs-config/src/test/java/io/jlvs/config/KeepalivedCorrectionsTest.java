package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.Timeouts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What keepalived 2.2.7 makes of a virtual_server beyond the literal lines: the protocol it defaults or reads
 * without case, the quorum and hysteresis it corrects, the inhibit_on_failure real servers take from their
 * virtual server, and global lvs_timeouts. Each was reported (or not) but built differently before.
 */
class KeepalivedCorrectionsTest {
    private static ParseResult parse(String text) {
        return Corpus.parser().parse("keepalived.conf", text, Path.of("."));
    }

    private static List<String> messages(ParseResult r) {
        return r.problems().stream().map(ConfigProblem::message).toList();
    }

    private static VirtualServerDef onlyVs(ParseResult r) {
        assertThat(r.config().virtualServers()).hasSize(1);
        return r.config().virtualServers().getFirst();
    }

    @Test
    void protocolIsReadWithoutCaseAndDefaultsToUdp() {
        ParseResult lower = parse("""
                virtual_server 10.0.0.99 53 {
                    lb_algo rr
                    lb_kind NAT
                    protocol udp
                    real_server 10.0.1.1 53 {
                    }
                }
                """);
        assertThat(messages(lower)).isEmpty();
        assertThat(onlyVs(lower).protocol()).isEqualTo(Protocol.UDP);

        ParseResult none = parse("""
                virtual_server 10.0.0.99 53 {
                    lb_algo rr
                    lb_kind NAT
                    real_server 10.0.1.1 53 {
                    }
                }
                """);
        assertThat(messages(none)).contains("Virtual server [10.0.0.99]:none:53: no protocol set - defaulting to UDP");
        assertThat(onlyVs(none).toVirtualServices(List.of()).getFirst().key())
                .isEqualTo(new InetServiceKey(Protocol.UDP, io.jlvs.core.IpAddress.parse("10.0.0.99"), 53));
    }

    @Test
    void quorumAboveTheTotalWeightAndHysteresisNotBelowQuorumAreCorrected() {
        ParseResult r = parse("""
                virtual_server 10.0.0.1 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 5
                    hysteresis 7
                    real_server 10.0.1.1 80 {
                        weight 2
                    }
                    real_server 10.0.1.2 80 {
                        weight 2
                    }
                }
                """);
        assertThat(messages(r)).anyMatch(m -> m.contains("reducing quorum to 4"))
                .anyMatch(m -> m.contains("setting hysteresis to 3"));
        assertThat(onlyVs(r).quorum()).as("quorum in effect").isEqualTo(4);
        assertThat(onlyVs(r).hysteresis()).as("hysteresis in effect").isEqualTo(3);
    }

    @Test
    void realServersTakeTheVirtualServersInhibitOnFailureUnlessTheySayOtherwise() {
        ParseResult r = parse("""
                virtual_server 10.0.0.1 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.1.1 80 {
                    }
                    real_server 10.0.1.2 80 {
                        inhibit_on_failure false
                    }
                    inhibit_on_failure
                }
                """);
        assertThat(onlyVs(r).realServers()).extracting(RealServerDef::inhibitOnFailure).containsExactly(true, false);
    }

    @Test
    void lvsTimeoutsReachTheModelAndABadPartIsReportedAsKeepalivedDoes() {
        ParseResult r = parse("""
                global_defs {
                    lvs_timeouts tcp 7200 udp 300 tcpfin
                }
                """);
        assertThat(messages(r)).containsExactly("No value specified for lvs_timeout tcpfin - ignoring");
        assertThat(r.config().globalDefs().lvsTimeouts()).isEqualTo(new Timeouts(7200, 0, 300));

        ParseResult bad = parse("""
                global_defs {
                    lvs_timeouts tcp x fin 3
                }
                """);
        // keepalived --config-test prints the same four lines
        assertThat(messages(bad)).containsExactly("invalid number 'x'", "Invalid lvs_timeout tcp (x) - ignoring",
                "Unknown option fin specified for lvs_timeouts", "Unknown option 3 specified for lvs_timeouts");
        assertThat(parse("global_defs {\n}\n").config().globalDefs().lvsTimeouts()).isNull();
    }
}
