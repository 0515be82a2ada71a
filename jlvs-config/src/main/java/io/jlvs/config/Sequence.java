package io.jlvs.config;

/**
 * keepalived's {@code ~SEQ(VAR, [start,] [step,] end) TEXT}: TEXT is read once for each value of VAR.
 * {@code ~SEQx} gives the values in hex.
 */
final class Sequence implements LineRepeater {
    /** Hard limit on the number of lines one sequence may produce (keepalived has none). */
    static final long MAX_LINES = ConfigLexer.MAX_GENERATED_LINES;

    final String var;
    final String text;
    final boolean hex;
    private final long step;
    private final long last;
    private long next;
    private long produced;

    private Sequence(String var, String text, boolean hex, long start, long step, long last) {
        this.var = var;
        this.text = text;
        this.hex = hex;
        this.next = start;
        this.step = step;
        this.last = last;
    }

    @Override
    public String next(Definitions defs) {
        defs.set(var, advance(), false);
        return text;
    }

    @Override
    public boolean done() {
        return (step > 0 ? next > last : next < last) || produced >= MAX_LINES;
    }

    /** The value for the next line; advances. */
    String advance() {
        String v = hex ? Long.toHexString(next) : Long.toString(next);
        next += step;
        produced++;
        return v;
    }

    /** Parses a line starting {@code ~SEQ}; returns null (after reporting) when it is malformed. */
    static Sequence parse(String line, Definitions defs, ProblemLog log) {
        int p = 4;
        boolean hex = p < line.length() && line.charAt(p) == 'x';
        if (hex) {
            p++;
        }
        p = skipBlanks(line, p);
        if (p >= line.length() || line.charAt(p) != '(') {
            log.report(ProblemKind.GENERAL_ERROR, "Invalid ~SEQ specification '" + line + "'");
            return null;
        }
        p = skipBlanks(line, p + 1);
        int varStart = p;
        while (p < line.length() && " \t,)".indexOf(line.charAt(p)) < 0) {
            p++;
        }
        String var = line.substring(varStart, p);
        p = skipBlanks(line, p);
        int close = line.indexOf(')', p);
        if (var.isEmpty() || p >= line.length() || line.charAt(p) == ')' || close < 0) {
            log.report(ProblemKind.GENERAL_ERROR, "Invalid ~SEQ definition '" + line + "'");
            return null;
        }
        String params = defs.substitute(line.substring(p + 1, close)).line();
        String[] parts = params.split(",", -1);
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = parseLong(parts[i].strip());
            if (v == null || parts.length > 3) {
                log.report(ProblemKind.GENERAL_ERROR, "Invalid ~SEQ definition '" + line + "'");
                return null;
            }
            n[i] = v;
        }
        long start;
        long step;
        long end;
        if (parts.length == 1) {
            end = n[0];
            step = end < 1 ? -1 : 1;
            start = end < 0 ? -1 : 1;
        } else if (parts.length == 2) {
            start = n[0];
            end = n[1];
            step = start <= end ? 1 : -1;
        } else {
            start = n[0];
            step = n[1];
            end = n[2];
            if (step == 0 || start < end && step < 0 || start > end && step > 0) {
                log.report(ProblemKind.GENERAL_ERROR, "Invalid ~SEQ values '" + line + "'");
                return null;
            }
        }
        if (hex && (start < 0 || end < 0)) {
            log.report(ProblemKind.GENERAL_ERROR, "~SEQx is only valid for positive numbers '" + line + "'");
            return null;
        }
        String text = line.substring(skipBlanks(line, close + 1));
        return new Sequence(var, text, hex, start, step, end);
    }

    private static int skipBlanks(String s, int p) {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    /** strtol with base 0: decimal, 0x hex or leading-0 octal; empty means 0 as strtol gives. */
    private static Long parseLong(String s) {
        try {
            if (s.isEmpty()) {
                return 0L;
            }
            boolean neg = s.startsWith("-");
            String body = neg || s.startsWith("+") ? s.substring(1) : s;
            long v;
            if (body.startsWith("0x") || body.startsWith("0X")) {
                v = Long.parseLong(body.substring(2), 16);
            } else if (body.length() > 1 && body.startsWith("0")) {
                v = Long.parseLong(body.substring(1), 8);
            } else {
                v = Long.parseLong(body);
            }
            return neg ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
