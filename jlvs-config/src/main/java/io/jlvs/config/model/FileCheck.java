package io.jlvs.config.model;

/** FILE_CHECK: the real server follows a track_file; {@code weight} null means keepalived's default. */
public record FileCheck(String trackFile, Integer weight, boolean weightReverse) implements CheckerDef {
    @Override
    public String keyword() {
        return "FILE_CHECK";
    }
}
