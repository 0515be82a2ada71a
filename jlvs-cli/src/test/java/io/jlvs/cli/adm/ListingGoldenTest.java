package io.jlvs.cli.adm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every list format over the table that uses every feature, compared byte for byte with golden files. */
class ListingGoldenTest {

    static Stream<Arguments> listings() {
        return Stream.of(
                Arguments.of("list-numeric.txt", "-L -n"),
                Arguments.of("list-numeric.txt", "-Ln"),
                Arguments.of("list-numeric.txt", "-l --numeric"),
                Arguments.of("list-names.txt", "-L"),
                Arguments.of("list-names.txt", ""),
                Arguments.of("list-nosort.txt", "-L -n --nosort"),
                Arguments.of("stats.txt", "-L -n --stats"),
                Arguments.of("stats-exact.txt", "-L -n --stats --exact"),
                Arguments.of("stats-exact.txt", "-L -n --stats -X"),
                Arguments.of("stats-names.txt", "-L --stats"),
                Arguments.of("rate.txt", "-L -n --rate"),
                Arguments.of("rate-exact.txt", "-L -n --rate --exact"),
                Arguments.of("thresholds.txt", "-L -n --thresholds"),
                Arguments.of("persistent-conn.txt", "-L -n --persistent-conn"),
                Arguments.of("tun-info.txt", "-L -n --tun-info"),
                Arguments.of("one-service.txt", "-L -n -t 192.168.0.10:443"),
                Arguments.of("one-service-names.txt", "-L -t www.example.com:https"),
                Arguments.of("one-fwmark6.txt", "-L -n -f 9 -6"),
                Arguments.of("one-service-stats.txt", "-L -n --stats -u 192.168.0.10:53"),
                Arguments.of("save-numeric.txt", "-S -n"),
                Arguments.of("save-names.txt", "-S"),
                Arguments.of("conns-numeric.txt", "-L -n -c"),
                Arguments.of("conns-numeric.txt", "-Lnc"),
                Arguments.of("conns-names.txt", "-L -c"),
                Arguments.of("conns-pe.txt", "-L -n -c --persistent-conn"),
                Arguments.of("timeout.txt", "-L --timeout"),
                Arguments.of("daemon.txt", "-L --daemon"),
                Arguments.of("json-table.txt", "-L --json"),
                Arguments.of("json-table.txt", "-L --stats --json"),
                Arguments.of("json-conns.txt", "-L -c --json"));
    }

    @ParameterizedTest(name = "jlvsadm {1} -> {0}")
    @MethodSource("listings")
    void listingMatchesGolden(String golden, String commandLine) {
        Run run = Run.line(Tables.rich(), commandLine);

        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        Golden.assertMatches(golden, run.out());
    }
}
