package io.jlvs.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command (argv, no shell) with a time bound and captures its output. */
public final class Shell {
    private Shell() {
    }

    public record Result(int exitCode, String output) {
        public Result orThrow(String what) throws IOException {
            if (exitCode != 0) {
                throw new IOException(what + " failed (exit " + exitCode + "): " + output.strip());
            }
            return this;
        }
    }

    public static Result run(String... argv) throws IOException {
        return run(List.of(argv), 30);
    }

    public static Result run(List<String> argv, int timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + " did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.exitValue(), out);
    }
}
