package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.BfdCheck;
import io.jlvs.config.model.BfdInstanceDef;
import io.jlvs.core.IpAddress;
import org.junit.jupiter.api.Test;

class BfdBuilderTest {

    @Test
    void everyParameterIsReadWithKeepalivedsUnits() {
        ParseResult r = Corpus.parse("valid/v42-bfd-full.conf");
        assertThat(r.accepted()).isTrue();
        BfdInstanceDef b = r.config().bfdInstance("nbr1");
        assertThat(b).isEqualTo(new BfdInstanceDef("nbr1", IpAddress.parse("10.8.0.1"), IpAddress.parse("10.8.0.254"),
                3_250, 20_000, 1_500_500, 3, true, 255, 1, 0, false, true, false));
        BfdInstanceDef v6 = r.config().bfdInstance("nbr6");
        assertThat(v6.ttl()).isEqualTo(255);
        assertThat(v6.maxHops()).isEqualTo(255);
        assertThat(v6.weight()).isEqualTo(-20);
        assertThat(v6.weightReverse()).isTrue();
        assertThat(v6.toChecker()).isTrue();
        assertThat(v6.toVrrp()).isTrue();
        assertThat(r.config().virtualServers().getFirst().realServers().getFirst().checkers())
                .containsExactly(new BfdCheck("nbr1", true));
    }

    @Test
    void defaultsAreKeepalivedsAndIpv6HopLimitIs64() {
        ParseResult r = Corpus.parse("valid/v10-bfd.conf");
        BfdInstanceDef b = r.config().bfdInstance("nbr1");
        assertThat(b.idleTxMicros()).isEqualTo(1_000_000);
        assertThat(b.ttl()).isEqualTo(255);
        assertThat(b.maxHops()).isZero();
        assertThat(b.passive()).isFalse();
    }

    @Test
    void errorsAreWordedAsKeepalivedWordsThem() {
        assertThat(messages("invalid/i78-bfd-no-neighbor.conf"))
                .contains("Configuration error: BFD instance nbr1 has no neighbor address set, disabling instance");
        assertThat(messages("invalid/i79-bfd-bad-min-rx.conf")).contains("number '0.5' outside range [1.000, 4294967.000]",
                "Configuration error: BFD instance nbr1 min_rx value 0.5 is not valid (must be in range [1-4294967]), ignoring");
        assertThat(messages("invalid/i80-bfd-check-unknown.conf")).contains("BFD_CHECK - BFD nbr2 not configured");
        assertThat(messages("invalid/i81-bfd-max-hops-over-ttl.conf"))
                .contains("BFD instance nbr1: max_hops exceeds ttl/hoplimit - setting to ttl/hoplimit");
        assertThat(messages("invalid/i82-bfd-check-no-name.conf"))
                .contains("No name has been specified for BFD_CHECKER - skipping");
        assertThat(messages("invalid/i83-bfd-vrrp-only.conf")).contains("BFD_CHECK - BFD nbr1 not configured");
        assertThat(messages("invalid/i84-bfd-duplicate-neighbor.conf")).contains(
                "Configuration error: BFD instance nbr2 has duplicate neighbor address 10.8.0.1, ignoring instance");
        assertThat(messages("invalid/i86-bfd-family-mismatch.conf")).contains("Configuration error: BFD instance nbr1 "
                + "source address fd00::2 and neighbor address 10.8.0.1 are not of the same family, disabling instance");
        assertThat(messages("invalid/i87-bfd-too-many-decimals.conf"))
                .containsExactly("number '10.0001' has too many decimal places");
        assertThat(messages("invalid/i89-bfd-duplicate-name.conf"))
                .contains("Configuration error: BFD instance nbr1 already configured - ignoring");
    }

    @Test
    void invalidInstancesAreLeftOutAndInvalidValuesKeepTheDefault() {
        assertThat(Corpus.parse("invalid/i78-bfd-no-neighbor.conf").config().bfdInstances()).isEmpty();
        assertThat(Corpus.parse("invalid/i84-bfd-duplicate-neighbor.conf").config().bfdInstances())
                .extracting(BfdInstanceDef::name).containsExactly("nbr1");
        assertThat(Corpus.parse("invalid/i79-bfd-bad-min-rx.conf").config().bfdInstance("nbr1").minRxMicros())
                .isEqualTo(10_000);
        assertThat(Corpus.parse("invalid/i81-bfd-max-hops-over-ttl.conf").config().bfdInstance("nbr1").maxHops())
                .isEqualTo(10);
        assertThat(Corpus.parse("invalid/i80-bfd-check-unknown.conf").config().virtualServers().getFirst()
                .realServers().getFirst().checkers()).isEmpty();
    }

    private static java.util.List<String> messages(String file) {
        ParseResult r = Corpus.parse(file);
        assertThat(r.accepted()).as(file).isFalse();
        return r.problems().stream().map(ConfigProblem::message).toList();
    }
}
