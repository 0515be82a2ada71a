package io.jlvs.vrrp.runtime;

import java.util.List;

/** Runs one script to completion or timeout; {@link ScriptRunner} is the real one. May block its caller. */
@FunctionalInterface
public interface ScriptExecutor {
    ScriptResult run(List<String> argv, long timeoutMillis);
}
