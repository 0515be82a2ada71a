package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * Non-blocking TCP sockets and epoll for one thread (the FULLNAT relay's event loop). Hot-path calls
 * return the C result, or {@code -errno} when it failed, and throw nothing: EAGAIN and ECONNRESET are
 * ordinary events there. Buffers are native memory passed by address and offset. Each instance owns its
 * small argument segments, so no call allocates; an instance must stay on one thread.
 */
public final class StreamSockets {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLET = 1 << 31;
    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLL_CTL_MOD = 3;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int EAGAIN = 11;
    public static final int EINTR = 4;
    public static final int EINPROGRESS = 115;
    /** Size of one {@code struct epoll_event}: packed on x86-64 (12 bytes), padded elsewhere (16). */
    public static final int EPOLL_EVENT_SIZE = isX86() ? 12 : 16;
    private static final int EPOLL_DATA_OFFSET = isX86() ? 4 : 8;

    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SO_ERROR = 4;
    private static final int SO_REUSEPORT = 15;
    private static final int SOL_IP = 0;
    private static final int IP_FREEBIND = 15;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;

    private final MemorySegment state;
    private final MemorySegment event;
    private final MemorySegment option;
    private final MemorySegment optionLength;
    private final MemorySegment peer;
    private final MemorySegment peerLength;
    private final MemorySegment counter;

    public StreamSockets() {
        Arena arena = Arena.ofAuto();
        state = arena.allocate(Libc.CAPTURE_LAYOUT);
        event = arena.allocate(16, 8);
        option = arena.allocate(4, 4);
        optionLength = arena.allocate(4, 4);
        peer = arena.allocate(32, 8);
        peerLength = arena.allocate(4, 4);
        counter = arena.allocate(8, 8);
    }

    private static boolean isX86() {
        String arch = System.getProperty("os.arch", "");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private int errno() {
        return (int) Libc.ERRNO_HANDLE.get(state, 0L);
    }

    private int result(int rc) {
        return rc < 0 ? -errno() : rc;
    }

    private long result(long rc) {
        return rc < 0 ? -errno() : rc;
    }


    // ---- epoll ----

    /** A new epoll instance (close-on-exec); throws when the kernel refuses. */
    public int epollCreate() {
        int rc;
        try {
            rc = result((int) LibcStream.EPOLL_CREATE1.invokeExact(state, 0x80000));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw new NativeIoException("epoll_create1", -rc);
        }
        return rc;
    }

    /** epoll_ctl with {@code events} and {@code token} as the event's data; 0 or -errno. */
    public int epollCtl(int epfd, int op, int fd, int events, long token) {
        event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, EPOLL_DATA_OFFSET, token);
        try {
            return result((int) LibcStream.EPOLL_CTL.invokeExact(state, epfd, op, fd, event.address()));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Waits for up to {@code max} events into {@code events} (EPOLL_EVENT_SIZE each); count or -errno. */
    public int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return result((int) LibcStream.EPOLL_WAIT.invokeExact(state, epfd, events.address(), max, timeoutMillis));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The event mask of entry {@code i} of an epoll_wait result. */
    public static int eventMask(MemorySegment events, int i) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, (long) i * EPOLL_EVENT_SIZE);
    }

    /** The token of entry {@code i} of an epoll_wait result. */
    public static long eventToken(MemorySegment events, int i) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET);
    }

    // ---- eventfd (wake-ups from other threads) ----

    public int eventfd() {
        int rc;
        try {
            rc = result((int) LibcStream.EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw new NativeIoException("eventfd", -rc);
        }
        return rc;
    }

    /** Adds one to an eventfd's counter; 8 or -errno. */
    public long eventfdSignal(int fd) {
        counter.set(ValueLayout.JAVA_LONG, 0, 1L);
        try {
            return result((long) LibcStream.WRITE.invokeExact(state, fd, counter.address(), 8L));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Resets an eventfd's counter; 8 or -errno (-EAGAIN when it was zero). */
    public long eventfdDrain(int fd) {
        try {
            return result((long) LibcStream.READ.invokeExact(state, fd, counter.address(), 8L));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    // ---- sockets ----

    /** A non-blocking, close-on-exec TCP socket of {@code family}; fd or -errno. */
    public int socket(int family) {
        try {
            return result((int) LibcStream.SOCKET.invokeExact(state, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * A listening TCP socket on {@code address}: SO_REUSEADDR, SO_REUSEPORT when {@code reusePort},
     * IP_FREEBIND (a VIP need not be configured yet, as a keepalived BACKUP's is not), IPV6_V6ONLY for IPv6,
     * TCP_NODELAY (inherited by the sockets it accepts).
     *
     * @throws NativeIoException naming the call that failed (bind: EADDRINUSE when the port is taken)
     */
    public int listen(InetSocketAddress address, boolean reusePort, int backlog) {
        boolean v6 = address.getAddress() instanceof java.net.Inet6Address;
        int fd = socket(v6 ? AF_INET6 : AF_INET);
        if (fd < 0) {
            throw new NativeIoException("socket", -fd);
        }
        try (Arena arena = Arena.ofConfined()) {
            check(fd, setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1), "setsockopt(SO_REUSEADDR)");
            if (reusePort) {
                check(fd, setIntOption(fd, SOL_SOCKET, SO_REUSEPORT, 1), "setsockopt(SO_REUSEPORT)");
            }
            check(fd, setIntOption(fd, SOL_IP, IP_FREEBIND, 1), "setsockopt(IP_FREEBIND)");
            // accepted sockets inherit it: no setsockopt per connection
            check(fd, setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1), "setsockopt(TCP_NODELAY)");
            if (v6) {
                check(fd, setIntOption(fd, SOL_IPV6, IPV6_V6ONLY, 1), "setsockopt(IPV6_V6ONLY)");
            }
            MemorySegment sa = arena.allocate(28, 8);
            int len = sockaddr(sa, IpAddress.of(address.getAddress()), address.getPort());
            int rc;
            try {
                rc = result((int) LibcStream.BIND.invokeExact(state, fd, sa.address(), len));
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
            check(fd, rc, "bind(" + address + ")");
            try {
                rc = result((int) LibcStream.LISTEN.invokeExact(state, fd, backlog));
            } catch (Throwable t) {
                throw Libc.rethrow(t);
            }
            check(fd, rc, "listen");
        }
        return fd;
    }

    private void check(int fd, int rc, String call) {
        if (rc < 0) {
            close(fd);
            throw new NativeIoException(call, -rc);
        }
    }

    /** The port {@code fd} is bound to (getsockname), or -errno. */
    public int localPort(int fd) {
        peerLength.set(ValueLayout.JAVA_INT, 0, 28);
        int rc;
        try {
            rc = result((int) LibcStream.GETSOCKNAME.invokeExact(state, fd, peer.address(), peerLength.address()));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return rc < 0 ? rc : peerPort();
    }

    /**
     * accept4, non-blocking and close-on-exec; fd or -errno. The client's address is then readable with
     * {@link #peerFamily()}, {@link #peerPort()} and {@link #peerAddress()}.
     */
    public int accept(int listenFd) {
        peerLength.set(ValueLayout.JAVA_INT, 0, 28);
        try {
            return result((int) LibcStream.ACCEPT4.invokeExact(state, listenFd, peer.address(), peerLength.address(),
                    SOCK_NONBLOCK | SOCK_CLOEXEC));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int peerFamily() {
        return peer.get(ValueLayout.JAVA_SHORT, 0) & 0xffff;
    }

    public int peerPort() {
        return Short.toUnsignedInt(Short.reverseBytes(peer.get(ValueLayout.JAVA_SHORT, 2)));
    }

    /** The last accepted client's address. */
    public IpAddress peerAddress() {
        if (peerFamily() == AF_INET) {
            return IpAddress.ofV4(Integer.reverseBytes(peer.get(ValueLayout.JAVA_INT, 4)));
        }
        return IpAddress.ofV6(Long.reverseBytes(peer.get(ValueLayout.JAVA_LONG, 8)),
                Long.reverseBytes(peer.get(ValueLayout.JAVA_LONG, 16)));
    }

    /**
     * Writes a sockaddr_in or sockaddr_in6 for {@code address}:{@code port} into {@code into} (at least
     * 28 bytes) and returns its length.
     */
    public static int sockaddr(MemorySegment into, IpAddress address, int port) {
        into.fill((byte) 0);
        short bePort = Short.reverseBytes((short) port);
        if (address.isV4()) {
            into.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            into.set(ValueLayout.JAVA_SHORT, 2, bePort);
            into.set(ValueLayout.JAVA_INT, 4, Integer.reverseBytes(address.v4()));
            return 16;
        }
        into.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        into.set(ValueLayout.JAVA_SHORT, 2, bePort);
        into.set(ValueLayout.JAVA_LONG, 8, Long.reverseBytes(address.hi()));
        into.set(ValueLayout.JAVA_LONG, 16, Long.reverseBytes(address.lo()));
        return 28;
    }

    /** bind to a sockaddr made by {@link #sockaddr} (a source address before connect); 0 or -errno. */
    public int bind(int fd, MemorySegment sockaddr, int length) {
        try {
            return result((int) LibcStream.BIND.invokeExact(state, fd, sockaddr.address(), length));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** connect to a sockaddr made by {@link #sockaddr}; 0, -EINPROGRESS or another -errno. */
    public int connect(int fd, MemorySegment sockaddr, int length) {
        try {
            return result((int) LibcStream.CONNECT.invokeExact(state, fd, sockaddr.address(), length));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** recv into {@code buffer} at {@code offset}; bytes, 0 at end of stream, or -errno. */
    public long recv(int fd, MemorySegment buffer, long offset, long length) {
        try {
            return result((long) LibcStream.RECV.invokeExact(state, fd, buffer.address() + offset, length, 0));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** send without blocking and without SIGPIPE; bytes taken or -errno. */
    public long send(int fd, MemorySegment buffer, long offset, long length) {
        try {
            return result((long) LibcStream.SEND.invokeExact(state, fd, buffer.address() + offset, length,
                    MSG_DONTWAIT | MSG_NOSIGNAL));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int shutdown(int fd, int how) {
        try {
            return result((int) LibcStream.SHUTDOWN.invokeExact(state, fd, how));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int close(int fd) {
        try {
            return result((int) LibcStream.CLOSE.invokeExact(state, fd));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** TCP_NODELAY on; 0 or -errno. */
    public int noDelay(int fd) {
        return setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    }

    /** TCP_NODELAY's value (1 or 0), or -errno. */
    public int noDelayOption(int fd) {
        return intOption(fd, IPPROTO_TCP, TCP_NODELAY);
    }

    /** The pending socket error (SO_ERROR, cleared by reading it): 0 or a positive errno; -errno on failure. */
    public int socketError(int fd) {
        return intOption(fd, SOL_SOCKET, SO_ERROR);
    }

    private int setIntOption(int fd, int level, int name, int value) {
        option.set(ValueLayout.JAVA_INT, 0, value);
        try {
            return result((int) LibcStream.SETSOCKOPT.invokeExact(state, fd, level, name, option.address(), 4));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    private int intOption(int fd, int level, int name) {
        optionLength.set(ValueLayout.JAVA_INT, 0, 4);
        int rc;
        try {
            rc = result((int) LibcStream.GETSOCKOPT.invokeExact(state, fd, level, name, option.address(),
                    optionLength.address()));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return rc < 0 ? rc : option.get(ValueLayout.JAVA_INT, 0);
    }
}
