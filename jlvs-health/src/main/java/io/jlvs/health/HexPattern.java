package io.jlvs.health;

import java.util.Arrays;

/**
 * A keepalived HEX_STR: hex digits in free format, whitespace separates bytes, a lone digit is a byte
 * ({@code "Ab12f 3 456"} = AB 12 0F 03 45 06); in require_reply an X nibble matches anything.
 */
public final class HexPattern {

    private final byte[] values;
    private final byte[] masks;

    private HexPattern(byte[] values, byte[] masks) {
        this.values = values;
        this.masks = masks;
    }

    public static HexPattern parse(String text) {
        java.io.ByteArrayOutputStream v = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
        for (String word : text.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int i = 0;
            for (; i + 1 < word.length(); i += 2) {
                addByte(v, m, word.charAt(i), word.charAt(i + 1));
            }
            if (i < word.length()) {
                addByte(v, m, '0', word.charAt(i));
            }
        }
        return new HexPattern(v.toByteArray(), m.toByteArray());
    }

    private static void addByte(java.io.ByteArrayOutputStream v, java.io.ByteArrayOutputStream m, char hi, char lo) {
        v.write(nibble(hi) << 4 | nibble(lo));
        m.write((wild(hi) ? 0 : 0xf0) | (wild(lo) ? 0 : 0x0f));
    }

    private static boolean wild(char c) {
        return c == 'x' || c == 'X';
    }

    private static int nibble(char c) {
        if (wild(c)) {
            return 0;
        }
        int d = Character.digit(c, 16);
        if (d < 0) {
            throw new IllegalArgumentException("not a hex digit: '" + c + "'");
        }
        return d;
    }

    /** The bytes (wildcards as 0), e.g. for a payload. */
    public byte[] bytes() {
        return values.clone();
    }

    public int length() {
        return values.length;
    }

    /** Matches up to the shorter of the pattern and the data, as keepalived does. */
    public boolean matches(byte[] data, int length) {
        int n = Math.min(length, values.length);
        for (int i = 0; i < n; i++) {
            if (((data[i] ^ values[i]) & masks[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HexPattern p && Arrays.equals(p.values, values) && Arrays.equals(p.masks, masks);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + Arrays.hashCode(masks);
    }
}
