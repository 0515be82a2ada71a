package io.jlvs.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A layer-3 TUN device (IFF_TUN | IFF_NO_PI) opened on {@code /dev/net/tun}: what is written to it is an IP
 * packet the local stack receives as if it came in on that interface; what the stack routes to it can be
 * read back. The device exists while this object is open (it is not persistent) and takes its addresses
 * with it when closed. One owning thread.
 */
public final class TunDevice implements AutoCloseable {
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_UP = 0x1;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final int SOCK_DGRAM = 2;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;

    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2), ERRNO);
    private static final MethodHandle WRITE = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("write").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);
    private static final MethodHandle READ = Libc.LINKER.downcallHandle(
            Libc.LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO);

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = arena.allocate(Libc.CAPTURE_LAYOUT);
    private final MemorySegment pollfd = arena.allocate(8, 4);
    private final int fd;
    private final String name;
    private boolean closed;

    private TunDevice(String requested) {
        if (requested.isEmpty() || requested.length() >= Abi.IFNAMSIZ) {
            throw new IllegalArgumentException("interface name must be 1..15 characters: " + requested);
        }
        int rc;
        try (Arena a = Arena.ofConfined()) {
            rc = (int) OPEN.invokeExact(errno, a.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
        } catch (Throwable t) {
            arena.close();
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = lastErrno();
            arena.close();
            throw new NativeIoException("open(/dev/net/tun)", e);
        }
        this.fd = rc;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, requested);
            ifr.set(ValueLayout.JAVA_SHORT, Abi.IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
            sys.ioctl(fd, TUNSETIFF, ifr, "TUNSETIFF " + requested);
            this.name = ifr.getString(0, StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            sys.close(fd);
            arena.close();
            throw e;
        }
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    /**
     * Creates the TUN device {@code name} (a {@code %d} in it lets the kernel number it). Needs
     * CAP_NET_ADMIN: throws {@link NativeIoException} (EPERM) without it, EBUSY when the name is taken.
     */
    public static TunDevice open(String name) {
        return new TunDevice(name);
    }

    /** The interface name the kernel gave the device. */
    public String name() {
        return name;
    }

    /** Sets the interface up (SIOCSIFFLAGS with IFF_UP), as {@code ip link set NAME up}. */
    public void up() {
        int sock = sys.socket(Abi.AF_INET, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(a, name);
            sys.ioctl(sock, SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS " + name);
            short flags = ifr.get(ValueLayout.JAVA_SHORT, Abi.IFNAMSIZ);
            ifr.set(ValueLayout.JAVA_SHORT, Abi.IFNAMSIZ, (short) (flags | IFF_UP));
            sys.ioctl(sock, SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS " + name);
        } finally {
            sys.close(sock);
        }
    }

    /**
     * Hands the IP packet at {@code offset, length} of {@code data} to the local stack. Returns the bytes
     * written; throws {@link NativeIoException} when the kernel refuses the packet (EINVAL for a malformed
     * one, EIO while the device is down). Safe from several threads (an IPv4 and an IPv6 tunnel endpoint).
     */
    public synchronized int write(MemorySegment data, long offset, int length) {
        long rc;
        try {
            rc = (long) WRITE.invokeExact(errno, fd, data.asSlice(offset, length), (long) length);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw new NativeIoException("write(" + name + ")", lastErrno());
        }
        return (int) rc;
    }

    /**
     * Waits up to {@code timeoutMillis} for a packet the stack routed to this device and reads it into
     * {@code buffer}. Returns its length, or -1 when none came in time.
     */
    public int read(MemorySegment buffer, int timeoutMillis) {
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        if (sys.poll(pollfd, 1, timeoutMillis) == 0) {
            return -1;
        }
        long rc;
        try {
            rc = (long) READ.invokeExact(errno, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = lastErrno();
            if (e == Errno.EAGAIN.number() || e == Errno.EINTR.number()) {
                return -1;
            }
            throw new NativeIoException("read(" + name + ")", e);
        }
        return (int) rc;
    }

    private int lastErrno() {
        return (int) Libc.ERRNO_HANDLE.get(errno, 0L);
    }

    private static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(Abi.IFREQ_SIZE, 8);
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(b.length, Abi.IFNAMSIZ - 1));
        return ifr;
    }


    /** Closes the descriptor; the kernel removes the device and its addresses. */
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
