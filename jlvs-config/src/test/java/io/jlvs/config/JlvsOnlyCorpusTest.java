package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * corpus/jlvs-only/: include loops, on which keepalived never finishes (it follows the loop until it runs
 * out of file descriptors), so the lab cannot compare them. jlvs must refuse each promptly, naming the
 * include loop at the include line, and {@code jlvs -t} must fail.
 */
class JlvsOnlyCorpusTest {
    private static final Path DIR = Corpus.ROOT.resolve("jlvs-only");

    static List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".conf")).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void includeLoopIsRefusedWithAClearProblemAndNeverHangs(String name) {
        Path file = DIR.resolve(name);
        ParseResult r = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Corpus.parser().parse(file));
        assertThat(r.accepted()).isFalse();
        assertThat(r.problems()).filteredOn(p -> p.message().startsWith("include loop: "))
                .as(r.problems().toString()).isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.message()).contains("is already being read - skipping");
                    assertThat(p.file()).isNotNull();
                    assertThat(p.line()).isPositive();
                    assertThat(p.keyword()).isEqualTo("include");
                });
        assertThat(r.files()).doesNotHaveDuplicates();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> ConfigCheck.run(file, Corpus.CONFIG_ID,
                new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertThat(rc).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("include loop: ");
    }
}
