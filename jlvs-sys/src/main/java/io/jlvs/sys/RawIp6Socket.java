package io.jlvs.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

/**
 * A raw IPv6 socket for one next-header value (112 for VRRP, 58 for ICMPv6). IPv6 raw sockets never carry the
 * IP header: sends give the payload and the kernel builds the header (source from {@link #bind}, hop limit from
 * {@link #hopLimit}); receives are handed back as a whole IPv6 packet rebuilt from what {@code recvmsg} tells
 * (source, destination from IPV6_PKTINFO, hop limit from IPV6_HOPLIMIT), so a decoder can check the hop limit
 * and a pseudo-header checksum. Linux x86_64/aarch64 ABI. One owning thread.
 */
public final class RawIp6Socket implements AutoCloseable {
    /** AF_INET6. */
    static final int AF_INET6 = 10;
    static final int SOL_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int IPV6_UNICAST_HOPS = 16;
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_ADD_MEMBERSHIP = 20;
    static final int IPV6_DROP_MEMBERSHIP = 21;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int ICMP6_FILTER = 1;
    static final int SOCKADDR_IN6_SIZE = 28;
    /** The rebuilt IPv6 header in front of every received payload. */
    public static final int HEADER = 40;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int MAX_PAYLOAD = 65535;
    private static final int CONTROL_SIZE = 128;
    private static final MethodHandle RECVMSG = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("recvmsg").orElseThrow(() -> new UnsatisfiedLinkError("no recvmsg")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errnoState = arena.allocate(Libc.CAPTURE_LAYOUT);
    private final int fd;
    private final int protocol;
    private final MemorySegment sendBuffer;
    private final MemorySegment receiveBuffer;
    private final MemorySegment destination;
    private final MemorySegment source;
    private final MemorySegment control;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    private final MemorySegment pollfd;
    private boolean closed;

    private RawIp6Socket(int protocol) {
        if (protocol < 1 || protocol > 255) {
            throw new IllegalArgumentException("IP protocol must be 1..255: " + protocol);
        }
        this.protocol = protocol;
        this.fd = sys.socket(AF_INET6, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, protocol);
        try {
            setInt(SOL_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            setInt(SOL_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
        this.sendBuffer = arena.allocate(MAX_PAYLOAD, 16);
        this.receiveBuffer = arena.allocate(MAX_PAYLOAD, 16);
        this.destination = arena.allocate(SOCKADDR_IN6_SIZE, 8);
        this.source = arena.allocate(SOCKADDR_IN6_SIZE, 8);
        this.control = arena.allocate(CONTROL_SIZE, 8);
        this.iov = arena.allocate(16, 8);
        this.msghdr = arena.allocate(56, 8);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    /** Opens a raw IPv6 socket for {@code protocol}. Needs CAP_NET_RAW; {@link NativeIoException} (EPERM) without. */
    public static RawIp6Socket open(int protocol) {
        return new RawIp6Socket(protocol);
    }

    public int protocol() {
        return protocol;
    }

    private void setInt(int level, int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, level, option, a.allocateFrom(ValueLayout.JAVA_INT, value), label);
        }
    }

    private static IpAddress v6(IpAddress a) {
        if (a.isV4()) {
            throw new IllegalArgumentException("RawIp6Socket is IPv6: " + a);
        }
        return a;
    }

    static void sockaddr(MemorySegment s, IpAddress address, int scopeId) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(v6(address).toBytes(), 0, s, ValueLayout.JAVA_BYTE, 8, 16);
        s.set(ValueLayout.JAVA_INT, 24, scopeId);
    }

    /**
     * Asks for a receive buffer of {@code bytes} (SO_RCVBUFFORCE, past net.core.rmem_max, with CAP_NET_ADMIN;
     * else SO_RCVBUF, capped by rmem_max), as {@link RawIpSocket#receiveBuffer}: a tunnel's TCP bursts overflow
     * the default.
     */
    public RawIp6Socket receiveBuffer(int bytes) {
        try {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
        } catch (NativeIoException e) {
            setInt(Abi.SOL_SOCKET, Abi.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
        return this;
    }

    /** Receives and sends only through {@code interfaceName} (SO_BINDTODEVICE). */
    public void bindToDevice(String interfaceName) {
        try (Arena a = Arena.ofConfined()) {
            sys.setsockopt(fd, Abi.SOL_SOCKET, Abi.SO_BINDTODEVICE, a.allocateFrom(interfaceName),
                    "SO_BINDTODEVICE " + interfaceName);
        }
    }

    /**
     * Sends from {@code address} (a link-local one needs the interface index as {@code scopeId}). Multicast the
     * socket joined is still received.
     */
    public void bind(IpAddress address, int scopeId) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(SOCKADDR_IN6_SIZE, 8);
            sockaddr(s, address, scopeId);
            sys.bind(fd, s);
        }
    }

    private void mreq(int option, IpAddress group, int ifindex, String label) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(20, 4);
            MemorySegment.copy(v6(group).toBytes(), 0, m, ValueLayout.JAVA_BYTE, 0, 16);
            m.set(ValueLayout.JAVA_INT, 16, ifindex);
            sys.setsockopt(fd, SOL_IPV6, option, m, label);
        }
    }

