package io.jlvs.proxy;

import io.jlvs.conn.ConnTable;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.engine.ConnectionSource;
import io.jlvs.engine.ForwardingSnapshot;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.ServiceRuntime;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FULLNAT data plane: a socket-level TCP and UDP proxy that serves the engine's virtual services
 * whose real servers use {@link ForwardingMethod#FULLNAT}. It follows the engine's snapshots: a service
 * gets a listening socket on VIP:port when it has FULLNAT real servers, keeps it as
 * long as it exists, and loses it when deleted; open connections are never cut by a table change.
 * Each client connection ends here and a new one goes to the real server chosen by the service's
 * scheduler, with IPVS's persistence, thresholds, connection counts and counters.
 */
public final class FullNatProxy implements ConnectionSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FullNatProxy.class);
    /** How long a listing waits for a relay loop to describe its connections. */
    private static final long LISTING_WAIT_SECONDS = 2;

    private final IpvsEngine engine;
    private final ProxySettings settings;
    private final ProxyContext ctx;
    private final EventLoopGroup group;
    /** The relay's loops (TCP), empty when TCP runs on Netty. */
    private final List<RelayLoop> relayLoops = new ArrayList<>();
    /** Owner: whoever holds {@code this} (the engine's publishing thread or a configuring caller). */
    private final Map<InetServiceKey, ServiceListener> listeners = new HashMap<>();
    private final ScheduledFuture<?> sweeper;
    /** Services with FULLNAT real servers the proxy cannot serve (port 0, SCTP), warned about once. */
    private final Set<InetServiceKey> refused = new HashSet<>();
    private boolean closed;
    /** Also listen for the host's own clients of the services the packet data plane forwards. */
    private boolean localClients;
    /** The same for IPv6 services. */
    private boolean localClients6;

    /** Starts the event loops and begins following {@code engine}'s services. */
    public FullNatProxy(IpvsEngine engine, ProxySettings settings) {
        this.engine = engine;
        this.settings = settings;
        this.ctx = new ProxyContext(ProxyTransport.choose(settings.transport()), settings.nanoClock(),
                settings.closedLinger().toNanos());
        this.group = new MultiThreadIoEventLoopGroup(settings.eventLoops(),
                new DefaultThreadFactory("jlvs-fullnat", true), ctx.transport.ioHandlerFactory());
        if (ctx.transport.relayTcp()) {
            for (int i = 0; i < settings.eventLoops(); i++) {
                relayLoops.add(new RelayLoop(ctx, "jlvs-relay-" + i, settings.sweepInterval().toNanos()));
            }
        }
        long sweepMillis = settings.sweepInterval().toMillis();
        this.sweeper = group.next().scheduleAtFixedRate(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        engine.addConnectionSource(this);
        engine.addSnapshotListener(this::follow);
    }

    /**
     * With {@code on}, the proxy also listens on VIP:port of every TCP and UDP service whose real servers the
     * packet data plane forwards (NAT, DR, TUN of the service's family), for the clients the data plane never
     * sees: the director's own processes (through lo). IPVS serves those through its LOCAL_OUT hook; here they get a FULLNAT connection to a real server the service's scheduler picks
     * (its own address, the real server's port), counted in the service's statistics. Remote clients never
     * reach these sockets: the data plane takes their frames first (the kernel guard drops the kernel's
     * copy, or the XDP program keeps it from the kernel).
     */
    public synchronized void serveLocalClients(boolean on) {
        serveLocalClients(on, on);
    }

    /**
     * As {@link #serveLocalClients(boolean)}, for IPv4 and IPv6 services apart: a packet data plane that leaves
     * IPv6 to the kernel (AF_XDP I/O) keeps no remote client from an IPv6 listener, so none is opened for it.
     */
    public synchronized void serveLocalClients(boolean ipv4, boolean ipv6) {
        localClients = ipv4;
        localClients6 = ipv6;
        follow(ctx.snapshot());
    }

    /** "relay", "epoll", "io_uring" or "nio". */
    public String transportName() {
        return ctx.transport.name();
    }

    /** Sets a service's FULLNAT options; they apply to connections accepted from now on. */
    public void setServiceOptions(VirtualServiceKey key, FullNatServiceOptions options) {
        ctx.options.put(key, Objects.requireNonNull(options));
        follow(ctx.snapshot());
    }

    public FullNatServiceOptions serviceOptions(VirtualServiceKey key) {
        return ctx.options(key);
    }

    /**
     * Completes with the address the service listens on once bound, or exceptionally when it could not
     * bind (for instance {@link java.net.BindException} when the port is in use). Fails at once with
     * {@link IllegalStateException} when the proxy does not serve the service.
     */
    public synchronized CompletableFuture<InetSocketAddress> listening(VirtualServiceKey key) {
        ServiceListener l = key instanceof InetServiceKey k ? listeners.get(k) : null;
        return l != null ? l.bound()
                : CompletableFuture.failedFuture(new IllegalStateException("FULLNAT does not serve " + key));
    }

    public FullNatProxyMetrics metrics() {
        int relayFlows = 0;
        for (RelayLoop loop : relayLoops) {
            relayFlows += loop.openFlows();
        }
        return ctx.metrics(relayFlows);
    }

    /** Lists open flows (`-Lc` states and remaining idle time) and persistence templates (state NONE). */
    @Override
    public void collect(List<ConnectionView> into) {
        long now = ctx.clock.getAsLong();
        Timeouts timeouts = ctx.snapshot().timeouts();
        List<CompletableFuture<List<ConnectionView>>> relayed = new ArrayList<>();
        for (RelayLoop loop : relayLoops) {
            relayed.add(loop.views(now, timeouts));
        }
        for (ProxiedFlow f : ctx.flows) {
            ConnectionView v = f.view(now, timeouts);
            if (v != null) {
                into.add(v);
            }
        }
        for (CompletableFuture<List<ConnectionView>> views : relayed) {
            try {
                into.addAll(views.get(LISTING_WAIT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("FULLNAT relay loop did not list its connections within {} s", LISTING_WAIT_SECONDS);
            }
        }
        List<PersistenceTemplate> templates = new ArrayList<>();
        ctx.templates.collect(templates);
        for (PersistenceTemplate t : templates) {
            if (!(t.key.service() instanceof InetServiceKey k)) {
                continue;
            }
            DestinationState d = t.destination;
            into.add(new ConnectionView(k.protocol(), t.key.maskedClient(), 0, k.address(), k.port(),
                    d.config().address(), d.config().port(), "NONE",
                    Math.max(0, (t.expiresAtNanos() - now) / 1_000_000L), true,
                    t.key.callId() == null ? null : ConnTable.PE_NAME, t.key.callId()));
        }
    }

    private synchronized void follow(ForwardingSnapshot snapshot) {
        if (closed) {
            return;
        }
        ctx.snapshot(snapshot);
        Map<VirtualServiceKey, ServiceRuntime> services = snapshot.services();
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : services.entrySet()) {
            if (!(e.getKey() instanceof InetServiceKey key)) {
                continue;
            }
            boolean listening = listeners.containsKey(key);
            boolean fullnat = wanted(key, e.getValue(), listening);
            boolean local = key.address().isV4() ? localClients : localClients6;
            boolean wanted = fullnat || (local && forwardedByPackets(key, e.getValue()));
            if (key.protocol() == Protocol.SCTP || key.port() == 0) {
                if (fullnat && refused.add(key)) {
                    LOG.warn("FULLNAT cannot serve {}: {}", key, key.port() == 0
                            ? "a socket listens on one port, not all (port 0); give each port its own service"
                            : "the proxy relays TCP and UDP only");
                }
                continue;
            }
            if (wanted && !listening) {
                open(key, fullnat ? "" : "local clients of ");
            } else if (!wanted && listening) {
                stop(key, local ? "it has no FULLNAT real servers any more, nor any the packet data plane "
                        + "forwards to"
                        : forwardedByPackets(key, e.getValue()) ? "the packet data plane stopped, so this host's own "
                        + "clients of its NAT, DR or TUN real servers are no longer served"
                        : "its real servers are no longer FULLNAT");
            }
        }
        refused.removeIf(key -> !services.containsKey(key));
        for (InetServiceKey key : List.copyOf(listeners.keySet())) {
            if (!services.containsKey(key)) {
                stop(key, "the service was deleted");
                ctx.templates.dropService(key);
            }
        }
    }

    /**
     * FULLNAT serves a service that has a FULLNAT real server; one it already serves keeps its socket while it
     * has no real servers at all (they may come back, or keepalived's sorry server stand in for them).
     */
    private boolean wanted(InetServiceKey key, ServiceRuntime rt, boolean listening) {
        List<DestinationState> dests = rt.destinations().asList();
        for (DestinationState d : dests) {
            if (d.config().method() == ForwardingMethod.FULLNAT) {
                return true;
            }
        }
        return listening && dests.isEmpty();
    }

    /**
     * True when some real server of the service is one the packet data plane forwards to: a NAT, DR or TUN one
     * of the service's family (the data plane leaves an IPv4 real server of an IPv6 service alone, and a service
     * of only such stays the kernel's).
     */
    private static boolean forwardedByPackets(InetServiceKey key, ServiceRuntime rt) {
        for (DestinationState d : rt.destinations().asList()) {
            ForwardingMethod m = d.config().method();
            boolean method = m == ForwardingMethod.MASQ || m == ForwardingMethod.DROUTE || m == ForwardingMethod.TUNNEL;
            if (method && d.config().address().isV4() == key.address().isV4()) {
                return true;
            }
        }
        return false;
    }

    private void open(InetServiceKey key, String whom) {
        ServiceListener l = key.protocol() == Protocol.UDP
                ? new UdpServiceListener(ctx, group.next(), key)
                : ctx.transport.relayTcp() ? new RelayServiceListener(relayLoops, key)
                : new TcpServiceListener(ctx, group, key);
        listeners.put(key, l);
        l.bound().whenComplete((addr, err) -> {
            if (err != null) {
                LOG.warn("FULLNAT cannot listen for {}{}: {}", whom, key, err.toString());
            } else {
                LOG.info("FULLNAT listening for {}{} on {} ({})", whom, key, shown(addr), ctx.transport.name());
            }
        });
    }

    /** A bound address as ipvsadm writes one: {@code 10.0.0.1:80}, {@code [2001:db8::1]:80}. */
    static String shown(InetSocketAddress addr) {
        return IpAddress.of(addr.getAddress()).withPort(addr.getPort());
    }

    private void stop(InetServiceKey key, String why) {
        ServiceListener l = listeners.remove(key);
        if (l != null) {
            LOG.info("FULLNAT stops listening for {}: {}", key, why);
            l.close();
        }
    }

    private void sweep() {
        long now = ctx.clock.getAsLong();
        Timeouts timeouts = ctx.snapshot().timeouts();
        for (ProxiedFlow f : ctx.flows) {
            if (f.idleExpired(now, timeouts)) {
                f.owner().execute(f::expire);
            }
        }
        ctx.templates.sweep(now);
    }

    /** Closes every listening socket and connection and stops the event loops. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (InetServiceKey key : List.copyOf(listeners.keySet())) {
                stop(key, "the proxy is stopping");
            }
        }
        sweeper.cancel(false);
        for (ProxiedFlow f : ctx.flows) {
            f.owner().execute(f::close);
        }
        for (RelayLoop loop : relayLoops) {
            try {
                loop.shutdown(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ctx.templates.dropAll();
    }

    IpvsEngine engine() {
        return engine;
    }

    ProxySettings settings() {
        return settings;
    }
}
