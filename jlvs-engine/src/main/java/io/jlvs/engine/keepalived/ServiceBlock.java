package io.jlvs.engine.keepalived;

import io.jlvs.config.model.Forwarding;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.ServiceAddress;
import io.jlvs.config.model.SorryServerDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.health.CheckSubject;
import java.util.List;

/**
 * One virtual_server block mapped onto IPVS: the services it stands for (one, or one per member of its
 * virtual_server_group) and how its real servers and sorry server look in each. Compared by value, so a
 * reload can tell an unchanged block from a changed one.
 *
 * @param id       the block's identity across reloads: what follows {@code virtual_server}, and the protocol
 * @param services never empty
 */
record ServiceBlock(String id, VirtualServerDef def, List<VirtualService> services) {

    ServiceBlock {
        services = List.copyOf(services);
    }

    /**
     * How keepalived's log lines name the block (FMT_VS): {@code [NAME]:0} for a virtual_server_group (the
     * block has no address of its own), else its service as {@code [ADDR]:proto:PORT} or {@code FWM N}.
     */
    String label() {
        return def.address() instanceof ServiceAddress.Group g ? "[" + g.name() + "]:0"
                : CheckSubject.label(keys().getFirst());
    }

    List<VirtualServiceKey> keys() {
        return services.stream().map(VirtualService::key).toList();
    }

    Endpoint endpoint(VirtualServiceKey key, RealServerDef rs) {
        RealServer r = realServer(key, rs, rs.weight());
        return new Endpoint(r.address(), r.port());
    }

    /** The real server as the table stores it in {@code key}, with {@code weight}. */
    RealServer realServer(VirtualServiceKey key, RealServerDef rs, int weight) {
        return stored(key, rs.toRealServer(def.forwarding()).withWeight(weight));
    }

    /** The sorry server as a real server of {@code key}, or null when there is none. */
    RealServer sorryServer(VirtualServiceKey key, int weight) {
        SorryServerDef s = def.sorryServer();
        if (s == null) {
            return null;
        }
        Forwarding f = sorryForwarding();
        return stored(key, new RealServer(s.address(), s.port(), f.method(), weight, 0, 0, f.tunnelType(),
                f.tunnelPort(), f.tunnelChecksum()));
    }

    private Forwarding sorryForwarding() {
        SorryServerDef s = def.sorryServer();
        return s.forwarding() != null ? s.forwarding()
                : def.forwarding() != null ? def.forwarding() : Forwarding.of(ForwardingMethod.MASQ);
    }

    /**
     * DR and TUN destinations take the service's port, as IPVS stores them; in a {@code virtual_server
     * fwmark N} block, port 0, as keepalived clears it ("has port specified - clearing"; not in a group's
     * fwmark member, whose real servers keepalived hands to IPVS with their port).
     */
    private RealServer stored(VirtualServiceKey key, RealServer r) {
        boolean fwmarkBlock = def.address() instanceof io.jlvs.config.model.ServiceAddress.Fwmark;
        int port = !r.method().keepsServicePort() ? r.port()
                : key instanceof InetServiceKey k ? k.port() : key instanceof FwmarkServiceKey && fwmarkBlock ? 0
                : r.port();
        if (port != r.port()) {
            return new RealServer(r.address(), port, r.method(), r.weight(), r.upperThreshold(),
                    r.lowerThreshold(), r.tunnelType(), r.tunnelPort(), r.tunnelChecksum());
        }
        return r;
    }
}
