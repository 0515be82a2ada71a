package io.jlvs.vrrp.runtime;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script as an argv list, never through a shell, with its output discarded and stdin closed. A script
 * still running after its timeout is killed (it and its children, by pid). {@link #run} blocks its caller: call it
 * from a thread that may wait (the router uses virtual threads).
 */
public final class ScriptRunner implements ScriptExecutor {

    /** Runs {@code argv} and waits at most {@code timeoutMillis} for it. */
    @Override
    public ScriptResult run(List<String> argv, long timeoutMillis) {
        if (argv.isEmpty()) {
            return ScriptResult.failed("empty command");
        }
        Process p;
        try {
            p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return ScriptResult.failed(e.getMessage());
        }
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(1, TimeUnit.SECONDS);
                return ScriptResult.timeout();
            }
            return ScriptResult.exited(p.exitValue());
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return ScriptResult.failed("interrupted");
        }
    }
}
