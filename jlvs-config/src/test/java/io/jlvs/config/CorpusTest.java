package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every corpus file gets the verdict its directory promises, except the documented divergences. */
class CorpusTest {

    @Test
    void corpusIsLargeAndCoversBothSides() {
        List<String> files = Corpus.files();
        assertThat(files.stream().filter(Corpus::meantValid)).hasSizeGreaterThanOrEqualTo(30);
        assertThat(files.stream().filter(f -> !Corpus.meantValid(f))).hasSizeGreaterThanOrEqualTo(50);
    }

    @Test
    void divergencesAreDocumentedAndExist() {
        assertThat(Corpus.divergences()).isNotEmpty().allSatisfy(f -> assertThat(Corpus.files()).contains(f));
    }

    @Test
    void jlvsVerdictMatchesTheCorpusDirectory() {
        List<String> wrong = new ArrayList<>();
        for (String f : Corpus.files()) {
            ParseResult r = Corpus.parse(f);
            boolean expectAccept = Corpus.meantValid(f);
            if (r.accepted() != expectAccept) {
                wrong.add(f + " -> " + ConfigCheck.lines(r));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void rejectedFilesSayWhyWithFileAndLine() {
        ParseResult r = Corpus.parse("invalid/i02-unknown-in-vs.conf");
        // keepalived 2.2.7 names the file as it was given, even when it read only that one
        assertThat(ConfigCheck.lines(r)).containsExactly("(" + Corpus.ROOT.resolve("invalid/i02-unknown-in-vs.conf")
                + ": Line 5) Unknown keyword 'lb_algorithm'");
        assertThat(r.problems().getFirst().keyword()).isEqualTo("lb_algorithm");
        assertThat(r.problems().getFirst().file()).endsWith("i02-unknown-in-vs.conf");
    }
}
