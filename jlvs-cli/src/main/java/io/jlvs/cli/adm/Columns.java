package io.jlvs.cli.adm;

/** printf-style padding as ipvsadm's formats use it (%-Ns, %Ns, %Nllu) and its print_largenum. */
final class Columns {
    private Columns() {
    }

    /** %-Ns: left-justified, padded with spaces to width, never cut. */
    static StringBuilder left(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }

    /** %Ns: right-justified, padded with spaces to width, never cut. */
    static StringBuilder right(StringBuilder sb, String s, int width) {
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb.append(s);
    }

    static StringBuilder left(StringBuilder sb, long v, int width) {
        return left(sb, Long.toString(v), width);
    }

    /** %-Nu of an unsigned 32-bit value. */
    static StringBuilder leftUnsigned(StringBuilder sb, int v, int width) {
        return left(sb, Integer.toUnsignedString(v), width);
    }

    /** %Nllu of an unsigned 64-bit value. */
    static StringBuilder rightUnsigned(StringBuilder sb, long v, int width) {
        return right(sb, Long.toUnsignedString(v), width);
    }

    /**
     * print_largenum: 9 columns, scaled to K/M/G/T (by thousands) from 10^8, 10^9, 10^11 and 10^14 on; with
     * --exact the whole number in max(9, digits + 1) columns.
     */
    static StringBuilder largenum(StringBuilder sb, long v, boolean exact) {
        if (exact) {
            String digits = Long.toUnsignedString(v);
            return right(sb, digits, digits.length() <= 8 ? 9 : digits.length() + 1);
        }
        if (Long.compareUnsigned(v, 100_000_000L) < 0) {
            return rightUnsigned(sb, v, 9);
        }
        if (Long.compareUnsigned(v, 1_000_000_000L) < 0) {
            return rightUnsigned(sb, Long.divideUnsigned(v, 1_000L), 8).append('K');
        }
        if (Long.compareUnsigned(v, 100_000_000_000L) < 0) {
            return rightUnsigned(sb, Long.divideUnsigned(v, 1_000_000L), 8).append('M');
        }
        if (Long.compareUnsigned(v, 100_000_000_000_000L) < 0) {
            return rightUnsigned(sb, Long.divideUnsigned(v, 1_000_000_000L), 8).append('G');
        }
        return rightUnsigned(sb, Long.divideUnsigned(v, 1_000_000_000_000L), 8).append('T');
    }
}
