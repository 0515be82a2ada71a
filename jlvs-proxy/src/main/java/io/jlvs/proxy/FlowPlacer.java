package io.jlvs.proxy;

import io.jlvs.conn.ConnTable;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
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
        return place(service, flow, client, now, exclude, null);
    }

    /**
     * {@link #place} for a flow whose first datagram carries the SIP Call-ID {@code callId} (null: none, or not a
     * datagram). A persistent {@code --pe sip} service keys its template on it as well, as IPVS's sip engine;
     * without one the flow gets no placement (null), as IPVS drops such a packet.
     */
    Placement place(ServiceRuntime service, FlowKey flow, IpAddress client, long now, DestinationState exclude,
                    String callId) {
        VirtualService config = service.config();
        if (!config.persistent()) {
            DestinationState d = schedule(service, flow, exclude);
            return d == null ? null : new Placement(d, null);
        }
        boolean sip = ConnTable.PE_NAME.equals(config.persistenceEngine());
        if (sip && callId == null) {
            return null;
        }
        TemplateKey key = new TemplateKey(config.key(), client.mask(config.netmaskPrefixLength()),
                sip ? callId : null);
        long expiresAt = now + config.persistenceTimeout() * 1_000_000_000L;
        PersistenceTemplate t = templates.acquire(key, expiresAt, exclude, ex -> schedule(service, flow, ex));
        return t == null ? null : new Placement(t.destination, t);
    }

    private static DestinationState schedule(ServiceRuntime service, FlowKey flow, DestinationState exclude) {
        return exclude == null ? service.schedule(flow) : service.schedule(flow, exclude);
    }
}
