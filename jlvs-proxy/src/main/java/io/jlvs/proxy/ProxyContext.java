package io.jlvs.proxy;

import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.ServiceRuntime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** What every listener and flow of one proxy shares: transport, clock, current snapshot, templates, counts. */
final class ProxyContext {
    final ProxyTransport transport;
    final LongSupplier clock;
    final long closedLingerNanos;
    final PersistenceTemplates templates = new PersistenceTemplates();
    final FlowPlacer placer = new FlowPlacer(templates);
    /** Open flows; each flow adds and removes itself on its event loop. */
    final Set<ProxiedFlow> flows = ConcurrentHashMap.newKeySet();
    final Map<VirtualServiceKey, FullNatServiceOptions> options = new ConcurrentHashMap<>();
    final LongAdder noDestination = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder connectRetries = new LongAdder();
    final LongAdder sorryConnections = new LongAdder();
    final LongAdder udpDatagramsDropped = new LongAdder();
    final LongAccumulator maxPendingWriteBytes = new LongAccumulator(Math::max, 0);
    private volatile ForwardingSnapshot snapshot = ForwardingSnapshot.EMPTY;

    ProxyContext(ProxyTransport transport, LongSupplier clock, long closedLingerNanos) {
        this.transport = transport;
        this.clock = clock;
        this.closedLingerNanos = closedLingerNanos;
    }

    ForwardingSnapshot snapshot() {
        return snapshot;
    }

    void snapshot(ForwardingSnapshot next) {
        snapshot = next;
    }

    /** The service as the engine now publishes it, or null once deleted. */
    ServiceRuntime service(VirtualServiceKey key) {
        return snapshot.service(key);
    }

    FullNatServiceOptions options(VirtualServiceKey key) {
        return options.getOrDefault(key, FullNatServiceOptions.DEFAULTS);
    }

    FullNatProxyMetrics metrics() {
        return new FullNatProxyMetrics(noDestination.sum(), connectFailures.sum(), connectRetries.sum(),
                sorryConnections.sum(), udpDatagramsDropped.sum(), maxPendingWriteBytes.get(), flows.size());
    }
}
