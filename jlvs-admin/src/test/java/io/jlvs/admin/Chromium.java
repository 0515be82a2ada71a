package io.jlvs.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium as the lab tests drive it: one process per page load, stopped by its pid tree. */
final class Chromium {
    private final String binary;
    private final Path profile;

    Chromium(String binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The DOM after the page's scripts ran for {@code virtualMillis} of virtual time. */
    String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", url));
    }

    void screenshot(String url, Path png, int virtualMillis) throws IOException, InterruptedException {
        run(List.of("--virtual-time-budget=" + virtualMillis, "--hide-scrollbars", "--window-size=1200,800",
                "--screenshot=" + png.toAbsolutePath(), url));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(args);
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new IOException("chromium did not finish within 90 s: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new IOException("chromium exited with " + p.exitValue() + ": " + cmd);
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
