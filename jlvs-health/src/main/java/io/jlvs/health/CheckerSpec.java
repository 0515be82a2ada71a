package io.jlvs.health;

/** A checker of a real server with its timing. */
public record CheckerSpec(HealthChecker checker, CheckTiming timing) {

    public CheckerSpec {
        if (checker == null || timing == null) {
            throw new IllegalArgumentException("checker and timing are required");
        }
    }

    /** The name keepalived logs for MISC_CHECK (the script's argv[0]); empty for other checkers. */
    String scriptName() {
        return checker instanceof MiscChecker misc ? misc.scriptName() : "";
    }
}
