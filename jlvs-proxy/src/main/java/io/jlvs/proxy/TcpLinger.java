package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * A closed TCP connection kept for a while, as IPVS keeps TIME_WAIT entries: still counted inactive on
 * its real server and listed, holding no channel or buffer. The relay keeps its lingering connections in
 * each loop's FIFO ({@link RelayLoop}); the Netty path keeps them with the open flows, where the sweeper
 * finds them.
 */
final class TcpLinger implements ProxiedFlow {
    private final ProxyContext ctx;
    private final InetServiceKey key;
    private final IpAddress client;
    private final int clientPort;
    private final InetSocketAddress target;
    private final DestinationState destination;
    private final Executor loop;
    private final long closedAt;
    private boolean gone;

    TcpLinger(ProxyContext ctx, InetServiceKey key, IpAddress client, int clientPort, InetSocketAddress target,
              DestinationState destination, Executor loop, long closedAt) {
        this.ctx = ctx;
        this.key = key;
        this.client = client;
        this.clientPort = clientPort;
        this.target = target;
        this.destination = destination;
        this.loop = loop;
        this.closedAt = closedAt;
    }

    @Override
    public Executor owner() {
        return loop;
    }

    long closedAt() {
        return closedAt;
    }

    @Override
    public boolean idleExpired(long now, Timeouts timeouts) {
        return now - closedAt > ctx.closedLingerNanos;
    }

    @Override
    public void expire() {
        if (idleExpired(ctx.clock.getAsLong(), null)) {
            close();
        }
    }

    @Override
    public void close() {
        release();
        ctx.flows.remove(this);
    }

    /** No longer counted on its real server (once). */
    void release() {
        if (!gone) {
            gone = true;
            destination.unbind(false, false);
        }
    }

    @Override
    public ConnectionView view(long now, Timeouts timeouts) {
        long remaining = Math.max(0, (ctx.closedLingerNanos - (now - closedAt)) / 1_000_000L);
        return new ConnectionView(Protocol.TCP, client, clientPort, key.address(), key.port(),
                IpAddress.of(target.getAddress()), target.getPort(), "TIME_WAIT", remaining, false, null, null);
    }
}
