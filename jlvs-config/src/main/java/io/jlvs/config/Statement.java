package io.jlvs.config;

import java.util.List;

/**
 * One logical line as keepalived's reader produces it: comments removed, definitions substituted,
 * and a '{' or '}' split onto a statement of its own.
 */
record Statement(String file, int line, List<String> tokens) {

    boolean is(String token) {
        return tokens.size() == 1 && tokens.getFirst().equals(token);
    }

    String first() {
        return tokens.getFirst();
    }

    String last() {
        return tokens.getLast();
    }

    int size() {
        return tokens.size();
    }

    String arg(int i) {
        return i < tokens.size() ? tokens.get(i) : null;
    }
}
