package io.jlvs.config;

import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.ServiceAddress;
import io.jlvs.config.model.SorryServerDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.config.model.VirtualServerGroupDef;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks keepalived makes once a virtual_server block is read (validate_check_config()). */
final class CheckValidator {
    private final ProblemLog log;
    private final Where where;

    CheckValidator(ProblemLog log) {
        this(log, new Where());
    }

    /** @param where the blocks the virtual servers were built from: each problem is reported at its line */
    CheckValidator(ProblemLog log, Where where) {
        this.log = log;
        this.where = where;
    }

    /** Returns the virtual servers that survive, reporting what keepalived reports about each. */
    List<VirtualServerDef> validate(List<VirtualServerDef> servers, Map<String, VirtualServerGroupDef> groups) {
        log.global();
        List<VirtualServerDef> out = new ArrayList<>();
        for (VirtualServerDef vs : servers) {
            where.at(log, vs);
            String name = label(vs.address(), vs.protocol());
            if (vs.address() instanceof ServiceAddress.Group g && !groups.containsKey(g.name())) {
                // keepalived -t accepts a reference to an undefined group without a word; so does jlvs
                out.add(vs);
                continue;
            }
            if (vs.realServers().isEmpty()) {
                error("Virtual server " + name + " has no real servers - ignoring");
                continue;
            }
            boolean byAddress = vs.address() instanceof ServiceAddress.Inet
                    || vs.address() instanceof ServiceAddress.Group g && groups.get(g.name()).entries().stream().anyMatch(e -> !e.isFwmark());
            boolean byMark = vs.address() instanceof ServiceAddress.Fwmark
                    || vs.address() instanceof ServiceAddress.Group g && groups.get(g.name()).entries().stream().allMatch(e -> e.isFwmark());
            if (vs.haSuspend() && (vs.address() instanceof ServiceAddress.Fwmark
                    || vs.address() instanceof ServiceAddress.Group g && groups.get(g.name()).entries().stream().anyMatch(e -> e.isFwmark()))) {
                error("Virtual server " + name + ": cannot use ha_suspend with fwmarks - clearing ha_suspend");
            }
            if (byAddress) {
                if (vs.protocol() == null) {
                    error("Virtual server " + name + ": no protocol set - defaulting to UDP");
                    name = label(vs.address(), Protocol.UDP);
                }
                if (vs.onePacket() && vs.protocol() != Protocol.UDP) {
                    error("Virtual server " + name + ": one packet scheduling requires UDP - resetting");
                }
                if (vs.persistenceTimeout() == 0 && vs.address() instanceof ServiceAddress.Inet a && a.port() == 0) {
                    error("Virtual server " + name + ": zero port only valid for persistent services - setting");
                }
            }
            if (vs.persistenceTimeout() == 0 && vs.address() instanceof ServiceAddress.Group g
                    && groups.get(g.name()).entries().stream().anyMatch(e -> !e.isFwmark() && e.port() == 0)) {
                error("Virtual server " + name + ": zero port only valid for persistent services - setting");
            }
            if (vs.protocol() != null && byMark) {
                error("Warning: Virtual server " + name + ": protocol specified for fwmark - protocol will be ignored");
            }
            if (vs.scheduler() == null) {
                error("Virtual server " + name + ": no scheduler set, setting default 'wlc'");
            }
            VirtualServerDef checked = checkRealServers(vs, name);
            if (vs.address() instanceof ServiceAddress.Group g && !matchesGroup(checked, groups.get(g.name()), name)) {
                continue;
            }
            out.add(checked);
        }
        return out;
    }

    /**
     * keepalived's link_vsg_to_vs: a group of both families serves a virtual server whose family is not set
     * (every real server tunnelled), a group of one family one of that family or none; any other is ignored
     * (logged, not a configuration error).
     */
    private boolean matchesGroup(VirtualServerDef vs, VirtualServerGroupDef group, String name) {
        AddressFamily af = vs.ipFamily();
        if (af == null) {
            for (RealServerDef rs : vs.realServers()) {
                if (!vs.tunnelled(rs.forwarding())) {
                    af = rs.address().family();
                    break;
                }
            }
        }
        if (af == null && vs.sorryServer() != null && !vs.tunnelled(vs.sorryServer().forwarding())) {
            af = vs.sorryServer().address().family();
        }
        boolean v4 = group.has(AddressFamily.INET);
        boolean v6 = group.has(AddressFamily.INET6);
        if (v4 && v6 && af != null) {
            log.report(ProblemKind.NOTICE, group.name() + ": virtual server group with IPv4 & IPv6 doesn't match"
                    + " virtual server " + name + " - ignoring");
            return false;
        }
        if (v4 && af == AddressFamily.INET6 || v6 && af == AddressFamily.INET) {
            log.report(ProblemKind.NOTICE, group.name() + ": address family doesn't match virtual server " + name
                    + " - ignoring");
            return false;
        }
        if (!v4 && !v6 && af == null && group.entries().stream().anyMatch(e -> e.family() == null)) {
            log.report(ProblemKind.NOTICE, group.name() + ": Virtual server " + name
                    + " address family cannot be determined, defaulting to IPv4");
        }
        return true;
    }

