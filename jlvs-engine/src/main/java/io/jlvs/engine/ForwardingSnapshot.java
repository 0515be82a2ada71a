package io.jlvs.engine;

import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.view.Timeouts;
import java.util.Map;

/**
 * The services the data planes serve, as published by the engine: an immutable map replaced as a whole
 * when a service is added or deleted. Data planes read it once per batch or event.
 */
public record ForwardingSnapshot(long version, Map<VirtualServiceKey, ServiceRuntime> services, Timeouts timeouts) {
    public static final ForwardingSnapshot EMPTY = new ForwardingSnapshot(0, Map.of(), Timeouts.DEFAULTS);

    public ForwardingSnapshot {
        services = Map.copyOf(services);
    }

    public ServiceRuntime service(VirtualServiceKey key) {
        return services.get(key);
    }
}
