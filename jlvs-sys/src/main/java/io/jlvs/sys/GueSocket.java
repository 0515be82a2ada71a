package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The UDP socket a TUN real server's GUE endpoint receives on: bound to [::]:port for both families (IPv4 as
 * mapped addresses, IPV6_V6ONLY off), with UDP_NO_CHECK6_RX on, so that GUE over IPv6 without a UDP checksum,
 * which the director sends for {@code --tun-nocsum} as the kernel's IPVS does (RFC 6935 allows tunnels over
 * IPv6 a zero checksum), is accepted rather than dropped by the kernel as a checksum error, as fou's sockets
 * accept it. What the JDK's DatagramSocket cannot set. On a host without IPv6 (booted with ipv6.disable=1,
 * where AF_INET6 sockets fail with EAFNOSUPPORT) it is bound to 0.0.0.0:port, IPv4 alone, as the DatagramSocket
 * it replaced was. One thread receives.
 */
public final class GueSocket implements AutoCloseable {
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int SOL_UDP = 17;
    private static final int UDP_NO_CHECK6_RX = 102;
    private static final int SOCKADDR_IN6_SIZE = 28;
    private static final int SOCKADDR_IN_SIZE = 16;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfd = arena.allocate(8, 4);
    private final int fd;
    private boolean closed;

    private GueSocket(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("GUE port must be 1..65535: " + port);
        }
        boolean ipv6 = true;
        int socket;
        try {
            socket = sys.socket(AF_INET6, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        } catch (NativeIoException e) {
            if (!e.is(Errno.EAFNOSUPPORT)) {
                arena.close();
                throw e;
            }
            ipv6 = false;
            socket = openIpv4();
        }
        fd = socket;
        try {
            MemorySegment any;
            if (ipv6) {
                setInt(IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
                setInt(SOL_UDP, UDP_NO_CHECK6_RX, 1, "UDP_NO_CHECK6_RX");
                any = arena.allocate(SOCKADDR_IN6_SIZE, 4);
                any.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            } else {
                any = arena.allocate(SOCKADDR_IN_SIZE, 4);
                any.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_INET);
            }
            any.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
            sys.bind(fd, any);
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    private int openIpv4() {
        try {
            return sys.socket(Abi.AF_INET, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Binds [::]:{@code port} (0.0.0.0:{@code port} without IPv6); {@link NativeIoException} (EADDRINUSE, ...)
     * when the kernel refuses.
     */
    public static GueSocket open(int port) {
        return new GueSocket(port);
    }

    /** Asks for a receive buffer of {@code bytes} (SO_RCVBUFFORCE, else SO_RCVBUF). */
    public GueSocket receiveBuffer(int bytes) {
        try {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
        } catch (NativeIoException e) {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
        return this;
    }

    /**
     * Waits up to {@code timeoutMillis} for a datagram and writes its payload into {@code buffer}; returns its
     * length (cut to the buffer), or -1 when none came in time.
     */
    public int receive(MemorySegment buffer, int timeoutMillis) {
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        if (sys.poll(pollfd, 1, timeoutMillis) == 0) {
            return -1;
        }
        return (int) sys.recvfrom(fd, buffer, Abi.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
    }

    private void setInt(int level, int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, level, option, a.allocateFrom(ValueLayout.JAVA_INT, value), label);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sys.close(fd);
        arena.close();
    }
}