    /** Reports what keepalived reports about the real servers, and returns {@code vs} with its corrections. */
    private VirtualServerDef checkRealServers(VirtualServerDef vs, String name) {
        Set<String> seen = new HashSet<>();
        long weightSum = 0;
        boolean reportedNoMethod = false;
        // keepalived's vs->af while it reads the block: ip_family or the address's, else the first real server
        // that is not tunnelled sets it (rs_end_handler); one of the other family is skipped
        AddressFamily family = vs.ipFamily() != null ? vs.ipFamily()
                : vs.address() instanceof ServiceAddress.Inet a ? a.address().family() : null;
        List<RealServerDef> kept = new ArrayList<>();
        for (RealServerDef rs : vs.realServers()) {
            where.atRealServer(log, vs, rs);
            String id = "[" + rs.address() + "]:" + protocolName(vs.address() instanceof ServiceAddress.Fwmark ? null
                    : vs.protocol() != null ? vs.protocol() : Protocol.UDP) + ":" + rs.port();
            if (!seen.add(id)) {
                error("VS " + name + ": real server " + id + " is duplicated - removing second rs");
                continue;
            }
            Forwarding f = rs.forwarding() != null ? rs.forwarding() : vs.forwarding();
            if (f == null && !reportedNoMethod) {
                error("Virtual server " + name + ": no forwarding method set, setting default NAT");
                reportedNoMethod = true;
            }
            boolean tunnelled = f != null && f.method() == ForwardingMethod.TUNNEL;
            if (!tunnelled && family == null) {
                family = rs.address().family();
            } else if (!tunnelled && family != rs.address().family()) {
                // keepalived names the address alone (inet_sockaddrtos)
                error("Address family of virtual server and real server " + rs.address()
                        + " don't match - skipping real server.");
                continue;
            }
            kept.add(rs);
            weightSum += rs.weight();
            boolean masq = f == null || f.method() == ForwardingMethod.MASQ || f.method() == ForwardingMethod.FULLNAT;
            if (!masq && rs.port() != 0) {
                if (vs.address() instanceof ServiceAddress.Fwmark) {
                    error("WARNING - fwmark virtual server " + name + ", real server " + id + " has port specified - clearing");
                } else if (vs.address() instanceof ServiceAddress.Inet a && a.port() != rs.port()) {
                    error("WARNING - virtual server " + name + " and real server " + id + " ports don't match - resetting");
                }
            }
        }
        where.at(log, vs);
        SorryServerDef sorry = vs.sorryServer();
        if (sorry != null && !vs.tunnelled(sorry.forwarding()) && family != null
                && family != sorry.address().family()) {
            error("Address family of virtual server and sorry server " + sorry.address()
                    + " don't match - skipping sorry server.");
            sorry = null;
        }
        if (vs.sorryServer() != null && vs.forwarding() == null && vs.sorryServer().forwarding() == null && !reportedNoMethod) {
            error("Virtual server " + name + ": no forwarding method set, setting default NAT");
        }
        long quorum = vs.quorum() & 0xffffffffL;
        if (quorum > weightSum) {
            error("Warning - quorum " + quorum + " for " + name + " exceeds total weight of real servers " + weightSum
                    + ", reducing quorum to " + weightSum);
            quorum = weightSum;
        }
        long hysteresis = vs.hysteresis() & 0xffffffffL;
        if (hysteresis >= quorum) {
            hysteresis = quorum == 0 ? 0 : quorum - 1;
            error("Virtual server " + name + ": hysteresis " + Integer.toUnsignedString(vs.hysteresis())
                    + " >= quorum " + quorum
                    + "; setting hysteresis to " + hysteresis);
        }
        // applied, as keepalived applies them (before, only reported: a quorum above the real servers' total
        // weight could never be reached, and the sorry server stood in for good)
        return vs.withServers(kept, sorry).withQuorum((int) quorum, (int) hysteresis);
    }

    /**
     * A virtual server as keepalived names it in these messages: {@code [ADDRESS]:PROTOCOL:PORT} ("none"
     * before a protocol is set), {@code FWM N}, or {@code [GROUP]:0} (keepalived 2.2.7, `keepalived -t`).
     */
    private static String label(ServiceAddress address, Protocol protocol) {
        return switch (address) {
            case ServiceAddress.Inet a -> "[" + a.address() + "]:" + protocolName(protocol) + ":" + a.port();
            case ServiceAddress.Fwmark f -> f.toString();
            case ServiceAddress.Group g -> "[" + g.name() + "]:0";
        };
    }

    private static String protocolName(Protocol protocol) {
        return protocol == null ? "none" : protocol.lowerName();
    }

    private void error(String message) {
        log.report(ProblemKind.GENERAL_ERROR, message);
    }
}
