package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.FileCheck;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.VirtualServerDef;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The weights keepalived 2.2.7 takes (IPVS_WEIGHT_LIMIT = INT_MAX, as the kernel): a real server's 0..2147483647,
 * a virtual server's 1..2147483647, a FILE_CHECK's -2147483647..2147483647; more is refused in its words
 * (checked against keepalived 2.2.7's {@code -t}).
 */
class WeightRangeTest {
    private static final String TRACK_FILE = """
            track_file maint {
                file /tmp/jlvs-maint-state
                weight 0
            }
            """;

    private static ParseResult parse(String vsBody, String rsBody) {
        return Corpus.parser().parse("keepalived.conf", TRACK_FILE + """
                virtual_server 192.0.2.90 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                """ + vsBody + """
                    real_server 10.7.0.1 80 {
                """ + rsBody + """
                    }
                }
                """, Path.of("."));
    }

    private static List<String> messages(ParseResult r) {
        return r.problems().stream().map(ConfigProblem::message).toList();
    }

    private static RealServerDef rs(ParseResult r) {
        return r.config().virtualServers().getFirst().realServers().getFirst();
    }

    private static FileCheck fileCheck(ParseResult r) {
        return (FileCheck) rs(r).checkers().getFirst();
    }

    @Test
    void weightsUpToIntMaxAreTaken() {
        ParseResult r = parse("weight 100000\n", """
                weight 2147483647
                FILE_CHECK {
                    track_file maint
                    weight -2147483647 reverse
                }
                """);
        assertThat(messages(r)).isEmpty();
        assertThat(r.accepted()).isTrue();
        assertThat(rs(r).weight()).isEqualTo(Integer.MAX_VALUE);
        assertThat(fileCheck(r)).isEqualTo(new FileCheck("maint", -Integer.MAX_VALUE, true));
    }

    @Test
    void quorumAndHysteresisAreUnsigned32BitAsTheWeightsCanAddUpPastIntMax() {
        String two = """
                real_server 10.7.0.2 80 {
                    weight 2000000000
                }
                real_server 10.7.0.3 80 {
                    weight 2000000000
                }
                """;
        ParseResult fits = Corpus.parser().parse("keepalived.conf", """
                virtual_server 192.0.2.90 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 3000000000
                    hysteresis 2500000000
                """ + two + "}\n", Path.of("."));
        assertThat(messages(fits)).isEmpty();
        VirtualServerDef vs = fits.config().virtualServers().getFirst();
        assertThat(Integer.toUnsignedLong(vs.quorum())).isEqualTo(3_000_000_000L);
        assertThat(Integer.toUnsignedLong(vs.hysteresis())).isEqualTo(2_500_000_000L);

        ParseResult over = Corpus.parser().parse("keepalived.conf", """
                virtual_server 192.0.2.90 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 4294967295
                    hysteresis 4294967295
                """ + two + "}\n", Path.of("."));
        // keepalived 2.2.7 -t, word for word
        assertThat(messages(over)).containsExactly("Warning - quorum 4294967295 for [192.0.2.90]:tcp:80 exceeds total "
                        + "weight of real servers 4000000000, reducing quorum to 4000000000",
                "Virtual server [192.0.2.90]:tcp:80: hysteresis 4294967295 >= quorum 4000000000; setting hysteresis "
                        + "to 3999999999");
        vs = over.config().virtualServers().getFirst();
        assertThat(Integer.toUnsignedLong(vs.quorum())).isEqualTo(4_000_000_000L);
        assertThat(Integer.toUnsignedLong(vs.hysteresis())).isEqualTo(3_999_999_999L);
    }

    @Test
    void aRealServerWithoutAValidWeightTakesTheVirtualServersWhereverItStands() {
        ParseResult r = Corpus.parser().parse("keepalived.conf", """
                virtual_server 192.0.2.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 7
                    real_server 10.1.0.1 80 {
                    }
                    real_server 10.1.0.2 80 {
                        weight 2147483648
                    }
                    real_server 10.1.0.3 80 {
                        weight 0
                    }
                    weight 3
                }
                """, Path.of("."));
        // keepalived 2.2.7 -t, word for word (its check_data.c fills the weight in before the quorum check)
        assertThat(messages(r)).containsExactly("number '2147483648' outside range [0, 2147483647]",
                "Real server weight 2147483648 is outside range 0-2147483647",
                "Warning - quorum 7 for [192.0.2.10]:tcp:80 exceeds total weight of real servers 6, reducing "
                        + "quorum to 6");
        assertThat(r.config().virtualServers().getFirst().realServers()).extracting(RealServerDef::weight)
                .containsExactly(3, 3, 0);
        ParseResult none = parse("", "");
        assertThat(rs(none).weight()).isEqualTo(1);
    }

    @Test
    void aRealServerWeightAboveIntMaxIsRefused() {
        ParseResult r = parse("", "weight 2147483648\n");
        assertThat(messages(r)).containsExactly("number '2147483648' outside range [0, 2147483647]",
                "Real server weight 2147483648 is outside range 0-2147483647");
        assertThat(r.accepted()).isFalse();
        assertThat(rs(r).weight()).isEqualTo(1);
    }

    @Test
    void aVirtualServerWeightAboveIntMaxIsRefused() {
        ParseResult r = parse("weight 2147483648\n", "");
        assertThat(messages(r)).containsExactly("number '2147483648' outside range [1, 2147483647]",
                "Virtual server weight 2147483648 is outside range 1-2147483647");
        assertThat(r.accepted()).isFalse();
    }

    @Test
    void aFileCheckWeightOfIntMinIsRefusedAndTheTrackFilesApplies() {
        ParseResult r = parse("", """
                FILE_CHECK {
                    track_file maint
                    weight -2147483648 reverse
                }
                """);
        assertThat(messages(r)).containsExactly("number '-2147483648' outside range [-2147483647, 2147483647]",
                "weight for track file must be in [-2147483647..2147483647] inclusive. Ignoring...");
        assertThat(r.accepted()).isFalse();
        assertThat(fileCheck(r)).isEqualTo(new FileCheck("maint", null, false));
    }

    @Test
    void anUnknownFileCheckWeightOptionIsRefused() {
        ParseResult r = parse("", """
                FILE_CHECK {
                    track_file maint
                    weight 5 bogus
                }
                """);
        assertThat(messages(r)).containsExactly("unknown track file weight option bogus - ignoring");
        assertThat(fileCheck(r)).isEqualTo(new FileCheck("maint", null, false));
    }
}
