package io.jlvs.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

/**
 * A UDP socket whose outgoing TTL / hop limit is set (IP_TTL, IPV6_UNICAST_HOPS) and whose received datagrams
 * carry theirs (IP_RECVTTL / IPV6_RECVHOPLIMIT, read from recvmsg's control messages): what the JDK's
 * DatagramChannel cannot do, and what BFD's single-hop check (RFC 5881 5, GTSM) needs. IPv4 or IPv6.
 * {@link #send} may be called from any thread; {@link #receive} from one thread at a time.
 */
public final class UdpTtlSocket implements AutoCloseable {
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int IPPROTO_IPV6 = 41;
    private static final int SO_REUSEADDR = 2;
    private static final int IP_TTL = 2;
    private static final int IP_PKTINFO = 8;
    private static final int IP_RECVTTL = 12;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_RECVHOPLIMIT = 51;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int SOCKADDR_IN6_SIZE = 28;
    private static final int MAX_DATAGRAM = 65535;
    private static final int CONTROL_SIZE = 256;
    private static final ValueLayout.OfInt BE32 = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE64 = JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN);
    private static final MethodHandle RECVMSG = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("recvmsg").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("getsockname").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private final boolean v6;
    private final int fd;
    private final Arena arena = Arena.ofAuto();
    private final Syscalls sendSys = new Syscalls();
    private final Syscalls receiveSys = new Syscalls();
    private final MemorySegment sendBuffer;
    private final MemorySegment destination;
    private final MemorySegment receiveBuffer;
    private final MemorySegment source;
    private final MemorySegment control;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    private final MemorySegment pollfd;
    private volatile boolean closed;

    private UdpTtlSocket(boolean v6, IpAddress bindAddress, int port, int ttl) {
        this.v6 = v6;
        this.fd = sendSys.socket(v6 ? AF_INET6 : Abi.AF_INET, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        try {
            int level = v6 ? IPPROTO_IPV6 : Abi.SOL_IP;
            setInt(Abi.SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (v6) {
                setInt(level, IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            }
            setInt(level, v6 ? IPV6_UNICAST_HOPS : IP_TTL, ttl, v6 ? "IPV6_UNICAST_HOPS" : "IP_TTL");
            setInt(level, v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, 1, v6 ? "IPV6_RECVHOPLIMIT" : "IP_RECVTTL");
            setInt(level, v6 ? IPV6_RECVPKTINFO : IP_PKTINFO, 1, v6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO");
            sendSys.bind(fd, sockaddr(arena, bindAddress, port));
        } catch (RuntimeException e) {
            sendSys.close(fd);
            throw e;
        }
        this.sendBuffer = arena.allocate(MAX_DATAGRAM, 16);
        this.destination = arena.allocate(v6 ? SOCKADDR_IN6_SIZE : Abi.SOCKADDR_IN_SIZE, 8);
        this.receiveBuffer = arena.allocate(MAX_DATAGRAM, 16);
        this.source = arena.allocate(SOCKADDR_IN6_SIZE, 8);
        this.control = arena.allocate(CONTROL_SIZE, 8);
        this.iov = arena.allocate(16, 8);
        this.msghdr = arena.allocate(56, 8);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(JAVA_INT, 0, fd);
    }

    /**
     * Opens a UDP socket bound to {@code bindAddress} (null: any address of {@code family}'s) and {@code port}
     * (0: the kernel picks), sending with TTL / hop limit {@code ttl}.
     */
    public static UdpTtlSocket open(boolean ipv6, IpAddress bindAddress, int port, int ttl) {
        if (ttl < 1 || ttl > 255) {
            throw new IllegalArgumentException("ttl must be 1..255: " + ttl);
        }
        if (bindAddress != null && bindAddress.isV4() == ipv6) {
            throw new IllegalArgumentException("bind address " + bindAddress + " is not of the socket's family");
        }
        return new UdpTtlSocket(ipv6, bindAddress, port, ttl);
    }

    /** The local port (getsockname). */
    public int localPort() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = a.allocate(SOCKADDR_IN6_SIZE, 8);
            MemorySegment len = a.allocateFrom(JAVA_INT, SOCKADDR_IN6_SIZE);
            int rc = (int) GETSOCKNAME.invokeExact(fd, addr, len);
            if (rc < 0) {
                throw new NativeIoException("getsockname", 0);
            }
            return Short.toUnsignedInt(addr.get(BE16, 2));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void setInt(int level, int option, int value, String label) {
        try (Arena a = Arena.ofConfined()) {
            sendSys.setsockopt(fd, level, option, a.allocateFrom(JAVA_INT, value), label);
        }
    }

    private MemorySegment sockaddr(Arena a, IpAddress address, int port) {
        MemorySegment s = a.allocate(v6 ? SOCKADDR_IN6_SIZE : Abi.SOCKADDR_IN_SIZE, 8);
        fill(s, address, port);
        return s;
    }

    private void fill(MemorySegment s, IpAddress address, int port) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) (v6 ? AF_INET6 : Abi.AF_INET));
        s.set(BE16, 2, (short) port);
        if (address != null) {
            if (v6) {
                s.set(BE64, 8, address.hi());
                s.set(BE64, 16, address.lo());
            } else {
                s.set(BE32, 4, address.v4());
            }
        }
    }

    /** Sends {@code data} to {@code to}:{@code port}; false when the send queue is full. */
    public synchronized boolean send(IpAddress to, int port, byte[] data) {
        if (to.isV4() == v6) {
            throw new IllegalArgumentException(to + " is not of the socket's family");
        }
        MemorySegment.copy(MemorySegment.ofArray(data), 0, sendBuffer, 0, data.length);
        fill(destination, to, port);
        return sendSys.sendto(fd, sendBuffer, data.length, Abi.MSG_DONTWAIT, destination) >= 0;
    }

    /** Waits up to {@code timeoutMillis} for one datagram; null when none came (or the socket was closed). */
    public UdpDatagram receive(int timeoutMillis) {
        if (closed) {
            return null;
        }
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        if (receiveSys.poll(pollfd, 1, timeoutMillis) == 0 || closed) {
            return null;
        }
        iov.set(ADDRESS, 0, receiveBuffer);
        iov.set(JAVA_LONG, 8, receiveBuffer.byteSize());
        msghdr.fill((byte) 0);
        msghdr.set(ADDRESS, 0, source);
        msghdr.set(JAVA_INT, 8, SOCKADDR_IN6_SIZE);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1L);
        msghdr.set(ADDRESS, 32, control);
        msghdr.set(JAVA_LONG, 40, (long) CONTROL_SIZE);
        long n;
        try {
            n = (long) RECVMSG.invokeExact(fd, msghdr, Abi.MSG_DONTWAIT);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (n < 0) {
            return null;
        }
        IpAddress from = v6 ? IpAddress.ofV6(source.get(BE64, 8), source.get(BE64, 16))
                : IpAddress.ofV4(source.get(BE32, 4));
        int fromPort = Short.toUnsignedInt(source.get(BE16, 2));
        int ttl = -1;
        IpAddress to = null;
        long controlLength = msghdr.get(JAVA_LONG, 40);
        long at = 0;
        while (at + 16 <= controlLength) {
            long len = control.get(JAVA_LONG, at);
            int level = control.get(JAVA_INT, at + 8);
            int type = control.get(JAVA_INT, at + 12);
            if (len < 16 || at + len > controlLength) {
                break;
            }
            if (!v6 && level == Abi.SOL_IP && type == IP_TTL || v6 && level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT) {
                ttl = control.get(JAVA_INT, at + 16);
            } else if (!v6 && level == Abi.SOL_IP && type == IP_PKTINFO && len >= 28) {
                to = IpAddress.ofV4(control.get(BE32, at + 16 + 8));
            } else if (v6 && level == IPPROTO_IPV6 && type == IPV6_PKTINFO && len >= 36) {
                to = IpAddress.ofV6(control.get(BE64, at + 16), control.get(BE64, at + 24));
            }
            at += (len + 7) & ~7L;
        }
        int length = (int) n;
        byte[] data = new byte[length];
        MemorySegment.copy(receiveBuffer, 0, MemorySegment.ofArray(data), 0, length);
        return new UdpDatagram(from, fromPort, to, data, length, ttl);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (this) {
            sendSys.close(fd);
        }
    }
}
