package io.jlvs.health;

import java.util.BitSet;

/** The HTTP status codes a url block accepts: keepalived's status_code list of codes and ranges (100..599). */
public final class StatusCodes {

    public static final int MIN = 100;
    public static final int MAX = 599;
    /** keepalived's default when no status_code is configured. */
    public static final StatusCodes DEFAULT = parse("200-299");

    private final BitSet codes;

    private StatusCodes(BitSet codes) {
        this.codes = codes;
    }

    /** Parses a space separated list such as {@code "200-299 400-499 503 505"}. */
    public static StatusCodes parse(String text) {
        BitSet codes = new BitSet(MAX + 1);
        for (String item : text.trim().split("\\s+")) {
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-');
            int from = number(dash < 0 ? item : item.substring(0, dash), item);
            int to = dash < 0 ? from : number(item.substring(dash + 1), item);
            if (from > to) {
                throw new IllegalArgumentException("Invalid HTTP_GET status code '" + item + "'");
            }
            codes.set(from, to + 1);
        }
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("status_code needs at least one code");
        }
        return new StatusCodes(codes);
    }

    private static int number(String s, String item) {
        try {
            int n = Integer.parseInt(s);
            if (n < MIN || n > MAX) {
                throw new IllegalArgumentException("Invalid HTTP_GET status code '" + item + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid HTTP_GET status code '" + item + "'", e);
        }
    }

    public boolean accepts(int code) {
        return code >= MIN && code <= MAX && codes.get(code);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StatusCodes other && other.codes.equals(codes);
    }

    @Override
    public int hashCode() {
        return codes.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int i = codes.nextSetBit(0);
        while (i >= 0) {
            int end = codes.nextClearBit(i) - 1;
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(i);
            if (end > i) {
                sb.append('-').append(end);
            }
            i = codes.nextSetBit(end + 1);
        }
        return sb.toString();
    }
}
