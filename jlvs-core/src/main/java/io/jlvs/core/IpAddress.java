package io.jlvs.core;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address held as two longs, so the data plane can compare and hash it without
 * allocation. IPv4 lives in the low 32 bits of {@code lo} with {@code hi == 0}.
 * Ordering is ipvsadm's: family first, then the address as an unsigned number.
 */
public record IpAddress(AddressFamily family, long hi, long lo) implements Comparable<IpAddress> {

    public IpAddress {
        if (family == null) {
            throw new IllegalArgumentException("family is required");
        }
        if (family == AddressFamily.INET && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address wider than 32 bits");
        }
    }

    public static IpAddress ofV4(int address) {
        return new IpAddress(AddressFamily.INET, 0, address & 0xffffffffL);
    }

    public static IpAddress ofV6(long hi, long lo) {
        return new IpAddress(AddressFamily.INET6, hi, lo);
    }

    public static IpAddress of(byte[] raw) {
        if (raw.length == 4) {
            return ofV4(((raw[0] & 0xff) << 24) | ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff));
        }
        if (raw.length == 16) {
            long h = 0;
            long l = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (raw[i] & 0xff);
                l = (l << 8) | (raw[i + 8] & 0xff);
            }
            return ofV6(h, l);
        }
        throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + raw.length);
    }

    public static IpAddress of(InetAddress address) {
        return of(address.getAddress());
    }

    /**
     * Parses a numeric address literal (dotted IPv4 or IPv6, optionally in brackets). Never does DNS.
     *
     * @throws IllegalArgumentException when the text is not a numeric address
     */
    public static IpAddress parse(String text) {
        String s = text;
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0) {
            return ofV4(parseV4(s, text));
        }
        return parseV6(s, text);
    }

    /** True when {@code text} is a numeric IPv4 or IPv6 literal. */
    public static boolean isLiteral(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int parseV4(String s, String original) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IP address: " + original);
        }
        int v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
            int octet = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not an IP address: " + original);
                }
                octet = octet * 10 + (c - '0');
            }
            if (octet > 255) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    private static IpAddress parseV6(String s, String original) {
        int[] words = new int[8];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            throw new IllegalArgumentException("not an IP address: " + original);
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head, original, true);
        int[] t = groups(tail, original, true);
        if (dbl < 0) {
            if (h.length != 8) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
            System.arraycopy(h, 0, words, 0, 8);
        } else {
            if (h.length + t.length > 7) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
            System.arraycopy(h, 0, words, 0, h.length);
            System.arraycopy(t, 0, words, 8 - t.length, t.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 4; i++) {
            hi = (hi << 16) | words[i];
            lo = (lo << 16) | words[i + 4];
        }
        return ofV6(hi, lo);
    }

    /** Hex groups separated by ':'; a trailing dotted quad counts as two groups. */
    private static int[] groups(String s, String original, boolean allowV4Tail) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = allowV4Tail && parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (i == n - 1 && v4Tail) {
                int v4 = parseV4(p, original);
                out[i] = (v4 >>> 16) & 0xffff;
                out[i + 1] = v4 & 0xffff;
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
            try {
                out[i] = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address: " + original);
            }
        }
        return out;
    }

    public boolean isV4() {
        return family == AddressFamily.INET;
    }

    /** The IPv4 address as an int (network order value); only for IPv4. */
    public int v4() {
        return (int) lo;
    }

    public byte[] toBytes() {
        if (isV4()) {
            int v = (int) lo;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Applies a prefix of {@code bits} leading ones (persistence granularity). */
    public IpAddress mask(int bits) {
        if (isV4()) {
            long m = bits <= 0 ? 0 : (0xffffffffL << (32 - Math.min(bits, 32))) & 0xffffffffL;
            return new IpAddress(family, 0, lo & m);
        }
        long mh = bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
        long ml = bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
        return new IpAddress(family, hi & mh, lo & ml);
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = family.compareTo(o.family);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    /** inet_ntop's text: dotted quad, or RFC 5952 compressed IPv6 (IPv4-mapped as ::ffff:a.b.c.d). */
    @Override
    public String toString() {
        if (isV4()) {
            int v = (int) lo;
            return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff);
        }
        int[] w = new int[8];
        for (int i = 0; i < 4; i++) {
            w[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            w[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        boolean mappedV4 = bestStart == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff));
        StringBuilder sb = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            if (mappedV4 && i == 6) {
                sb.append(w[6] >>> 8).append('.').append(w[6] & 0xff).append('.')
                        .append(w[7] >>> 8).append('.').append(w[7] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(w[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** As ipvsadm prints an address with a port: {@code 10.0.0.1:80} or {@code [2001:db8::1]:80}. */
    public String withPort(int port) {
        return isV4() ? this + ":" + port : "[" + this + "]:" + port;
    }
}
