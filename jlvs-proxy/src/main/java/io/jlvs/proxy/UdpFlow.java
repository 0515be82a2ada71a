package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.engine.ServiceRuntime;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One client's UDP flow: a socket connected to its real server that carries the client's datagrams
 * there and the replies back through the service's socket. Owned by the service socket's event loop.
 * Counted inactive, as IPVS counts UDP connections; one-packet flows are neither bound nor listed.
 */
final class UdpFlow extends ChannelInboundHandlerAdapter implements ProxiedFlow {
    /** Datagrams held while the backend socket connects. */
    private static final int MAX_PENDING = 64;

    private final UdpServiceListener listener;
    private final ProxyContext ctx;
    private final Object mapKey;
    private final ServiceRuntime service;
    private final InetServiceKey key;
    private final InetSocketAddress client;
    private final IpAddress clientAddress;
    private final DestinationState destination;
    private final PersistenceTemplate template;
    private final InetSocketAddress target;
    private final boolean onePacket;
    private final Channel back;
    private ArrayDeque<ByteBuf> pending;
    private boolean finished;
    private long lastActivity;

    UdpFlow(UdpServiceListener listener, Object mapKey, ServiceRuntime service, InetServiceKey key,
            InetSocketAddress client, IpAddress clientAddress, DestinationState destination,
            PersistenceTemplate template, InetSocketAddress target, boolean onePacket, long now) {
        this.listener = listener;
        this.ctx = listener.context();
        this.mapKey = mapKey;
        this.service = service;
        this.key = key;
        this.client = client;
        this.clientAddress = clientAddress;
        this.destination = destination;
        this.template = template;
        this.target = target;
        this.onePacket = onePacket;
        this.lastActivity = now;
        if (destination != null && !onePacket) {
            destination.bind(false);
        }
        java.net.InetAddress source = destination == null ? null : ctx.sourceFor(destination, target);
        Bootstrap b = new Bootstrap()
                .group(listener.channel().eventLoop())
                .channelFactory(ctx.transport.datagrams())
                .handler(this);
        ChannelFuture f = source == null ? b.connect(target) : b.connect(target, new InetSocketAddress(source, 0));
        back = f.channel();
        ctx.flows.add(this);
        back.closeFuture().addListener(x -> finish());
        f.addListener(x -> {
            if (!x.isSuccess()) {
                back.close();
                return;
            }
            drainPending();
        });
    }

    @Override
    public EventLoop owner() {
        return listener.channel().eventLoop();
    }

    /** Client to real server; {@code data} is released by the caller. */
    void forward(ByteBuf data, long now) {
        lastActivity = now;
        int bytes = data.readableBytes();
        service.counters().inbound(1, bytes);
        if (destination != null) {
            destination.counters().inbound(1, bytes);
        }
        if (back.isActive() && pending == null) {
            back.writeAndFlush(data.retain(), back.voidPromise());
            return;
        }
        if (pending == null) {
            pending = new ArrayDeque<>();
        }
        if (pending.size() >= MAX_PENDING || !back.isOpen()) {
            ctx.udpDatagramsDropped.increment();
            return;
        }
        pending.add(data.retain());
    }

    private void drainPending() {
        if (pending == null) {
            return;
        }
        ByteBuf b;
        while ((b = pending.poll()) != null) {
            back.write(b, back.voidPromise());
        }
        pending = null;
        back.flush();
    }

    /** Real server to client, sent from the service's address. */
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        ByteBuf data = msg instanceof DatagramPacket p ? p.content() : msg instanceof ByteBuf b ? b : null;
        if (data == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastActivity = ctx.clock.getAsLong();
        int bytes = data.readableBytes();
        service.counters().outbound(1, bytes);
        if (destination != null) {
            destination.counters().outbound(1, bytes);
        }
        Channel out = listener.channel();
        if (!out.isActive() || !out.isWritable()) {
            ctx.udpDatagramsDropped.increment();
            ReferenceCountUtil.release(msg);
            return;
        }
        out.write(new DatagramPacket(data.retain(), client), out.voidPromise());
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        listener.channel().flush();
    }

    /** ICMP port unreachable and the like: IPVS keeps the entry until it times out; so do we. */
    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending = null;
        }
        if (destination != null && !onePacket) {
            destination.unbind(false, false);
        }
        if (template != null) {
            template.release();
        }
        listener.forget(mapKey, this);
        ctx.flows.remove(this);
    }

    @Override
    public boolean idleExpired(long now, Timeouts timeouts) {
        return now - lastActivity > timeouts.udp() * 1_000_000_000L;
    }

    @Override
    public void expire() {
        if (idleExpired(ctx.clock.getAsLong(), ctx.snapshot().timeouts())) {
            close();
        }
    }

    @Override
    public void close() {
        back.close();
    }

    @Override
    public ConnectionView view(long now, Timeouts timeouts) {
        if (onePacket) {
            return null;
        }
        long remaining = Math.max(0, (timeouts.udp() * 1_000_000_000L - (now - lastActivity)) / 1_000_000L);
        return new ConnectionView(Protocol.UDP, clientAddress, client.getPort(), key.address(), key.port(),
                IpAddress.of(target.getAddress()), target.getPort(), "UDP", remaining, false, null, null);
    }
}
