package io.jlvs.config;

import io.jlvs.config.model.VirtualServerGroupDef;
import io.jlvs.config.model.VirtualServerGroupEntry;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.List;

/** virtual_server_group NAME { 10.0.0.1 80; 10.0.0.1-10 80; 10.0.1.0/29 80; fwmark 7 [inet|inet6] }. */
final class GroupBuilder extends BlockBuilder {

    GroupBuilder(ProblemLog log) {
        super(log);
    }

    VirtualServerGroupDef build(Node n) {
        at(n);
        String name = n.arg(0);
        List<VirtualServerGroupEntry> entries = new ArrayList<>();
        for (Statement line : n.valueLines()) {
            at(n, line);
            VirtualServerGroupEntry e = entry(name, line.tokens());
            if (e != null) {
                entries.add(e);
            }
        }
        at(n);
        if (entries.isEmpty()) {
            error("virtual server group " + name + " has no entries - removing");
            return null;
        }
        // keepalived's have_ipv4, have_ipv6 and fwmark_no_family: an IPv6 group may hold a bare fwmark (it
        // takes the virtual server's family), and one of both families is refused only with a bare fwmark
        VirtualServerGroupDef group = new VirtualServerGroupDef(name, entries);
        if (group.has(AddressFamily.INET) && group.has(AddressFamily.INET6)
                && entries.stream().anyMatch(e -> e.family() == null)) {
            error("virtual server group " + name + " cannot have IPv4, IPv6 and fwmark without family - removing");
            return null;
        }
        return group;
    }

    private VirtualServerGroupEntry entry(String group, List<String> w) {
        String first = w.getFirst();
        if (first.equals("fwmark")) {
            Long v = w.size() > 1 ? values.unsigned(w.get(1), 0, 0xffffffffL) : null;
            if (v == null) {
                error("(" + group + "): fwmark '" + (w.size() > 1 ? w.get(1) : "") + "' must be in [0, 4294967295] - ignoring");
                return null;
            }
            AddressFamily family = null;
            if (w.size() > 2) {
                if (w.get(2).equals("inet6")) {
                    family = AddressFamily.INET6;
                } else if (w.get(2).equals("inet")) {
                    family = AddressFamily.INET;
                } else {
                    error("(" + group + "): fwmark '" + v + "' family " + w.get(2) + " unknown - ignoring");
                    return null;
                }
            }
            return new VirtualServerGroupEntry(null, null, 0, (int) (long) v, family);
        }
        String portWord = w.size() > 1 ? w.get(1) : null;
        int port = portWord == null ? 0 : Values.port(portWord);
        IpAddress start;
        IpAddress end;
        int dash = first.indexOf('-');
        int slash = first.indexOf('/');
        String bad = "Invalid virtual server group IP address " + first + (portWord != null ? "/port/" + portWord : "")
                + " - skipping";
        if (dash > 0) {
            start = Values.ip(first.substring(0, dash));
            end = start == null ? null : rangeEnd(start, first.substring(dash + 1));
            if (start != null && end == null) {
                error("Invalid range end " + first + " - skipping");
                return null;
            }
        } else if (slash > 0) {
            start = Values.ip(first.substring(0, slash));
            end = start == null ? null : prefixEnd(start, first.substring(slash + 1), first);
            if (start != null && end == null) {
                return null;
            }
        } else {
            start = Values.ip(first);
            end = start;
        }
        if (start == null || port < 0) {
            error(bad);
            return null;
        }
        if (end.compareTo(start) < 0) {
            error("Address range end is less than address range start - " + first + " - skipping");
            return null;
        }
        return new VirtualServerGroupEntry(start, end, port, 0, start.family());
    }

    private static IpAddress rangeEnd(IpAddress start, String text) {
        if (text.indexOf('.') >= 0 || text.indexOf(':') >= 0) {
            IpAddress e = Values.ip(text);
            return e != null && e.family() == start.family() ? e : null;
        }
        try {
            if (start.isV4()) {
                int last = Integer.parseInt(text);
                if (last < 0 || last > 255) {
                    return null;
                }
                return IpAddress.ofV4((start.v4() & 0xffffff00) | last);
            }
            int last = Integer.parseInt(text, 16);
            if (last < 0 || last > 0xffff) {
                return null;
            }
            return IpAddress.ofV6(start.hi(), (start.lo() & ~0xffffL) | last);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private IpAddress prefixEnd(IpAddress start, String bits, String text) {
        Long p = values.unsigned(bits, start.isV4() ? 24 : 112, start.family().bits());
        if (p == null) {
            error("Invalid netmask - " + text + " - skipping");
            return null;
        }
        if (!start.mask((int) (long) p).equals(start)) {
            error("Address mask bits not empty - " + text + " - skipping");
            return null;
        }
        int host = start.family().bits() - (int) (long) p;
        if (start.isV4()) {
            return IpAddress.ofV4(start.v4() | (int) ((1L << host) - 1));
        }
        return IpAddress.ofV6(start.hi(), start.lo() | ((1L << host) - 1));
    }
}
