package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.LvsSyncDaemonDef;
import io.jlvs.core.IpAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** global_defs lvs_sync_daemon: what reaches the model, and keepalived 2.2.7's words for what does not. */
class LvsSyncDaemonConfigTest {
    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                virtual_ipaddress {
                    192.0.2.1
                }
            }
            """;

    private static ParseResult parse(String line) {
        return Corpus.parser().parse("keepalived.conf", "global_defs {\n    " + line + "\n}\n" + INSTANCE,
                Path.of("."));
    }

    private static List<String> messages(ParseResult r) {
        return r.problems().stream().map(ConfigProblem::message).toList();
    }

    @Test
    void everyOptionReachesTheModel() {
        ParseResult r = parse("lvs_sync_daemon eth0 inst VI_1 id 9 maxlen 1400 port 8849 ttl 2 group 239.1.2.3");
        assertThat(messages(r)).isEmpty();
        assertThat(r.config().globalDefs().lvsSyncDaemon()).isEqualTo(
                new LvsSyncDaemonDef("eth0", "VI_1", 9, 1400, 8849, 2, IpAddress.parse("239.1.2.3")));
    }

    @Test
    void unsetOptionsStayUnsetSoTheRuntimeCanDefaultTheSyncIdToTheVrid() {
        ParseResult r = parse("lvs_sync_daemon eth0 VI_1");
        assertThat(r.accepted()).isTrue();
        assertThat(r.config().globalDefs().lvsSyncDaemon())
                .isEqualTo(new LvsSyncDaemonDef("eth0", "VI_1", null, 0, 0, 0, null));
    }

    @Test
    void withoutInstanceBothDaemonsAreMeant() {
        ParseResult r = parse("lvs_sync_daemon eth0 id 3 group ff02::1234");
        assertThat(r.accepted()).isTrue();
        assertThat(r.config().globalDefs().lvsSyncDaemon())
                .isEqualTo(new LvsSyncDaemonDef("eth0", null, 3, 0, 0, 0, IpAddress.parse("ff02::1234")));
    }

    @Test
    void theOldPositionalSyncIdIsTakenButReported() {
        ParseResult r = parse("lvs_sync_daemon eth0 VI_1 7");
        assertThat(messages(r)).containsExactly("Please use keyword \"id\" before lvs_sync_daemon SYNCID");
        assertThat(r.accepted()).isFalse();
        assertThat(r.config().globalDefs().lvsSyncDaemon().syncId()).isEqualTo(7);
    }

    @Test
    void badValuesAreReportedInKeepalivedsWordsAndLeftUnset() {
        ParseResult r = parse("lvs_sync_daemon eth0 VI_1 id 256 maxlen 0 port 65536 ttl 0 group 10.0.0.1 mtu");
        assertThat(messages(r)).containsExactly(
                "number '256' outside range [0, 255]", "Invalid syncid (256) - defaulting to vrid",
                "number '0' outside range [1, 65507]", "Invalid lvs_sync_daemon maxlen (0) - ignoring",
                "number '65536' outside range [1, 65535]", "Invalid lvs_sync_daemon port (65536) - ignoring",
                "number '0' outside range [1, 255]", "Invalid lvs_sync_daemon ttl (0) - ignoring",
                "lvs_sync_daemon group address 10.0.0.1 is not multicast - ignoring",
                "Unknown option mtu specified for lvs_sync_daemon");
        assertThat(r.config().globalDefs().lvsSyncDaemon())
                .isEqualTo(new LvsSyncDaemonDef("eth0", "VI_1", null, 0, 0, 0, null));
    }

    @Test
    void aSecondLineIsIgnored() {
        ParseResult r = parse("lvs_sync_daemon eth0 VI_1\n    lvs_sync_daemon eth1 VI_1 id 2");
        assertThat(messages(r)).containsExactly("lvs_sync_daemon has already been specified as eth0 VI_1 - ignoring");
        assertThat(r.config().globalDefs().lvsSyncDaemon().iface()).isEqualTo("eth0");
    }

    @Test
    void aMissingOrTooLongInterfaceDropsTheLine() {
        ParseResult none = parse("lvs_sync_daemon");
        assertThat(messages(none)).containsExactly("lvs_sync_daemon requires interface");
        assertThat(none.config().globalDefs().lvsSyncDaemon()).isNull();
        ParseResult tooLong = parse("lvs_sync_daemon abcdefghijklmnop VI_1");
        assertThat(messages(tooLong)).containsExactly(
                "lvs_sync_daemon interface name 'abcdefghijklmnop' too long - ignoring");
        assertThat(tooLong.config().globalDefs().lvsSyncDaemon()).isNull();
        assertThat(parse("lvs_sync_daemon abcdefghijklmno VI_1").accepted()).as("15 characters fit").isTrue();
    }

    @Test
    void anUnknownInstanceIsOnlyANoticeAsKeepalivedTAcceptsIt() {
        ParseResult r = parse("lvs_sync_daemon eth0 VI_9");
        assertThat(r.accepted()).isTrue();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.NOTICE);
            assertThat(p.message())
                    .isEqualTo("Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config");
        });
    }

    @Test
    void instWithoutANameIsKeepalivedsFatalMissingParameter() {
        ParseResult r = parse("lvs_sync_daemon eth0 inst");
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.MISSING_PARAMETER);
            assertThat(p.message()).endsWith("missing a parameter after keyword `inst` at word position 4");
        });
    }
}
