package io.jlvs.proxy;

import io.jlvs.core.model.InetServiceKey;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A TCP listening socket on VIP:port; each accepted client becomes a {@link TcpFlow} on its event loop. */
final class TcpServiceListener implements ServiceListener {
    private final InetServiceKey key;
    private final Channel channel;
    private final CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();

    TcpServiceListener(ProxyContext ctx, EventLoopGroup group, InetServiceKey key) {
        this.key = key;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channelFactory(ctx.transport.serverSockets())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new Acceptor(ctx, key));
        if (ctx.transport.nativeEpoll()) {
            b.option(EpollChannelOption.IP_FREEBIND, true);
        }
        ChannelFuture f = b.bind(new InetSocketAddress(key.address().toInetAddress(), key.port()));
        channel = f.channel();
        f.addListener(x -> {
            if (x.isSuccess()) {
                bound.complete((InetSocketAddress) channel.localAddress());
            } else {
                bound.completeExceptionally(x.cause());
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
        channel.close();
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
