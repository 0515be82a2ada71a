package io.jlvs.config.model;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * virtual_server { ... }: the IPVS service fields plus keepalived's own (checking, quorum, sorry server).
 *
 * @param protocol               null when not set (fwmark services; an address service without one is UDP,
 *                               as keepalived defaults it)
 * @param ipFamily               ip_family, or null (then taken from the addresses)
 * @param scheduler              lb_algo / lvs_sched as ipvsadm spells it
 * @param forwarding             lb_kind / lvs_method, or null when only real servers set one
 * @param persistenceGranularity netmask in VirtualService's encoding, or null when not set
 * @param quorum                 1 when not set; unsigned 32-bit, as keepalived's (Integer.toUnsignedLong)
 * @param hysteresis             0 when not set; unsigned 32-bit likewise
 */
public record VirtualServerDef(
        ServiceAddress address,
        Protocol protocol,
        AddressFamily ipFamily,
        String scheduler,
        Set<SchedFlag> schedFlags,
        boolean hashed,
        boolean onePacket,
        Forwarding forwarding,
        int persistenceTimeout,
        Integer persistenceGranularity,
        String persistenceEngine,
        Duration delayLoop,
        Duration connectTimeout,
        Integer retry,
        Duration delayBeforeRetry,
        Duration warmup,
        int quorum,
        int hysteresis,
        String quorumUp,
        String quorumDown,
        boolean alpha,
        boolean omega,
        boolean inhibitOnFailure,
        boolean haSuspend,
        String virtualhost,
        SorryServerDef sorryServer,
        List<RealServerDef> realServers) {

    public VirtualServerDef {
        schedFlags = Set.copyOf(schedFlags);
        realServers = List.copyOf(realServers);
    }

    /** This block with the real servers and sorry server keepalived keeps (those of another family skipped). */
    public VirtualServerDef withServers(List<RealServerDef> kept, SorryServerDef sorry) {
        return new VirtualServerDef(address, protocol, ipFamily, scheduler, schedFlags, hashed, onePacket, forwarding,
                persistenceTimeout, persistenceGranularity, persistenceEngine, delayLoop, connectTimeout, retry,
                delayBeforeRetry, warmup, quorum, hysteresis, quorumUp, quorumDown, alpha, omega,
                inhibitOnFailure, haSuspend, virtualhost, sorry, kept);
    }

    /** This block with keepalived's corrections of its quorum and hysteresis. */
    public VirtualServerDef withQuorum(int newQuorum, int newHysteresis) {
        if (newQuorum == quorum && newHysteresis == hysteresis) {
            return this;
        }
        return new VirtualServerDef(address, protocol, ipFamily, scheduler, schedFlags, hashed, onePacket, forwarding,
                persistenceTimeout, persistenceGranularity, persistenceEngine, delayLoop, connectTimeout, retry,
                delayBeforeRetry, warmup, newQuorum, newHysteresis, quorumUp, quorumDown, alpha, omega,
                inhibitOnFailure, haSuspend, virtualhost, sorryServer, realServers);
    }

    /** The IPVS services this block stands for: one, or one per address/mark of its group. */
    public List<VirtualService> toVirtualServices(List<VirtualServerGroupDef> groups) {
        List<VirtualServiceKey> keys = new ArrayList<>();
        // keepalived: "no protocol set - defaulting to UDP"
        Protocol proto = protocol == null ? Protocol.UDP : protocol;
        switch (address) {
            case ServiceAddress.Inet a -> keys.add(new InetServiceKey(proto, a.address(), a.port()));
            case ServiceAddress.Fwmark f -> keys.add(new FwmarkServiceKey(f.fwmark(), family()));
            case ServiceAddress.Group g -> {
                for (VirtualServerGroupDef def : groups) {
                    if (!def.name().equals(g.name())) {
                        continue;
                    }
                    for (VirtualServerGroupEntry e : def.entries()) {
                        if (e.isFwmark()) {
                            keys.add(new FwmarkServiceKey(e.fwmark(),
                                    e.family() != null ? e.family() : family(groups)));
                        } else {
                            for (IpAddress ip : Ranges.expand(e.first(), e.last())) {
                                keys.add(new InetServiceKey(proto, ip, e.port()));
                            }
                        }
                    }
                }
            }
        }
        List<VirtualService> out = new ArrayList<>();
        for (VirtualServiceKey k : keys) {
            int mask = persistenceGranularity != null ? persistenceGranularity : VirtualService.defaultNetmask(k);
            out.add(new VirtualService(k, scheduler, schedFlags, persistenceTimeout, mask, onePacket,
                    persistenceEngine));
        }
        return out;
    }

    /** The family of the service outside any group: {@link #family(List)} without groups. */
    public AddressFamily family() {
        return family(List.of());
    }

    /**
     * The family of the service as keepalived settles it: ip_family or the address's, else the first real
     * server's that is not tunnelled, else the sorry server's if not tunnelled, else the group's one family;
     * a fwmark's whose servers are all tunnelled: theirs when they share one; else IPv4.
     */
    public AddressFamily family(List<VirtualServerGroupDef> groups) {
        if (ipFamily != null) {
            return ipFamily;
        }
        if (address instanceof ServiceAddress.Inet a) {
            return a.address().family();
        }
        for (RealServerDef rs : realServers) {
            if (!tunnelled(rs.forwarding())) {
                return rs.address().family();
            }
        }
        if (sorryServer != null && !tunnelled(sorryServer.forwarding())) {
            return sorryServer.address().family();
        }
        if (address instanceof ServiceAddress.Group g) {
            for (VirtualServerGroupDef def : groups) {
                if (def.name().equals(g.name()) && def.family() != null) {
                    return def.family();
                }
            }
            return AddressFamily.INET;
        }
        AddressFamily shared = sorryServer != null ? sorryServer.address().family() : null;
        for (RealServerDef rs : realServers) {
            if (shared == null) {
                shared = rs.address().family();
            } else if (shared != rs.address().family()) {
                return AddressFamily.INET;
            }
        }
        return shared == null ? AddressFamily.INET : shared;
    }

    /** Whether a server with this lvs_method (null: the virtual server's) is tunnelled. */
    public boolean tunnelled(Forwarding own) {
        Forwarding f = own != null ? own : forwarding;
        return f != null && f.method() == io.jlvs.core.ForwardingMethod.TUNNEL;
    }
}
