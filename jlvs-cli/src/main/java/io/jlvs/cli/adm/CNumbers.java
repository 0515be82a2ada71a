package io.jlvs.cli.adm;

/** Number and IPv4 syntax as ipvsadm reads it through the C library: strtol, atoi and inet_aton. */
final class CNumbers {
    static final int NOT_A_NUMBER = -1;

    private CNumbers() {
    }

    /**
     * ipvsadm's string_to_number: a whole base-10 strtol (leading blanks and a sign allowed) within [min, max],
     * else -1.
     */
    static long stringToNumber(String s, long min, long max) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsFrom = i;
        long value = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            if (value > (Long.MAX_VALUE - 9) / 10) {
                overflow = true;
            } else {
                value = value * 10 + (s.charAt(i) - '0');
            }
            i++;
        }
        if (i == digitsFrom || i != n || overflow) {
            return NOT_A_NUMBER;
        }
        long v = negative ? -value : value;
        return v >= min && v <= max ? v : NOT_A_NUMBER;
    }

    /** C atoi: optional blanks and sign, then leading digits; 0 when there are none. */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (negative ? -v : v);
    }

    /**
     * inet_aton: one to four parts in C notation (decimal, 0octal, 0xhex), the last part filling the remaining
     * bytes; returns the address as an unsigned 32-bit value, or -1 when the text is not an address.
     */
    static long inetAton(String s) {
        long[] parts = new long[4];
        int count = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            if (i >= n || !isDigit(s.charAt(i))) {
                return -1;
            }
            int base = 10;
            if (s.charAt(i) == '0') {
                base = 8;
                i++;
                if (i < n && (s.charAt(i) == 'x' || s.charAt(i) == 'X')) {
                    base = 16;
                    i++;
                }
            }
            long v = 0;
            boolean any = base == 8;
            while (i < n) {
                int d = Character.digit(s.charAt(i), base);
                if (d < 0) {
                    break;
                }
                v = v * base + d;
                if (v > 0xffffffffL) {
                    return -1;
                }
                any = true;
                i++;
            }
            if (!any) {
                return -1;
            }
            if (count == 4) {
                return -1;
            }
            parts[count++] = v;
            if (i < n && s.charAt(i) == '.') {
                i++;
                continue;
            }
            break;
        }
        if (i < n && !isSpace(s.charAt(i))) {
            return -1;
        }
        long last = parts[count - 1];
        switch (count) {
            case 1:
                return last;
            case 2:
                if (parts[0] > 0xff || last > 0xffffff) {
                    return -1;
                }
                return (parts[0] << 24) | last;
            case 3:
                if (parts[0] > 0xff || parts[1] > 0xff || last > 0xffff) {
                    return -1;
                }
                return (parts[0] << 24) | (parts[1] << 16) | last;
            default:
                if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xff || last > 0xff) {
                    return -1;
                }
                return (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | last;
        }
    }

    static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
    }
}
