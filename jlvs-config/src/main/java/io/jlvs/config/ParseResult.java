package io.jlvs.config;

import io.jlvs.config.model.KeepalivedConfig;
import java.util.List;

/**
 * What parsing gives back: the configuration (as much of it as was valid) and every problem found.
 *
 * @param files the files read, main file first
 */
public record ParseResult(KeepalivedConfig config, List<ConfigProblem> problems, List<String> files) {

    public ParseResult {
        problems = List.copyOf(problems);
        files = List.copyOf(files);
    }

    /** True when keepalived -t would accept the configuration (nothing but INFO problems). */
    public boolean accepted() {
        return problems.stream().allMatch(p -> p.severity() == Severity.INFO);
    }
}
