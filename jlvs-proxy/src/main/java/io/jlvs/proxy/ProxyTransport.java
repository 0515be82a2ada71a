package io.jlvs.proxy;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Netty transport the proxy runs on: native epoll, or NIO with the reason epoll could not be used. */
record ProxyTransport(
        String name,
        boolean nativeEpoll,
        IoHandlerFactory ioHandlerFactory,
        ChannelFactory<? extends ServerChannel> serverSockets,
        ChannelFactory<? extends SocketChannel> sockets,
        ChannelFactory<? extends DatagramChannel> datagrams) {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyTransport.class);

    static ProxyTransport choose(boolean preferNative) {
        if (preferNative) {
            if (Epoll.isAvailable()) {
                return new ProxyTransport("epoll", true, EpollIoHandler.newFactory(),
                        EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDatagramChannel::new);
            }
            Throwable cause = Epoll.unavailabilityCause();
            LOG.warn("FULLNAT proxy uses NIO: native epoll is not available ({})",
                    cause == null ? "unknown reason" : cause.toString());
        } else {
            LOG.info("FULLNAT proxy uses NIO: native transport disabled by configuration");
        }
        return new ProxyTransport("nio", false, NioIoHandler.newFactory(),
                NioServerSocketChannel::new, NioSocketChannel::new, NioDatagramChannel::new);
    }
}
