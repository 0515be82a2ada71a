package io.jlvs.proxy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.engine.ServiceRuntime;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One proxied TCP connection: the client's channel (front) and the channel to the real server (back),
 * both on the same event loop, which owns every field. Neither side is read until the real server
 * accepted; from then on both read on their own (AUTO_READ: up to Netty's messages-per-read buffers per
 * wake-up, where a read() per batch got one), and a side stops reading as soon as the other side's write
 * buffer passes its high-water mark, until it drains below the low-water mark: a slow peer holds back
 * the fast one instead of filling the heap. Writes are flushed once per read batch. Each half closes on its own
 * (ALLOW_HALF_CLOSURE).
 *
 * <p>IPVS accounting: bound inactive when placed, active once the real server accepted, inactive again
 * at the first FIN, unbound when both channels are closed.
 */
@ChannelHandler.Sharable
final class TcpFlow extends ChannelInboundHandlerAdapter implements ProxiedFlow {
    private final ProxyContext ctx;
    private final InetServiceKey key;
    private final FullNatServiceOptions options;
    private final Channel front;
    private volatile TcpPlacement placement;
    private Channel back;
    private IpAddress client;
    private int clientPort;
    private volatile TcpState state = TcpState.SYN_RECV;
    private boolean frontEof;
    private boolean backEof;
    private boolean finished;
    private long lastActivity;
    /** Client bytes that arrived before the real server accepted (epoll reads them at a client FIN). */
    private ArrayDeque<ByteBuf> early;

    TcpFlow(ProxyContext ctx, InetServiceKey key, FullNatServiceOptions options, Channel front) {
        this.ctx = ctx;
        this.key = key;
        this.options = options;
        this.front = front;
    }

    @Override
    public EventLoop owner() {
        return front.eventLoop();
    }

    // ---- start: place the flow and connect to the real server ----

    @Override
    public void channelActive(ChannelHandlerContext c) {
        if (c.channel() != front) {
            return;
        }
        lastActivity = ctx.clock.getAsLong();
        ServiceRuntime service = ctx.service(key);
        InetSocketAddress remote = (InetSocketAddress) front.remoteAddress();
        if (service == null || remote == null) {
            front.close();
            return;
        }
        client = IpAddress.of(remote.getAddress());
        clientPort = remote.getPort();
        TcpPlacement p = new TcpPlacement(ctx, key, options, service, client, clientPort);
        if (!p.place(lastActivity, null)) {
            front.close();
            return;
        }
        placement = p;
        service.counters().connection();
        ctx.flows.add(this);
        front.closeFuture().addListener(f -> maybeFinish());
        connect();
    }

    /**
     * Opens the channel to the real server on the client's event loop. It reads on its own (AUTO_READ)
     * from the moment it connects: the real server has nothing to send before, and the client side is
     * writable by then. No Bootstrap: it would copy its
     * option and attribute maps and look up an address resolver for every connection. TCP_NODELAY is
     * Netty's default for epoll and NIO socket channels, so it is not set again (one setsockopt less).
     */
    private void connect() {
        state = TcpState.SYN_RECV;
        Channel ch = ctx.transport.sockets().newChannel();
        SocketChannelConfig config = (SocketChannelConfig) ch.config();
        config.setAllowHalfClosure(true);
        config.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        ch.pipeline().addLast(this);
        back = ch;
        ChannelFuture registered = front.eventLoop().register(ch);
        if (registered.isDone()) {
            connectRegistered(registered);
        } else {
            registered.addListener((ChannelFutureListener) this::connectRegistered);
        }
    }

    private void connectRegistered(ChannelFuture registered) {
        if (!registered.isSuccess()) {
            connected(registered);
            return;
        }
        java.net.InetAddress source = placement.source();
        (source == null ? registered.channel().connect(placement.target())
                : registered.channel().connect(placement.target(), new InetSocketAddress(source, 0)))
                .addListener((ChannelFutureListener) this::connected);
    }

    private void connected(ChannelFuture f) {
        if (f.channel() != back) {
            return;
        }
        if (!f.isSuccess()) {
            f.channel().close();
            back = null;
            if (front.isActive() && placement.retryAfterConnectFailure(ctx.clock.getAsLong())) {
                connect();
                return;
            }
            releaseEarly();
            front.close();
            maybeFinish();
            return;
        }
        if (!front.isActive()) {
            releaseEarly();
            back.close();
            back.closeFuture().addListener(x -> maybeFinish());
            return;
        }
        back.closeFuture().addListener(x -> maybeFinish());
        state = TcpState.ESTABLISHED;
        placement.established();
        if (options.proxyProtocol() != ProxyProtocol.NONE) {
            sendProxyHeader();
        }
        lastActivity = ctx.clock.getAsLong();
        if (early != null) {
            ByteBuf b;
            while ((b = early.poll()) != null) {
                if (placement.destination() != null) {
                    placement.destination().counters().inbound(1, b.readableBytes());
                }
                back.write(b, back.voidPromise());
            }
            early = null;
            back.flush();
        }
        if (frontEof) {
            clientFinished();
        } else {
            front.config().setAutoRead(true);
        }
    }

