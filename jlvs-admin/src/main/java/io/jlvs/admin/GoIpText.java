package io.jlvs.admin;

import io.jlvs.core.IpAddress;

/**
 * An address as node_exporter labels it: Go's {@code net.IP.String()} of what procfs parsed from
 * /proc/net/ip_vs. It differs from {@code inet_ntop} (and so from ipvsadm's listing) in two places: an
 * IPv4-mapped address ({@code ::ffff:a.b.c.d}) is written as plain IPv4, and no other IPv6 address is written
 * with an IPv4 tail ({@code ::1.2.3.4} is {@code ::102:304}). Zero runs are compressed as RFC 5952 says
 * (the longest run of two or more groups, the first of equal ones), as both do.
 */
final class GoIpText {
    private GoIpText() {
    }

    static String of(IpAddress a) {
        if (a.isV4()) {
            return a.toString();
        }
        if (a.hi() == 0 && (a.lo() >>> 32) == 0xffffL) {
            return IpAddress.ofV4((int) a.lo()).toString();
        }
        int[] group = new int[8];
        for (int i = 0; i < 4; i++) {
            group[i] = (int) (a.hi() >>> (48 - 16 * i)) & 0xffff;
            group[4 + i] = (int) (a.lo() >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(group[i]));
        }
        return b.toString();
    }
}
