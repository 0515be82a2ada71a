package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import java.util.Arrays;

/**
 * The C library's inet_pton, which ipvsadm uses for IPv6 service and server addresses and for --mcast-group: strict
 * where inet_aton is lenient. IPv4 is exactly four dotted decimal parts of 0-255 with no leading zero ("010" and
 * "01" are refused); IPv6 is up to eight groups of one to four hex digits, one "::", and an IPv4 tail in the same
 * strict form. No brackets, no zone ("%eth0"), no blanks.
 */
final class InetPton {
    private static final int V6_BYTES = 16;

    private InetPton() {
    }

    /** inet_pton(AF_INET, ...): the address, or null. */
    static IpAddress v4(String s) {
        byte[] b = new byte[4];
        if (!v4(s, 0, b, 0)) {
            return null;
        }
        return IpAddress.of(b);
    }

    /** inet_pton(AF_INET6, ...): the address, or null. */
    static IpAddress v6(String s) {
        byte[] b = v6Bytes(s);
        return b == null ? null : IpAddress.of(b);
    }

    /** Four strict decimal parts from {@code from} to the end of {@code s}, written at {@code to}. */
    private static boolean v4(String s, int from, byte[] out, int to) {
        int parts = 0;
        int value = 0;
        boolean inPart = false;
        int at = to;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (inPart && value == 0) {
                    return false;
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
                if (!inPart) {
                    if (++parts > 4) {
                        return false;
                    }
                    inPart = true;
                }
            } else if (c == '.' && inPart) {
                if (parts == 4) {
                    return false;
                }
                out[at++] = (byte) value;
                value = 0;
                inPart = false;
            } else {
                return false;
            }
        }
        if (parts < 4 || !inPart) {
            return false;
        }
        out[at] = (byte) value;
        return true;
    }

    private static byte[] v6Bytes(String s) {
        int n = s.length();
        if (n == 0) {
            return null;
        }
        int i = 0;
        if (s.charAt(0) == ':') {
            if (n < 2 || s.charAt(1) != ':') {
                return null;
            }
            i = 1;
        }
        byte[] out = new byte[V6_BYTES];
        int filled = 0;
        int gap = -1;
        int groupStart = i;
        int digits = 0;
        int value = 0;
        while (i < n) {
            char c = s.charAt(i++);
            int d = Character.digit(c, 16);
            if (d >= 0 && c < 128) {
                if (digits == 4) {
                    return null;
                }
                value = (value << 4) | d;
                digits++;
                continue;
            }
            if (c == ':') {
                groupStart = i;
                if (digits == 0) {
                    if (gap >= 0) {
                        return null;
                    }
                    gap = filled;
                    continue;
                }
                if (i == n || filled + 2 > V6_BYTES) {
                    return null;
                }
                out[filled++] = (byte) (value >> 8);
                out[filled++] = (byte) value;
                digits = 0;
                value = 0;
                continue;
            }
            if (c == '.' && filled + 4 <= V6_BYTES && v4(s, groupStart, out, filled)) {
                filled += 4;
                digits = 0;
                break;
            }
            return null;
        }
        if (digits > 0) {
            if (filled + 2 > V6_BYTES) {
                return null;
            }
            out[filled++] = (byte) (value >> 8);
            out[filled++] = (byte) value;
        }
        if (gap >= 0) {
            if (filled == V6_BYTES) {
                return null;
            }
            int tail = filled - gap;
            System.arraycopy(out, gap, out, V6_BYTES - tail, tail);
            Arrays.fill(out, gap, V6_BYTES - tail, (byte) 0);
            filled = V6_BYTES;
        }
        return filled == V6_BYTES ? out : null;
    }
}
