package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.DestinationSet;
import io.jlvs.engine.ServiceRuntime;

/**
 * Chooses the real server of a new flow as IPVS does: through the service's persistence template when
 * the service is persistent, else through its scheduler. A retry after a failed connect excludes the
 * server that failed.
 */
final class FlowPlacer {
    private final PersistenceTemplates templates;

    FlowPlacer(PersistenceTemplates templates) {
        this.templates = templates;
    }

    /** The placement, or null when no real server can take the flow. Binds the template, not the flow. */
    Placement place(ServiceRuntime service, FlowKey flow, IpAddress client, long now, DestinationState exclude) {
        VirtualService config = service.config();
        if (!config.persistent()) {
            DestinationState d = schedule(service, flow, exclude);
            return d == null ? null : new Placement(d, null);
        }
        TemplateKey key = new TemplateKey(config.key(), client.mask(config.netmaskPrefixLength()));
        long expiresAt = now + config.persistenceTimeout() * 1_000_000_000L;
        PersistenceTemplate t = templates.acquire(key, expiresAt, exclude, ex -> schedule(service, flow, ex));
        return t == null ? null : new Placement(t.destination, t);
    }

    private static DestinationState schedule(ServiceRuntime service, FlowKey flow, DestinationState exclude) {
        DestinationState d = service.schedule(flow);
        if (exclude == null || d != exclude) {
            return d;
        }
        DestinationSet all = service.destinations();
        for (int attempt = 1; attempt < all.size(); attempt++) {
            d = service.schedule(flow);
            if (d == null || d != exclude) {
                return d;
            }
        }
        return leastLoadedOther(all, exclude);
    }

    /** The scheduler insists on the failed server: take the least loaded other one (wlc's measure). */
    private static DestinationState leastLoadedOther(DestinationSet all, DestinationState exclude) {
        DestinationState best = null;
        long bestOverhead = 0;
        int bestWeight = 1;
        for (int i = 0; i < all.size(); i++) {
            DestinationState d = all.get(i);
            if (d == exclude || !all.available(i)) {
                continue;
            }
            long overhead = all.overhead(i);
            if (best == null || overhead * bestWeight < bestOverhead * all.weight(i)) {
                best = d;
                bestOverhead = overhead;
                bestWeight = all.weight(i);
            }
        }
        return best;
    }
}
