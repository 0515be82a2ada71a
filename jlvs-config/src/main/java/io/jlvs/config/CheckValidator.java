package io.jlvs.config;

import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.ServiceAddress;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.config.model.VirtualServerGroupDef;
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
            out.add(checkRealServers(vs, name));
        }
        return out;
    }

    /** Reports what keepalived reports about the real servers, and returns {@code vs} with its corrections. */
    private VirtualServerDef checkRealServers(VirtualServerDef vs, String name) {
        Set<String> seen = new HashSet<>();
        long weightSum = 0;
        boolean reportedNoMethod = false;
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
            if (!tunnelled && vs.address() instanceof ServiceAddress.Inet a && a.address().family() != rs.address().family()) {
                error("Address family of virtual server and real server " + id + " don't match - skipping real server.");
                continue;
            }
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
        return vs.withQuorum((int) quorum, (int) hysteresis);
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
