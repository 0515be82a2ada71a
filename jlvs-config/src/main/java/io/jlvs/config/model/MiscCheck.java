package io.jlvs.config.model;

import java.time.Duration;

/** MISC_CHECK: run a script; exit 0 is up ({@code dynamic}: exit 2..255 sets weight - 2). */
public record MiscCheck(CheckerOptions options, String path, Duration timeout, boolean dynamic, String user)
        implements CheckerDef {
    @Override
    public String keyword() {
        return "MISC_CHECK";
    }
}
