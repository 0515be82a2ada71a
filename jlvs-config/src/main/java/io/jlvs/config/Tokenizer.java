package io.jlvs.config;

import java.util.ArrayList;
import java.util.List;

/** Splits a statement into words as keepalived does: blanks separate, "..." is one word without quotes. */
final class Tokenizer {
    private static final String WHITE = " \t\n\r\f\u000b";

    private Tokenizer() {
    }

    static List<String> tokens(String text, ProblemLog log) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && WHITE.indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (text.charAt(i) == '"') {
                int close = text.indexOf('"', i + 1);
                if (close < 0) {
                    log.report(ProblemKind.UNMATCHED_QUOTE, "Unmatched quote: '" + text + "'");
                    break;
                }
                out.add(text.substring(i + 1, close));
                i = close + 1;
            } else {
                int s = i;
                while (i < n && WHITE.indexOf(text.charAt(i)) < 0 && text.charAt(i) != '"') {
                    i++;
                }
                out.add(text.substring(s, i));
            }
        }
        return List.copyOf(out);
    }
}