    /** Joins {@code group} on the interface with index {@code ifindex} (IPV6_ADD_MEMBERSHIP). */
    public void joinGroup(IpAddress group, int ifindex) {
        mreq(IPV6_ADD_MEMBERSHIP, group, ifindex, "IPV6_ADD_MEMBERSHIP " + group);
    }

    public void leaveGroup(IpAddress group, int ifindex) {
        mreq(IPV6_DROP_MEMBERSHIP, group, ifindex, "IPV6_DROP_MEMBERSHIP " + group);
    }

    /** Sends multicast out of the interface with index {@code ifindex} (IPV6_MULTICAST_IF). */
    public void multicastInterface(int ifindex) {
        setInt(SOL_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF");
    }

    /** The hop limit of both multicast and unicast sends. */
    public void hopLimit(int hops) {
        setInt(SOL_IPV6, IPV6_MULTICAST_HOPS, hops, "IPV6_MULTICAST_HOPS");
        setInt(SOL_IPV6, IPV6_UNICAST_HOPS, hops, "IPV6_UNICAST_HOPS");
    }

    /** Whether this host's own sockets also receive the multicast it sends (on by default). */
    public void multicastLoop(boolean loop) {
        setInt(SOL_IPV6, IPV6_MULTICAST_LOOP, loop ? 1 : 0, "IPV6_MULTICAST_LOOP");
    }

    /** For an ICMPv6 socket: receive no ICMPv6 message at all (a send-only socket keeps no queue). */
    public void blockAllIcmp6() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment filter = a.allocate(32, 4);
            filter.fill((byte) 0xff);
            sys.setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, filter, "ICMP6_FILTER");
        }
    }

    /**
     * Sends {@code length} payload bytes at {@code offset} of {@code data} to {@code to} ({@code scopeId}: the
     * interface index for a link-local or multicast destination, else 0). Returns the bytes sent, or -1 when the
     * socket's queue is full.
     */
    public int send(IpAddress to, int scopeId, MemorySegment data, long offset, int length) {
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload length out of range: " + length);
        }
        MemorySegment.copy(data, offset, sendBuffer, 0, length);
        sockaddr(destination, to, scopeId);
        return (int) sys.sendto(fd, sendBuffer, length, 0, destination);
    }

    public int send(IpAddress to, int scopeId, byte[] payload) {
        return send(to, scopeId, MemorySegment.ofArray(payload), 0, payload.length);
    }

    /**
     * Waits up to {@code timeoutMillis} for one packet and writes it into {@code buffer} as a whole IPv6 packet:
     * a rebuilt {@value #HEADER}-byte header (payload length, next header, received hop limit, source,
     * destination) then the payload. Returns the length (cut to the buffer), or -1 when none came in time.
     * The hop limit is 0 and the destination :: if the kernel did not say.
     */
    public int receive(MemorySegment buffer, int timeoutMillis) {
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        if (sys.poll(pollfd, 1, timeoutMillis) == 0) {
            return -1;
        }
        iov.set(ADDRESS, 0, receiveBuffer);
        iov.set(JAVA_LONG, 8, receiveBuffer.byteSize());
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 0, source);
        msghdr.set(JAVA_INT, 8, SOCKADDR_IN6_SIZE);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        msghdr.set(JAVA_LONG, 40, CONTROL_SIZE);
        long n;
        try {
            n = (long) RECVMSG.invokeExact(errnoState, fd, msghdr, Abi.MSG_DONTWAIT);
        } catch (Throwable t) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
        }
        if (n < 0) {
            int e = (int) Libc.ERRNO_HANDLE.get(errnoState, 0L);
            if (e == Errno.EAGAIN.number() || e == Errno.EINTR.number()) {
                return -1;
            }
            throw new NativeIoException("recvmsg", e);
        }
        int hops = 0;
        long controlLength = msghdr.get(JAVA_LONG, 40);
        long dstAt = -1;
        for (long at = 0; at + 16 <= controlLength; ) {
            long len = control.get(JAVA_LONG, at);
            if (len < 16 || at + len > controlLength) {
                break;
            }
            int level = control.get(JAVA_INT, at + 8);
            int type = control.get(JAVA_INT, at + 12);
            if (level == SOL_IPV6 && type == IPV6_HOPLIMIT && len >= 20) {
                hops = control.get(JAVA_INT, at + 16);
            } else if (level == SOL_IPV6 && type == IPV6_PKTINFO && len >= 36) {
                dstAt = at + 16;
            }
            at += (len + 7) & ~7L;
        }
        int payload = (int) Math.min(n, MAX_PAYLOAD);
        if (buffer.byteSize() < HEADER) {
            return -1;
        }
        buffer.asSlice(0, HEADER).fill((byte) 0);
        buffer.set(BE32, 0, 6 << 28);
        buffer.set(BE16, 4, (short) payload);
        buffer.set(ValueLayout.JAVA_BYTE, 6, (byte) protocol);
        buffer.set(ValueLayout.JAVA_BYTE, 7, (byte) hops);
        MemorySegment.copy(source, 8, buffer, 8, 16);
        if (dstAt >= 0) {
            MemorySegment.copy(control, dstAt, buffer, 24, 16);
        }
        int len = (int) Math.min(payload, buffer.byteSize() - HEADER);
        MemorySegment.copy(receiveBuffer, 0, buffer, HEADER, len);
        return HEADER + len;
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
