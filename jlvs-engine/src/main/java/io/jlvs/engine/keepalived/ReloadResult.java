package io.jlvs.engine.keepalived;

import io.jlvs.config.ConfigProblem;
import java.util.List;

/**
 * The outcome of loading or reloading keepalived.conf.
 *
 * @param applied  false when the file was refused and the running configuration kept
 * @param problems every problem the parser reported (also when applied)
 * @param summary  one line for the log and the status page
 */
public record ReloadResult(boolean applied, List<ConfigProblem> problems, String summary) {
    public ReloadResult {
        problems = List.copyOf(problems);
    }
}
