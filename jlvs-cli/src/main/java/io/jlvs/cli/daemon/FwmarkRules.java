package io.jlvs.cli.daemon;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.packet.FwmarkRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code jlvs run --fwmark-rule MARK:PROTO:ADDRESSES[:PORTS]}: what the {@code iptables -t mangle -A
 * PREROUTING -d ADDRESSES -p PROTO --dport PORTS -j MARK --set-mark MARK} rule beside an {@code ipvsadm -f}
 * service says, for the packet data plane, which sees no netfilter mark. MARK is decimal or 0x hex (not 0);
 * PROTO tcp, udp, sctp or all; ADDRESSES one IPv4 address, A-B or A/N; PORTS (default every port) a port,
 * P-Q, or a comma list of those, as iptables' multiport. One spec gives one {@link FwmarkRule} per port range.
 */
final class FwmarkRules {
    private FwmarkRules() {
    }

    /** The rules {@code spec} stands for; IllegalArgumentException naming what is wrong. */
    static List<FwmarkRule> parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length < 3 || parts.length > 4) {
            throw bad(spec, "expected MARK:PROTO:ADDRESSES[:PORTS], e.g. 1:tcp:192.0.2.10:80,443");
        }
        int mark = mark(spec, parts[0]);
        Protocol protocol = protocol(spec, parts[1]);
        IpAddress[] range = addresses(spec, parts[2]);
        List<FwmarkRule> rules = new ArrayList<>();
        String ports = parts.length == 4 ? parts[3] : "0-65535";
        if (ports.isEmpty()) {
            throw bad(spec, "no ports after the last ':' (leave it out for every port)");
        }
        for (String p : ports.split(",", -1)) {
            int[] r = portRange(spec, p);
            rules.add(new FwmarkRule(protocol, range[0], range[1], r[0], r[1], mark));
        }
        return rules;
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("bad --fwmark-rule '" + spec + "': " + why);
    }

    private static int mark(String spec, String s) {
        long m;
        try {
            m = s.toLowerCase(Locale.ROOT).startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw bad(spec, "mark '" + s + "' is not a number");
        }
        if (m <= 0 || m > 0xffff_ffffL) {
            throw bad(spec, "mark " + s + " is not 1 to 4294967295");
        }
        return (int) m;
    }

    private static Protocol protocol(String spec, String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            case "sctp" -> Protocol.SCTP;
            case "all", "any" -> null;
            default -> throw bad(spec, "protocol '" + s + "' is not tcp, udp, sctp or all");
        };
    }

    /** [first, last] of A, A-B or A/N. */
    private static IpAddress[] addresses(String spec, String s) {
        try {
            int slash = s.indexOf('/');
            int dash = s.indexOf('-');
            if (slash >= 0) {
                IpAddress a = v4(spec, s.substring(0, slash));
                int bits = Integer.parseInt(s.substring(slash + 1));
                if (bits < 0 || bits > 32) {
                    throw bad(spec, "prefix length /" + bits + " is not 0 to 32");
                }
                int mask = bits == 0 ? 0 : -1 << (32 - bits);
                return new IpAddress[] {IpAddress.ofV4(a.v4() & mask), IpAddress.ofV4(a.v4() | ~mask)};
            }
            if (dash >= 0) {
                IpAddress a = v4(spec, s.substring(0, dash));
                IpAddress b = v4(spec, s.substring(dash + 1));
                if (Integer.compareUnsigned(a.v4(), b.v4()) > 0) {
                    throw bad(spec, "address range " + s + " is empty");
                }
                return new IpAddress[] {a, b};
            }
            IpAddress a = v4(spec, s);
            return new IpAddress[] {a, a};
        } catch (NumberFormatException e) {
            throw bad(spec, "prefix length in '" + s + "' is not a number");
        }
    }

    private static IpAddress v4(String spec, String s) {
        IpAddress a;
        try {
            a = IpAddress.parse(s);
        } catch (IllegalArgumentException e) {
            throw bad(spec, "'" + s + "' is not an IPv4 address");
        }
        if (!a.isV4()) {
            throw bad(spec, "'" + s + "' is not an IPv4 address (the packet data plane is IPv4 only)");
        }
        return a;
    }

    private static int[] portRange(String spec, String s) {
        int dash = s.indexOf('-');
        int from = port(spec, dash < 0 ? s : s.substring(0, dash));
        int to = dash < 0 ? from : port(spec, s.substring(dash + 1));
        if (from > to) {
            throw bad(spec, "port range " + s + " is empty");
        }
        return new int[] {from, to};
    }

    private static int port(String spec, String s) {
        int p;
        try {
            p = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(spec, "port '" + s + "' is not a number");
        }
        if (p < 0 || p > 65535) {
            throw bad(spec, "port " + s + " is not 0 to 65535");
        }
        return p;
    }
}
