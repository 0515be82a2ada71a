package io.jlvs.proxy;

import io.jlvs.core.model.InetServiceKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A TCP listening socket on VIP:port; each accepted client becomes a {@link TcpFlow} on its event loop. */
final class TcpServiceListener implements ServiceListener {
    private final InetServiceKey key;
    private final List<Channel> channels = new ArrayList<>();
    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();

    /**
     * Accepted channels keep Netty's default TCP_NODELAY (on), so it is not set a second time. With a native transport, one SO_REUSEPORT socket per event loop: the kernel spreads new connections over them and
     * each connection stays on the loop that accepted it (no hand-off between threads). NIO: one socket.
     */
    TcpServiceListener(ProxyContext ctx, EventLoopGroup group, InetServiceKey key) {
        this.key = key;
        InetSocketAddress address = new InetSocketAddress(key.address().toInetAddress(), key.port());
        List<EventLoopGroup> acceptors = new ArrayList<>();
        if (ctx.transport.nativeTransport()) {
            for (EventExecutor e : group) {
                acceptors.add((EventLoop) e);
            }
        } else {
            acceptors.add(group);
        }
        List<CompletableFuture<InetSocketAddress>> each = new ArrayList<>();
        for (EventLoopGroup acceptor : acceptors) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(acceptor, acceptor)
                    .channelFactory(ctx.transport.serverSockets())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new Acceptor(ctx, key));
            if (ctx.transport.nativeTransport()) {
                b.option(ctx.transport.freeBind(), true);
                b.option(ProxyTransport.reusePort(), acceptors.size() > 1);
            }
            ChannelFuture f = b.bind(address);
            Channel ch = f.channel();
            channels.add(ch);
            CompletableFuture<InetSocketAddress> one = new CompletableFuture<>();
            each.add(one);
            f.addListener(x -> {
                if (x.isSuccess()) {
                    one.complete((InetSocketAddress) ch.localAddress());
                } else {
                    one.completeExceptionally(x.cause());
                }
            });
        }
        CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
            if (err != null) {
                close();
                bound.completeExceptionally(err instanceof java.util.concurrent.CompletionException c
                        && c.getCause() != null ? c.getCause() : err);
            } else {
                bound.complete(each.getFirst().join());
            }
        });
    }

    @Override
    public InetServiceKey key() {
        return key;
    }

    @Override
    public CompletableFuture<InetSocketAddress> bound() {
        return bound;
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close();
        }
    }

    /** Puts a new {@link TcpFlow} on every accepted client channel, with the service's current options. */
    @ChannelHandler.Sharable
    private static final class Acceptor extends ChannelInboundHandlerAdapter {
        private final ProxyContext ctx;
        private final InetServiceKey key;

        Acceptor(ProxyContext ctx, InetServiceKey key) {
            this.ctx = ctx;
            this.key = key;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            Channel ch = c.channel();
            c.pipeline().replace(this, "fullnat", new TcpFlow(ctx, key, ctx.options(key), ch));
        }
    }
}
