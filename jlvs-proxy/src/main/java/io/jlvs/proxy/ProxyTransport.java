package io.jlvs.proxy;

import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
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
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport the proxy runs on: io_uring or epoll (native, with SO_REUSEPORT listeners per event
 * loop and IP_FREEBIND), or NIO with the reason a native one could not be used.
 *
 * @param freeBind  the transport's IP_FREEBIND option, null for NIO
 * @param relayTcp  TCP services run on {@link RelayLoop}s (the relay), not on Netty channels
 */
record ProxyTransport(
        String name,
        boolean relayTcp,
        boolean nativeTransport,
        IoHandlerFactory ioHandlerFactory,
        ChannelFactory<? extends ServerChannel> serverSockets,
        ChannelFactory<? extends SocketChannel> sockets,
        ChannelFactory<? extends DatagramChannel> datagrams,
        ChannelOption<Boolean> freeBind) {

    /** Netty's transport under another name, with TCP on the relay. */
    private ProxyTransport relay() {
        return new ProxyTransport("relay", true, nativeTransport, ioHandlerFactory, serverSockets, sockets, datagrams,
                freeBind);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ProxyTransport.class);

    /** SO_REUSEPORT, shared by both native transports. */
    static ChannelOption<Boolean> reusePort() {
        return UnixChannelOption.SO_REUSEPORT;
    }

    static ProxyTransport choose(ProxyTransportKind kind) {
        if (kind == ProxyTransportKind.AUTO || kind == ProxyTransportKind.RELAY) {
            String why = relayUnavailable();
            if (why == null) {
                return choose(ProxyTransportKind.EPOLL).relay();
            }
            LOG.warn("FULLNAT proxy cannot use its relay ({}); trying epoll", why);
        }
        if (kind == ProxyTransportKind.IO_URING) {
            if (IoUring.isAvailable()) {
                return new ProxyTransport("io_uring", false, true, IoUringIoHandler.newFactory(),
                        IoUringServerSocketChannel::new, IoUringSocketChannel::new, IoUringDatagramChannel::new,
                        IoUringChannelOption.IP_FREEBIND);
            }
            LOG.warn("FULLNAT proxy cannot use io_uring ({}); trying epoll", reason(IoUring.unavailabilityCause()));
        }
        if (kind != ProxyTransportKind.NIO) {
            if (Epoll.isAvailable()) {
                return new ProxyTransport("epoll", false, true, EpollIoHandler.newFactory(),
                        EpollServerSocketChannel::new, EpollSocketChannel::new, EpollDatagramChannel::new,
                        EpollChannelOption.IP_FREEBIND);
            }
            LOG.warn("FULLNAT proxy uses NIO: native epoll is not available ({})", reason(Epoll.unavailabilityCause()));
        } else {
            LOG.info("FULLNAT proxy uses NIO: native transports disabled by configuration");
        }
        return new ProxyTransport("nio", false, false, NioIoHandler.newFactory(),
                NioServerSocketChannel::new, NioSocketChannel::new, NioDatagramChannel::new, null);
    }

    /** Null when this JVM can run the relay (Linux, native access, epoll), else why not. */
    private static String relayUnavailable() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "not Linux";
        }
        try {
            io.jlvs.sys.StreamSockets io = new io.jlvs.sys.StreamSockets();
            int fd = io.epollCreate();
            io.close(fd);
            return null;
        } catch (RuntimeException | LinkageError e) {
            return e.toString();
        }
    }

    private static String reason(Throwable cause) {
        return cause == null ? "unknown reason" : cause.toString();
    }
}
