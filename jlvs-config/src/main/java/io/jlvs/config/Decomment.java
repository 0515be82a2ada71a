package io.jlvs.config;

/**
 * keepalived's comment removal: leading blanks dropped, '#' or '!' outside quotes starts a comment,
 * '\#' and '\!' outside quotes are literal, trailing blanks dropped, a trailing '\' kept as a
 * continuation mark.
 */
final class Decomment {
    private Decomment() {
    }

    static String apply(String raw, ProblemLog log) {
        int start = 0;
        while (start < raw.length() && (raw.charAt(start) == ' ' || raw.charAt(start) == '\t')) {
            start++;
        }
        StringBuilder out = new StringBuilder(raw.length() - start);
        boolean quote = false;
        boolean cont = false;
        int i = start;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '"') {
                quote = !quote;
                out.append(c);
                i++;
            } else if (c == '\\') {
                if (i + 1 >= raw.length()) {
                    cont = true;
                    break;
                }
                char n = raw.charAt(i + 1);
                if (!quote && (n == '#' || n == '!')) {
                    out.append(n);
                } else {
                    out.append(c).append(n);
                }
                i += 2;
            } else if (!quote && (c == '#' || c == '!')) {
                break;
            } else {
                out.append(c);
                i++;
            }
        }
        if (quote) {
            log.report(ProblemKind.GENERAL_ERROR, "Unterminated quote '" + raw.substring(start) + "'");
        }
        int len = out.length();
        while (len > 0 && (out.charAt(len - 1) == ' ' || out.charAt(len - 1) == '\t')) {
            len--;
        }
        out.setLength(len);
        if (cont) {
            out.append('\\');
        }
        return out.toString();
    }
}
