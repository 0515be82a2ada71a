package io.jlvs.health;

import io.jlvs.core.ScriptCommandLine;
import java.time.Duration;
import java.util.List;

/**
 * MISC_CHECK: run the script; exit 0 = up; 1 (or any failure) = down; with misc_dynamic, 2..255 = up with
 * weight (code - 2). A script killed at misc_timeout is a failure ("timed out") and asks for no weight.
 */
final class MiscChecker implements HealthChecker {

    private final MiscCheck params;
    private final List<String> argv;
    private final Duration timeout;
    private final ScriptRunner runner;

    MiscChecker(MiscCheck params, CheckTiming timing, ScriptRunner runner) {
        this.params = params;
        this.argv = ScriptCommandLine.split(params.miscPath());
        this.timeout = params.miscTimeout() != null ? params.miscTimeout() : timing.delayLoop();
        this.runner = runner;
    }

    /** The script's name as keepalived logs it (argv[0]). */
    String scriptName() {
        return argv.isEmpty() ? "" : argv.getFirst();
    }

    @Override
    public CheckerKind kind() {
        return CheckerKind.MISC_CHECK;
    }

    @Override
    public CheckOutcome check() {
        long start = System.nanoTime();
        ScriptResult result = runner.run(argv, timeout, params.user());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        if (!result.ran()) {
            return CheckOutcome.down("failed (" + result.refusal() + ")", took);
        }
        if (result.timedOut()) {
            return CheckOutcome.down("timed out", took);
        }
        int code = result.exitCode();
        if (code == 0) {
            return CheckOutcome.up("succeeded", took);
        }
        if (params.dynamic() && code >= 2 && code <= 255) {
            return CheckOutcome.upWithWeight(code - 2, "succeeded", took);
        }
        return CheckOutcome.down("failed (exited with status " + code + ")", took);
    }
}
