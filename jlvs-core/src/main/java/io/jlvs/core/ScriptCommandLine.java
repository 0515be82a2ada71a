package io.jlvs.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a configured script string into argv the way keepalived.conf quotes: whitespace separates words,
 * "..." and '...' group (quotes removed, may join adjacent text), backslash escapes (\n, \t, \xHH, \nnn, \\c).
 * Nothing else is special: ; | & $ ` > are ordinary characters, as no shell ever sees the string.
 */
public final class ScriptCommandLine {

    private ScriptCommandLine() {
    }

    /**
     * {@link #split}, with nothing to run for null and for a line whose quote is not closed (such a script
     * cannot be run).
     */
    public static List<String> splitOrEmpty(String line) {
        if (line == null) {
            return List.of();
        }
        try {
            return split(line);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                i = escape(line, i + 1, word);
                inWord = true;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unterminated quote in: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /** Appends the escape starting at {@code at} (just after the backslash); returns the index of its last char. */
    private static int escape(String s, int at, StringBuilder out) {
        char c = s.charAt(at);
        switch (c) {
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 'E' -> out.append('\u001b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'v' -> out.append('\u000b');
            case 'c' -> {
                if (at + 1 < s.length()) {
                    out.append((char) (s.charAt(at + 1) & 0x1f));
                    return at + 1;
                }
                out.append('c');
            }
            case 'x' -> {
                int end = at + 1;
                while (end < s.length() && Character.digit(s.charAt(end), 16) >= 0) {
                    end++;
                }
                if (end == at + 1) {
                    out.append('x');
                    return at;
                }
                out.append((char) (Integer.parseInt(s.substring(at + 1, end), 16) & 0xff));
                return end - 1;
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    int end = at;
                    while (end < s.length() && end < at + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                        end++;
                    }
                    out.append((char) (Integer.parseInt(s.substring(at, end), 8) & 0xff));
                    return end - 1;
                }
                out.append(c);
            }
        }
        return at;
    }
}
