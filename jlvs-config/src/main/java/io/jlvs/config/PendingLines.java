package io.jlvs.config;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The lines still to read from multi-line definition expansions, newest expansion first. Each expansion
 * is kept as one string with a read position, so expanding a long definition costs one line per read,
 * not a copy of all its lines.
 */
final class PendingLines {
    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text, int pos) {
            this.text = text;
            this.pos = pos;
        }
    }

    private final Deque<Cursor> stack = new ArrayDeque<>();

    /** Queues the '\n'-separated lines of {@code text} from index {@code from} ahead of everything queued before. */
    void push(String text, int from) {
        if (from < text.length()) {
            stack.push(new Cursor(text, from));
        }
    }

    /** The next non-empty line, or null when none is left. */
    String poll() {
        while (!stack.isEmpty()) {
            Cursor c = stack.peek();
            int nl = c.text.indexOf('\n', c.pos);
            int end = nl < 0 ? c.text.length() : nl;
            String line = c.text.substring(c.pos, end);
            c.pos = end + 1;
            if (c.pos >= c.text.length()) {
                stack.pop();
            }
            if (!line.isEmpty()) {
                return line;
            }
        }
        return null;
    }

    boolean isEmpty() {
        while (!stack.isEmpty()) {
            Cursor c = stack.peek();
            if (hasNonEmpty(c)) {
                return false;
            }
            stack.pop();
        }
        return true;
    }

    private static boolean hasNonEmpty(Cursor c) {
        for (int i = c.pos; i < c.text.length(); i++) {
            if (c.text.charAt(i) != '\n') {
                return true;
            }
        }
        return false;
    }

    void clear() {
        stack.clear();
    }
}
