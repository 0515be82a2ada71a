package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * A raw IPv4 socket for one IP protocol (SOCK_RAW, e.g. 112 for VRRP): sends payloads (or whole packets with
 * {@code IP_HDRINCL}) and receives whole IP packets, header included, as the kernel hands them to raw
 * sockets. Multicast membership, interface and TTL as VRRP needs them. One owning thread.
 */
public final class RawIpSocket implements AutoCloseable {
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int MAX_PACKET = 65535;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int protocol;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment destination;
    private final MemorySegment pollfd;
    private boolean closed;

    private RawIpSocket(int protocol, boolean headerIncluded) {
        if (protocol < 1 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be 1..255: " + protocol);
        }
        this.protocol = protocol;
        this.fd = sys.socket(Abi.AF_INET, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, protocol);
        try {
            if (headerIncluded) {
                setInt(Abi.SOL_IP, Abi.IP_HDRINCL, 1, "IP_HDRINCL");
            }
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
        this.sendBuffer = arena.allocate(MAX_PACKET, 16);
        this.receiveBuffer = arena.allocate(MAX_PACKET, 16);
        this.destination = arena.allocate(Abi.SOCKADDR_IN_SIZE, 4);
        destination.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_INET);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    /**
     * Opens a raw socket for {@code protocol}; with {@code headerIncluded} every send carries its own IPv4
     * header (IP_HDRINCL). Needs CAP_NET_RAW; throws {@link NativeIoException} (EPERM) without it.
     */
    public static RawIpSocket open(int protocol, boolean headerIncluded) {
        return new RawIpSocket(protocol, headerIncluded);
    }

    public int protocol() {
        return protocol;
    }

    /**
     * Asks for a receive buffer of {@code bytes} (SO_RCVBUFFORCE, past net.core.rmem_max, with CAP_NET_ADMIN;
     * else SO_RCVBUF, capped by rmem_max): a burst larger than the default (~200 KiB) is dropped by the
     * kernel before it is read.
     */
    public RawIpSocket receiveBuffer(int bytes) {
        try {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
        } catch (NativeIoException e) {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
        return this;
    }

    /** The receive buffer the kernel granted (SO_RCVBUF: twice what was asked, for its bookkeeping). */
    public int receiveBufferSize() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            sys.getsockopt(fd, Abi.SOL_SOCKET, Abi.SO_RCVBUF, v, a.allocate(ValueLayout.JAVA_INT), "SO_RCVBUF");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private void setInt(int level, int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, level, option, a.allocateFrom(ValueLayout.JAVA_INT, value), label);
        }
    }

    private void mreqn(int option, IpAddress group, int ifindex, String label) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(12, 4);
            m.set(BE32, 0, group == null ? 0 : v4(group).v4());
            m.set(ValueLayout.JAVA_INT, 8, ifindex);
            sys.setsockopt(fd, Abi.SOL_IP, option, m, label);
        }
    }

    private static IpAddress v4(IpAddress a) {
        if (!a.isV4()) {
            throw new IllegalArgumentException("RawIpSocket is IPv4: " + a);
        }
        return a;
    }

    /** Receives and sends only through {@code interfaceName} (SO_BINDTODEVICE). */
    public void bindToDevice(String interfaceName) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_BINDTODEVICE, a.allocateFrom(interfaceName),
                    "SO_BINDTODEVICE " + interfaceName);
        }
    }

    /** Joins {@code group} on the interface with index {@code ifindex} (IP_ADD_MEMBERSHIP). */
    public void joinGroup(IpAddress group, int ifindex) {
        mreqn(Abi.IP_ADD_MEMBERSHIP, group, ifindex, "IP_ADD_MEMBERSHIP " + group);
    }

    public void leaveGroup(IpAddress group, int ifindex) {
        mreqn(Abi.IP_DROP_MEMBERSHIP, group, ifindex, "IP_DROP_MEMBERSHIP " + group);
    }

    /** Sends multicast out of the interface with index {@code ifindex} (IP_MULTICAST_IF). */
    public void multicastInterface(int ifindex) {
        mreqn(Abi.IP_MULTICAST_IF, null, ifindex, "IP_MULTICAST_IF");
    }

    public void multicastTtl(int ttl) {
        setInt(Abi.SOL_IP, Abi.IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
    }

    /** Whether this host's own sockets also receive the multicast it sends (on by default). */
    public void multicastLoop(boolean loop) {
        setInt(Abi.SOL_IP, Abi.IP_MULTICAST_LOOP, loop ? 1 : 0, "IP_MULTICAST_LOOP");
    }

    /**
     * Sends {@code length} bytes at {@code offset} of {@code data} to {@code to}: the payload, or the whole
     * packet with IP_HDRINCL. Returns the bytes sent, or -1 when the socket's queue is full.
     */
    public int send(IpAddress to, MemorySegment data, long offset, int length) {
        if (length < 0 || length > MAX_PACKET) {
            throw new IllegalArgumentException("packet length out of range: " + length);
        }
        MemorySegment.copy(data, offset, sendBuffer, 0, length);
        destination.set(BE32, 4, v4(to).v4());
        return (int) sys.sendto(fd, sendBuffer, length, 0, destination);
    }

    public int send(IpAddress to, byte[] data) {
        return send(to, MemorySegment.ofArray(data), 0, data.length);
    }

    /**
     * Waits up to {@code timeoutMillis} for one packet and copies it, IP header first, into {@code buffer}.
     * Returns its length (cut to the buffer), or -1 when none came in time.
     */
    public int receive(MemorySegment buffer, int timeoutMillis) {
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        if (sys.poll(pollfd, 1, timeoutMillis) == 0) {
            return -1;
        }
        long n = sys.recvfrom(fd, receiveBuffer, Abi.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
        if (n < 0) {
            return -1;
        }
        int len = (int) Math.min(n, buffer.byteSize());
        MemorySegment.copy(receiveBuffer, 0, buffer, 0, len);
        return len;
    }

    /** As {@link #receive(MemorySegment, int)}, into a new array; empty when nothing came in time. */
    public Optional<byte[]> receive(int timeoutMillis) {
        byte[] out = new byte[MAX_PACKET];
        int n = receive(MemorySegment.ofArray(out), timeoutMillis);
        return n < 0 ? Optional.empty() : Optional.of(java.util.Arrays.copyOf(out, n));
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
