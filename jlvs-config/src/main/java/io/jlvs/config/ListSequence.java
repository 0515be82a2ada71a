package io.jlvs.config;

import java.util.ArrayList;
import java.util.List;

/**
 * keepalived's {@code ~LST(VAR, v1, v2, ...) TEXT} and {@code ~LST({V1, V2}, {a1, a2}, {b1, b2}, ...) TEXT}:
 * TEXT is read once per value set, each variable set to its value in that set (a value left out is
 * empty). Values are words up to a blank, ',', '}' or ')'; they are not substituted.
 */
final class ListSequence implements LineRepeater {
    private final List<String> vars;
    private final List<List<String>> sets;
    private final String text;
    private int next;

    private ListSequence(List<String> vars, List<List<String>> sets, String text) {
        this.vars = vars;
        this.sets = sets;
        this.text = text;
    }

    @Override
    public String next(Definitions defs) {
        List<String> set = sets.get(next++);
        for (int i = 0; i < vars.size(); i++) {
            defs.set(vars.get(i), set.get(i), false);
        }
        return text;
    }

    @Override
    public boolean done() {
        return next >= sets.size();
    }

    /** The value sets, in order (tests). */
    List<List<String>> sets() {
        return sets;
    }

    /** Parses a line starting {@code ~LST}; returns null (after reporting) when it is malformed. */
    static ListSequence parse(String line, ProblemLog log) {
        Cursor c = new Cursor(line, 4);
        c.skipBlanks();
        if (!c.take('(')) {
            return invalid(line, log);
        }
        c.skipBlanks();
        List<String> vars = new ArrayList<>();
        boolean braced = c.take('{');
        if (braced) {
            c.skipBlanks();
        }
        char end = braced ? '}' : ',';
        while (true) {
            vars.add(c.word(" \t,}"));
            c.skipBlanks();
            if (c.at(end)) {
                break;
            }
            if (!c.take(',')) {
                return invalid(line, log);
            }
            c.skipBlanks();
        }
        if (c.take('}')) {
            c.skipBlanks();
        }
        if (!c.take(',')) {
            return invalid(line, log);
        }
        c.skipBlanks();
        List<List<String>> sets = new ArrayList<>();
        while (true) {
            boolean set = c.take('{');
            if (set) {
                c.skipBlanks();
            }
            char setEnd = set ? '}' : ',';
            List<String> values = new ArrayList<>();
            while (true) {
                values.add(c.word(" \t,})"));
                c.skipBlanks();
                if (c.at(setEnd) || !set && c.at(')')) {
                    break;
                }
                if (!c.take(',')) {
                    return invalid(line, log);
                }
                c.skipBlanks();
                if (values.size() > vars.size() - 1) {
                    log.report(ProblemKind.GENERAL_ERROR, "~LST specification has too many values '" + line + "'");
                    return invalid(line, log);
                }
            }
            while (values.size() < vars.size()) {
                values.add("");
            }
            sets.add(List.copyOf(values));
            if (set && c.take('}')) {
                c.skipBlanks();
            }
            if (c.at(')')) {
                break;
            }
            if (!c.take(',')) {
                return invalid(line, log);
            }
            c.skipBlanks();
        }
        c.take(')');
        c.skipBlanks();
        return new ListSequence(List.copyOf(vars), List.copyOf(sets), c.rest());
    }

    private static ListSequence invalid(String line, ProblemLog log) {
        log.report(ProblemKind.GENERAL_ERROR, "Invalid ~LST specification '" + line + "'");
        return null;
    }

    /** A position in the line being parsed. */
    private static final class Cursor {
        private final String s;
        private int p;

        Cursor(String s, int p) {
            this.s = s;
            this.p = p;
        }

        void skipBlanks() {
            while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
                p++;
            }
        }

        boolean at(char ch) {
            return p < s.length() && s.charAt(p) == ch;
        }

        boolean take(char ch) {
            if (at(ch)) {
                p++;
                return true;
            }
            return false;
        }

        String word(String stops) {
            int start = p;
            while (p < s.length() && stops.indexOf(s.charAt(p)) < 0) {
                p++;
            }
            return s.substring(start, p);
        }

        String rest() {
            return s.substring(p);
        }
    }
}
