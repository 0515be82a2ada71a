package io.jlvs.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * keepalived's {@code $NAME=value} definitions and their substitution ({@code $NAME}, {@code ${NAME}}).
 * A multi-line definition (value lines ended by '\') keeps its lines separated by '\n'; it may only be
 * used as the last thing on a line, and then expands to several lines.
 */
final class Definitions {
    /** keepalived's line buffer size: a substitution that would make a line longer is refused. */
    static final int MAX_LINE = 1024;

    private record Def(String value, boolean multiline, Supplier<String> fn) {
    }

    /**
     * The result of substituting one line: the line, and any further lines of a multi-line expansion
     * ({@code moreLines} from index {@code moreFrom} on, so that a long definition is not copied).
     */
    record Expansion(String line, String moreLines, int moreFrom, boolean changed, boolean tooLong) {
    }

    private final Map<String, Def> defs = new LinkedHashMap<>();
    /** Multi-line definitions still being read: appended to in place, not copied line by line. */
    private final Map<String, StringBuilder> growing = new HashMap<>();
    private final Random random;

    Definitions(Supplier<String> pwd, String instance, long seed) {
        this.random = new Random(seed);
        defs.put("_PWD", new Def(null, false, pwd));
        defs.put("_INSTANCE", new Def(null, false, () -> instance));
        defs.put("_RANDOM", new Def(null, false, () -> Integer.toString(random.nextInt(Integer.MAX_VALUE))));
        defs.put("_HASH", new Def("#", false, null));
        defs.put("_BANG", new Def("!", false, null));
    }

    void set(String name, String value, boolean multiline) {
        growing.remove(name);
        defs.put(name, new Def(value, multiline, null));
    }

    boolean isMultiline(String name) {
        Def d = defs.get(name);
        return d != null && d.multiline;
    }

    void append(String name, String more, boolean keepMultiline) {
        Def d = defs.get(name);
        StringBuilder b = growing.computeIfAbsent(name, n -> new StringBuilder(d.value == null ? "" : d.value));
        b.append(more);
        if (keepMultiline && !d.multiline) {
            defs.put(name, new Def(d.value, true, null));
        }
    }

    /** The definition, with any lines appended so far. */
    private Def get(String name) {
        StringBuilder b = growing.remove(name);
        Def d = defs.get(name);
        if (b != null && d != null) {
            d = new Def(b.toString(), d.multiline, null);
            defs.put(name, d);
        }
        return d;
    }

    void finishMultiline(String name) {
        Def d = get(name);
        if (d != null && (d.value == null || d.value.isEmpty())) {
            defs.put(name, new Def("", false, null));
        }
    }

    static boolean nameStart(char c) {
        return Character.isLetter(c) && c < 128 || c == '_';
    }

    static boolean nameChar(char c) {
        return nameStart(c) || c >= '0' && c <= '9';
    }

    /**
     * Parses {@code $NAME=value} (value possibly ending in '\' for a multi-line definition).
     * Returns the name, or null when the line is not a definition.
     */
    String tryDefine(String line) {
        if (line.length() < 2 || line.charAt(0) != '$' || !nameStart(line.charAt(1))) {
            return null;
        }
        int p = 2;
        while (p < line.length() && line.charAt(p) != '=') {
            if (!nameChar(line.charAt(p))) {
                return null;
            }
            p++;
        }
        if (p >= line.length()) {
            return null;
        }
        String name = line.substring(1, p);
        String value = stripLeading(line.substring(p + 1));
        boolean multiline = value.endsWith("\\");
        if (multiline) {
            value = value.substring(0, value.length() - 1).stripTrailing();
            value = value.isEmpty() ? "" : value + "\n";
        }
        set(name, value, multiline);
        return name;
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return s.substring(i);
    }

    /** Replaces every known {@code $NAME} / {@code ${NAME}} in {@code line}. */
    Expansion substitute(String line) {
        StringBuilder out = new StringBuilder(line.length());
        boolean changed = false;
        String more = null;
        int moreFrom = 0;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '$' || i + 1 >= line.length()) {
                out.append(c);
                i++;
                continue;
            }
            boolean braces = line.charAt(i + 1) == '{';
            int start = i + (braces ? 2 : 1);
            int end = start;
            while (end < line.length() && nameChar(line.charAt(end))) {
                end++;
            }
            int after = end;
            if (braces) {
                while (after < line.length() && (line.charAt(after) == ' ' || Character.isDigit(line.charAt(after)))) {
                    after++;
                }
            }
            boolean ok = end > start && nameStart(line.charAt(start));
            if (ok && braces) {
                ok = after < line.length() && line.charAt(after) == '}';
            } else if (ok) {
                ok = end == line.length() || " \t,)".indexOf(line.charAt(end)) >= 0;
            }
            Def def = ok ? get(line.substring(start, end)) : null;
            int refEnd = braces ? after + 1 : end;
            if (def != null && def.multiline && refEnd != line.length()) {
                def = null;
            }
            if (def == null) {
                out.append(c);
                i++;
                continue;
            }
            String value = def.fn != null ? def.fn.get() : def.value;
            changed = true;
            if (def.multiline) {
                int nl = value.indexOf('\n');
                out.append(nl < 0 ? value : value.substring(0, nl));
                more = nl < 0 ? null : value;
                moreFrom = nl + 1;
                i = refEnd;
                break;
            }
            if (out.length() + value.length() + (line.length() - refEnd) >= MAX_LINE) {
                return new Expansion(line, null, 0, false, true);
            }
            out.append(value);
            i = refEnd;
            if (value.stripLeading().startsWith("~")) {
                out.append(line, i, line.length());
                i = line.length();
            }
        }
        return new Expansion(out.toString(), more, moreFrom, changed, false);
    }
}
