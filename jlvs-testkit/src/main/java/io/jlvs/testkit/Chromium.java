package io.jlvs.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Headless Chromium as the lab tests drive it: one process per page load, stopped by its pid tree. */
public final class Chromium {
    private final String binary;
    private final Path profile;

    /** {@code profile}: an empty directory for Chromium's user data; its parent holds the output files. */
    public Chromium(String binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The DOM after the page's scripts ran for {@code virtualMillis} of virtual time. */
    public String dumpDom(String url, int virtualMillis) throws IOException, InterruptedException {
        return run(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", url));
    }

    public void screenshot(String url, Path png, int virtualMillis) throws IOException, InterruptedException {
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
