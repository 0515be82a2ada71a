package io.jlvs.config;

import java.util.ArrayList;
import java.util.List;

/** Collects problems while parsing; knows the statement being parsed so messages carry file and line. */
final class ProblemLog {
    private static final int MAX_PROBLEMS = 10_000;

    private final List<ConfigProblem> problems = new ArrayList<>();
    private String file;
    private int line;
    private String keyword;
    private int dropped;

    void at(String file, int line, String keyword) {
        this.file = file;
        this.line = line;
        this.keyword = keyword;
    }

    void at(Statement s) {
        at(s.file(), s.line(), s.tokens().isEmpty() ? null : s.tokens().getFirst());
    }

    /** Leaves the current line: the next reports concern the configuration as a whole. */
    void global() {
        at(null, 0, null);
    }

    void report(ProblemKind kind, String message) {
        add(new ConfigProblem(kind.severity(), kind, file, line, keyword, message));
    }

    void reportAt(Statement s, ProblemKind kind, String message) {
        add(new ConfigProblem(kind.severity(), kind, s.file(), s.line(),
                s.tokens().isEmpty() ? null : s.tokens().getFirst(), message));
    }

    private void add(ConfigProblem p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        } else {
            dropped++;
        }
    }

    List<ConfigProblem> problems() {
        List<ConfigProblem> out = new ArrayList<>(problems);
        if (dropped > 0) {
            out.add(new ConfigProblem(Severity.ERROR, ProblemKind.GENERAL_ERROR, null, 0, null,
                    dropped + " further problems not listed"));
        }
        return List.copyOf(out);
    }
}
