package io.jlvs.cli.adm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line the way popt 1.19 does for ipvsadm: clustered short switches ({@code -Ln}), a value glued
 * to a short switch ({@code -t10.0.0.1:80}, {@code -w=5}: popt drops one '=') or in the next word,
 * {@code --long=value}, optional values ({@code -p [t]}) taken only when the next word does not start with '-',
 * words that are no switch collected as arguments, and {@code --} ending the switches. Long names are matched
 * whole: popt knows no abbreviations, so {@code --add-serv} is an unknown option. A value is expanded as popt's
 * expandNextArg does: each {@code !#:+} in it becomes the next word that does not start with '-', and that word
 * is then skipped as a switch or argument (though an option may still take it as its value, as in popt).
 */
final class ArgScanner {
    /** popt's marker for "the next argument" in an option's value. */
    private static final String NEXT_ARG = "!#:+";

    /**
     * One switch as found, or a scanning error (then {@code sw} is null and {@code error} says why). {@code text}
     * is the word popt's poptBadOption names: the last word read, which is the value for a switch that took one
     * from the next word.
     */
    record Found(Switch sw, String value, String text, String error) {
    }

    private final String[] args;
    private final boolean[] taken;
    private final List<String> leftovers = new ArrayList<>();
    private int next;
    private String cluster;
    private int clusterPos;
    private boolean onlyArgs;

    ArgScanner(String[] args) {
        this.args = args;
        this.taken = new boolean[args.length];
    }

    /** Words that were not switches, in order; complete once {@link #next()} has returned null. */
    List<String> leftovers() {
        return leftovers;
    }

    /** The next switch, or null at the end. */
    Found next() {
        if (cluster != null) {
            return shortSwitch();
        }
        while (next < args.length) {
            if (taken[next]) {
                next++;
                continue;
            }
            String word = args[next++];
            if (onlyArgs || word.length() < 2 || word.charAt(0) != '-') {
                leftovers.add(word);
                continue;
            }
            if (word.equals("--")) {
                onlyArgs = true;
                continue;
            }
            if (word.startsWith("--")) {
                return longSwitch(word);
            }
            cluster = word;
            clusterPos = 1;
            return shortSwitch();
        }
        return null;
    }

    private Found longSwitch(String word) {
        int eq = word.indexOf('=');
        String name = eq < 0 ? word.substring(2) : word.substring(2, eq);
        String glued = eq < 0 ? null : word.substring(eq + 1);
        Switch match = null;
        for (Switch s : Switch.values()) {
            if (s.longName().equals(name)) {
                match = s;
                break;
            }
        }
        if (match == null) {
            return error("unknown option");
        }
        if (match.arity() == Switch.Arity.NONE) {
            return glued != null ? error("option does not take an argument") : found(match, null);
        }
        if (glued != null) {
            return found(match, expand(glued));
        }
        return fromNextWord(match);
    }

    private Found shortSwitch() {
        char c = cluster.charAt(clusterPos++);
        String rest = clusterPos < cluster.length() ? cluster.substring(clusterPos) : null;
        Switch match = null;
        for (Switch s : Switch.values()) {
            if (s.shortName() == c) {
                match = s;
                break;
            }
        }
        if (match == null) {
            cluster = null;
            return error("unknown option");
        }
        if (match.arity() == Switch.Arity.NONE) {
            if (rest == null) {
                cluster = null;
            } else if (rest.charAt(0) == '=') {
                cluster = null;
                return error("option does not take an argument");
            }
            return found(match, null);
        }
        cluster = null;
        if (rest != null) {
            return found(match, expand(rest.charAt(0) == '=' ? rest.substring(1) : rest));
        }
        return fromNextWord(match);
    }

    /** The value of a switch that needs one (or may take one) from the next word, as popt takes it. */
    private Found fromNextWord(Switch match) {
        if (next >= args.length) {
            return match.arity() == Switch.Arity.OPTIONAL ? found(match, null) : error("missing argument");
        }
        if (match.arity() == Switch.Arity.OPTIONAL && args[next].startsWith("-")) {
            return found(match, null);
        }
        String word = args[next++];
        return found(match, expand(word));
    }

    /**
     * popt's expandNextArg: every {@code !#:+} becomes the next word not starting with '-' that no earlier
     * expansion took (one word for the whole value), and that word is skipped from then on. With no such word
     * the marker stays as written (popt loops forever when words remain but none qualifies; jlvsadm does not).
     */
    private String expand(String value) {
        int at = value.indexOf(NEXT_ARG);
        if (at < 0) {
            return value;
        }
        String word = null;
        for (int i = next; i < args.length && word == null; i++) {
            if (!taken[i] && !args[i].startsWith("-")) {
                taken[i] = true;
                word = args[i];
            }
        }
        if (word == null) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + word.length());
        int from = 0;
        while (at >= 0) {
            sb.append(value, from, at).append(word);
            from = at + NEXT_ARG.length();
            at = value.indexOf(NEXT_ARG, from);
        }
        return sb.append(value, from, value.length()).toString();
    }

    private Found found(Switch sw, String value) {
        return new Found(sw, value, args[next - 1], null);
    }

    private Found error(String why) {
        return new Found(null, null, args[next - 1], why);
    }
}
