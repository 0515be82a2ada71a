package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ServiceRuntime;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * Where one proxied TCP connection goes (a real server) and its IPVS accounting:
 * bound inactive when placed, active once the real server accepted, inactive again at the first FIN,
 * unbound when the connection has closed, or kept a while as a {@link TcpLinger}. Shared by both TCP
 * paths ({@link RelayFlow}, {@link TcpFlow}); owned by the connection's thread, except {@link #target()},
 * which listings read.
 */
final class TcpPlacement {
    private final ProxyContext ctx;
    private final InetServiceKey key;
    private final FullNatServiceOptions options;
    private final IpAddress client;
    private final int clientPort;
    final ServiceRuntime service;
    private DestinationState destination;
    private PersistenceTemplate template;
    private volatile InetSocketAddress target;
    /** The address to connect from, null for the kernel's choice ({@link ProxyContext#sourceFor}). */
    private InetAddress source;
    private boolean active;
    private boolean retried;

    TcpPlacement(ProxyContext ctx, InetServiceKey key, FullNatServiceOptions options, ServiceRuntime service,
                 IpAddress client, int clientPort) {
        this.ctx = ctx;
        this.key = key;
        this.options = options;
        this.service = service;
        this.client = client;
        this.clientPort = clientPort;
    }

    /**
     * Chooses a real server through the service's persistence and scheduler, excluding {@code exclude}.
     * False, counted as no destination, when none can take the connection.
     */
    boolean place(long now, DestinationState exclude) {
        FlowKey flowKey = new FlowKey().set(Protocol.TCP.number(), client, clientPort, key.address(), key.port(), now);
        Placement p = ctx.placer.place(service, flowKey, client, now, exclude);
        if (p != null) {
            destination = p.destination();
            template = p.template();
            destination.bind(false);
            destination.counters().connection();
            target = ctx.socketAddress(destination);
            source = ctx.sourceFor(destination, target);
            return true;
        }
        destination = null;
        template = null;
        ctx.noDestination.increment();
        return false;
    }

    /** The real server to connect to; null before the first placement. */
    InetSocketAddress target() {
        return target;
    }

    /** The address to connect to {@link #target()} from; null: the kernel's choice. */
    InetAddress source() {
        return source;
    }

    /** The real server, or null when none took the connection. */
    DestinationState destination() {
        return destination;
    }

    /** The real server accepted: the connection counts as active. */
    void established() {
        if (destination != null) {
            destination.activate(true);
            active = true;
        }
    }

    /** The first FIN, either way: the connection counts as inactive again. */
    void finished() {
        if (active) {
            destination.activate(false);
            active = false;
        }
    }

    /**
     * A connect to the target failed: counts it and, when the service retries and another server can take
     * the connection, places it there. True: connect again (to {@link #target()}).
     */
    boolean retryAfterConnectFailure(long now) {
        if (destination == null) {
            return false;
        }
        ctx.connectFailures.increment();
        if (!options.retryOnConnectFailure() || retried) {
            return false;
        }
        retried = true;
        DestinationState failed = destination;
        unbind();
        if (place(now, failed)) {
            ctx.connectRetries.increment();
            // a second scheduling decision: the service counts it as its second server does, so that, as in
            // IPVS, a service's Conns stays the sum of its real servers' (the failed one counted its attempt)
            service.counters().connection();
            return true;
        }
        return false;
    }

    void inbound(long packets, long bytes) {
        service.counters().inbound(packets, bytes);
        if (destination != null) {
            destination.counters().inbound(packets, bytes);
        }
    }

    void outbound(long packets, long bytes) {
        service.counters().outbound(packets, bytes);
        if (destination != null) {
            destination.counters().outbound(packets, bytes);
        }
    }

    /**
     * Both sockets are closed: returns the connection as it lingers (inactive, listed TIME_WAIT, owned by
     * {@code owner}, to be kept by the caller) when the proxy keeps closed connections, else unbinds it now
     * and returns null.
     */
    TcpLinger closed(Executor owner, long now) {
        TcpLinger linger = null;
        if (destination != null && ctx.closedLingerNanos > 0) {
            finished();
            if (template != null) {
                template.release();
                template = null;
            }
            linger = new TcpLinger(ctx, key, client, clientPort, target, destination, owner, now);
            destination = null;
        }
        unbind();
        return linger;
    }

    private void unbind() {
        if (destination != null) {
            destination.unbind(false, active);
            active = false;
            destination = null;
        }
        if (template != null) {
            template.release();
            template = null;
        }
    }
}
