package io.jlvs.cli.adm;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line the way popt does for ipvsadm: clustered short switches ({@code -Ln}), a value glued to a
 * short switch ({@code -t10.0.0.1:80}) or in the next word, {@code --long=value}, optional values ({@code -p [t]})
 * taken only when the next word does not start with '-', words that are no switch collected as arguments, and
 * {@code --} ending the switches. Long names may be abbreviated while unambiguous (as getopt_long allows).
 */
final class ArgScanner {

    /** One switch as found, or a scanning error (then {@code sw} is null and {@code error} says why). */
    record Found(Switch sw, String value, String text, String error) {
    }

    private final String[] args;
    private final List<String> leftovers = new ArrayList<>();
    private int next;
    private String cluster;
    private int clusterPos;
    private String clusterText;
    private boolean onlyArgs;

    ArgScanner(String[] args) {
        this.args = args;
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
            clusterText = word;
            return shortSwitch();
        }
        return null;
    }

    private Found longSwitch(String word) {
        int eq = word.indexOf('=');
        String name = eq < 0 ? word.substring(2) : word.substring(2, eq);
        String glued = eq < 0 ? null : word.substring(eq + 1);
        Switch match = null;
        StringBuilder candidates = null;
        for (Switch s : Switch.values()) {
            if (s.longName().equals(name)) {
                match = s;
                candidates = null;
                break;
            }
            if (!name.isEmpty() && s.longName().startsWith(name) && (match == null || !match.longName().equals(s.longName()))) {
                if (match == null) {
                    match = s;
                } else {
                    if (candidates == null) {
                        candidates = new StringBuilder("--").append(match.longName());
                    }
                    candidates.append(", --").append(s.longName());
                }
            }
        }
        if (candidates != null) {
            return new Found(null, null, word, "ambiguous option (" + candidates + ")");
        }
        if (match == null) {
            return new Found(null, null, word, "unknown option");
        }
        switch (match.arity()) {
            case NONE:
                if (glued != null) {
                    return new Found(null, null, word, "option does not take an argument");
                }
                return new Found(match, null, word, null);
            case REQUIRED:
                if (glued != null) {
                    return new Found(match, glued, word, null);
                }
                if (next >= args.length) {
                    return new Found(null, null, word, "missing argument");
                }
                return new Found(match, args[next++], word, null);
            default:
                if (glued != null) {
                    return new Found(match, glued, word, null);
                }
                return new Found(match, optionalValue(), word, null);
        }
    }

    private Found shortSwitch() {
        char c = cluster.charAt(clusterPos++);
        String text = clusterText;
        boolean last = clusterPos >= cluster.length();
        Switch match = null;
        for (Switch s : Switch.values()) {
            if (s.shortName() == c) {
                match = s;
                break;
            }
        }
        if (match == null) {
            cluster = null;
            return new Found(null, null, text, "unknown option");
        }
        if (match.arity() == Switch.Arity.NONE) {
            if (last) {
                cluster = null;
            }
            return new Found(match, null, text, null);
        }
        String rest = last ? null : cluster.substring(clusterPos);
        cluster = null;
        if (rest != null) {
            return new Found(match, rest, text, null);
        }
        if (match.arity() == Switch.Arity.OPTIONAL) {
            return new Found(match, optionalValue(), text, null);
        }
        if (next >= args.length) {
            return new Found(null, null, text, "missing argument");
        }
        return new Found(match, args[next++], text, null);
    }

    private String optionalValue() {
        if (next < args.length && !args[next].startsWith("-")) {
            return args[next++];
        }
        return null;
    }
}