    private void releaseEarly() {
        if (early != null) {
            early.forEach(ByteBuf::release);
            early = null;
        }
    }

    private void sendProxyHeader() {
        byte[] header = ProxyHeader.encode(options.proxyProtocol(), client, clientPort, key.address(), key.port());
        back.writeAndFlush(Unpooled.wrappedBuffer(header), back.voidPromise());
    }

    // ---- relay ----

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        Channel from = c.channel();
        Channel to = from == front ? back : front;
        if (to == null || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        int bytes = buf.readableBytes();
        if (from == front && state == TcpState.SYN_RECV) {
            if (early == null) {
                early = new ArrayDeque<>();
            }
            early.add(buf);
            placement.service.counters().inbound(1, bytes);
            return;
        }
        if (from == front) {
            placement.inbound(1, bytes);
        } else {
            placement.outbound(1, bytes);
        }
        to.write(buf, to.voidPromise());
        if (!to.isWritable()) {
            pause(from, to);
        }
    }

    /** {@code to}'s write buffer passed its high-water mark: stop reading {@code from} until it drains. */
    private void pause(Channel from, Channel to) {
        if (from.config().isAutoRead()) {
            from.config().setAutoRead(false);
            ChannelOutboundBuffer pending = to.unsafe().outboundBuffer();
            if (pending != null) {
                ctx.maxPendingWriteBytes.accumulate(pending.totalPendingWriteBytes());
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        Channel from = c.channel();
        Channel to = from == front ? back : front;
        if (to == null || state == TcpState.SYN_RECV) {
            return;
        }
        lastActivity = ctx.clock.getAsLong();
        to.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext c) {
        Channel now = c.channel();
        Channel other = now == front ? back : front;
        if (now.isWritable() && other != null && other.isActive() && state != TcpState.SYN_RECV
                && !(other == front ? frontEof : backEof)) {
            other.config().setAutoRead(true);
        }
    }

    // ---- closing ----

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object event) {
        if (!(event instanceof ChannelInputShutdownEvent)) {
            return;
        }
        Channel from = c.channel();
        if (from == front) {
            frontEof = true;
            if (state == TcpState.SYN_RECV) {
                return;
            }
        } else {
            backEof = true;
        }
        halfClosed(from);
    }

    /** The client's FIN arrived before the real server accepted: pass it on now. */
    private void clientFinished() {
        halfClosed(front);
    }

    private void halfClosed(Channel from) {
        placement.finished();
        lastActivity = ctx.clock.getAsLong();
        if (frontEof && backEof) {
            state = TcpState.CLOSE;
            closeAfterFlush(front);
            closeAfterFlush(back);
            return;
        }
        state = from == front ? TcpState.FIN_WAIT : TcpState.CLOSE_WAIT;
        Channel to = from == front ? back : front;
        if (to == null) {
            return;
        }
        if (nothingPending(to)) {
            shutdownOutput(to);
        } else {
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> shutdownOutput(f.channel()));
        }
    }

    private static void shutdownOutput(Channel ch) {
        if (ch instanceof DuplexChannel d && ch.isActive() && !d.isOutputShutdown()) {
            d.shutdownOutput();
        }
    }

    /** No bytes or messages wait in the channel's write buffer (or its output is already shut down). */
    private static boolean nothingPending(Channel ch) {
        ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
        return pending == null || (pending.isEmpty() && pending.totalPendingWriteBytes() == 0);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        Channel from = c.channel();
        Channel to = from == front ? back : front;
        if (to != null) {
            closeAfterFlush(to);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.channel().close();
    }

    private static void closeAfterFlush(Channel ch) {
        if (ch == null || !ch.isOpen()) {
            return;
        }
        if (nothingPending(ch)) {
            ch.close();
        } else {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void maybeFinish() {
        if (finished || front.isOpen() || (back != null && back.isOpen())) {
            return;
        }
        finished = true;
        if (placement != null) {
            TcpLinger linger = placement.closed(front.eventLoop(), ctx.clock.getAsLong());
            if (linger != null) {
                ctx.flows.add(linger);
            }
        }
        ctx.flows.remove(this);
    }

    // ---- idle expiry and listing ----

    private long timeoutNanos(Timeouts t) {
        return state.idleTimeoutNanos(options, t);
    }

    @Override
    public boolean idleExpired(long now, Timeouts timeouts) {
        return now - lastActivity > timeoutNanos(timeouts);
    }

    @Override
    public void expire() {
        if (idleExpired(ctx.clock.getAsLong(), ctx.snapshot().timeouts())) {
            close();
        }
    }

    @Override
    public void close() {
        front.close();
        if (back != null) {
            back.close();
        }
    }

    @Override
    public ConnectionView view(long now, Timeouts timeouts) {
        TcpPlacement p = placement;
        InetSocketAddress t = p == null ? null : p.target();
        IpAddress c = client;
        if (t == null || c == null) {
            return null;
        }
        long remaining = Math.max(0, (timeoutNanos(timeouts) - (now - lastActivity)) / 1_000_000L);
        return new ConnectionView(Protocol.TCP, c, clientPort, key.address(), key.port(),
                IpAddress.of(t.getAddress()), t.getPort(), state.name(), remaining, false, null, null);
    }
}
