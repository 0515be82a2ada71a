package io.jlvs.proxy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.ServiceRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
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
    /**
     * Netty's flows (TCP and UDP) and its lingering closed connections; each adds and removes itself on its
     * event loop. The relay's loops keep their own.
     */
    final Set<ProxiedFlow> flows = ConcurrentHashMap.newKeySet();
    final Map<VirtualServiceKey, FullNatServiceOptions> options = new ConcurrentHashMap<>();
    final LongAdder noDestination = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder connectRetries = new LongAdder();
    /** accept() failures other than "nothing to accept" (EMFILE, ENFILE, ENOBUFS, ENOMEM), relay only. */
    final LongAdder acceptFailures = new LongAdder();
    final LongAdder udpDatagramsDropped = new LongAdder();
    final LongAccumulator maxPendingWriteBytes = new LongAccumulator(Math::max, 0);
    private final Map<DestinationState, InetSocketAddress> socketAddresses = new ConcurrentHashMap<>();
    private volatile ForwardingSnapshot snapshot = ForwardingSnapshot.EMPTY;
    /** The snapshot's IPv6 virtual addresses, which a connection to a real server never leaves from. */
    private volatile Set<IpAddress> virtualAddresses6 = Set.of();

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
        socketAddresses.clear();
        Set<IpAddress> vips = new HashSet<>();
        for (VirtualServiceKey k : next.services().keySet()) {
            if (k instanceof InetServiceKey i && !i.address().isV4()) {
                vips.add(i.address());
            }
        }
        virtualAddresses6 = Set.copyOf(vips);
    }

    /**
     * The address to connect to {@code d} (at {@code target}) from, or null for the kernel's choice: a NAT, DR or
     * TUN real server (a local client's connection) is never connected to from an IPv6 virtual address
     * ({@link BackendSource}); FULLNAT real servers keep the kernel's choice (they answer through the director).
     */
    InetAddress sourceFor(DestinationState d, InetSocketAddress target) {
        return d.config().method() == ForwardingMethod.FULLNAT ? null
                : BackendSource.forTarget(target, virtualAddresses6);
    }

    /**
     * The real server's socket address, made once per server instead of once per connection (an
     * InetAddress and an InetSocketAddress each time). Emptied at every snapshot, so servers that left
     * the table are not kept.
     */
    InetSocketAddress socketAddress(DestinationState d) {
        InetSocketAddress a = socketAddresses.get(d);
        if (a == null) {
            RealServer rs = d.config();
            a = new InetSocketAddress(rs.address().toInetAddress(), rs.port());
            socketAddresses.put(d, a);
        }
        return a;
    }

    /** The service as the engine now publishes it, or null once deleted. */
    ServiceRuntime service(VirtualServiceKey key) {
        return snapshot.service(key);
    }

    FullNatServiceOptions options(VirtualServiceKey key) {
        return options.getOrDefault(key, FullNatServiceOptions.DEFAULTS);
    }

    /** The proxy's counts; {@code relayFlows} are the relay's open connections, which its loops hold. */
    FullNatProxyMetrics metrics(int relayFlows) {
        int open = relayFlows;
        for (ProxiedFlow f : flows) {
            if (!(f instanceof TcpLinger)) {
                open++;
            }
        }
        return new FullNatProxyMetrics(noDestination.sum(), connectFailures.sum(), connectRetries.sum(),
                udpDatagramsDropped.sum(), maxPendingWriteBytes.get(), open,
                acceptFailures.sum());
    }
}
