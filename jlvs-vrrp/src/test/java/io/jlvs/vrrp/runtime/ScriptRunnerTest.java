package io.jlvs.vrrp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {
    final ScriptRunner runner = new ScriptRunner();

    @Test
    void exitCodesAreReported() {
        assertThat(runner.run(List.of("true"), 5000).succeeded()).isTrue();
        ScriptResult r = runner.run(List.of("sh", "-c", "exit 3"), 5000);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
    }

    @Test
    void argumentsArePassedVerbatim(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("args");
        runner.run(List.of("sh", "-c", "printf '%s|' \"$@\" > " + out, "sh", "a b", "$HOME", "; rm -rf x"), 5000);
        assertThat(Files.readString(out)).isEqualTo("a b|$HOME|; rm -rf x|");
    }

    @Test
    void aScriptOutlivingItsTimeoutIsKilled() {
        long t = System.nanoTime();
        ScriptResult r = runner.run(List.of("sleep", "30"), 200);
        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat((System.nanoTime() - t) / 1_000_000).isLessThan(5000);
    }

    @Test
    void aMissingScriptFails() {
        ScriptResult r = runner.run(List.of("/nonexistent/jlvs-check"), 1000);
        assertThat(r.succeeded()).isFalse();
        assertThat(r.error()).isNotNull();
    }
}
