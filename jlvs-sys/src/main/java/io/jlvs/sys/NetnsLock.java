package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A lock held by one process per network namespace: a UNIX socket bound to a name in the abstract namespace,
 * which belongs to the network namespace (not to a pid namespace or a file system). The kernel releases it
 * when the process closes it or dies, so a crash leaves nothing stale behind, and two processes in
 * different pid namespaces (containers sharing the host's network) still see each other's lock.
 */
public final class NetnsLock implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;

    private final Syscalls sys;
    private final int fd;
    private final String name;
    private boolean closed;

    private NetnsLock(Syscalls sys, int fd, String name) {
        this.sys = sys;
        this.fd = fd;
        this.name = name;
    }

    /** Takes the lock {@code name} (printed by {@code ss -xlp} as {@code @name}); empty when another process holds it. */
    public static Optional<NetnsLock> tryAcquire(String name) {
        Syscalls sys = new Syscalls();
        int fd = sys.socket(AF_UNIX, SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        try (Arena a = Arena.ofConfined()) {
            // sockaddr_un: sun_family, then sun_path whose first byte 0 makes the name abstract
            MemorySegment address = a.allocate(2 + 1 + n.length, 2);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(n, 0, address, ValueLayout.JAVA_BYTE, 3, n.length);
            sys.bind(fd, address);
            return Optional.of(new NetnsLock(sys, fd, name));
        } catch (NativeIoException e) {
            sys.close(fd);
            if (e.is(Errno.EADDRINUSE)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Whether another process holds {@code name} now (taken and given back at once when free). */
    public static boolean heldElsewhere(String name) {
        Optional<NetnsLock> l = tryAcquire(name);
        l.ifPresent(NetnsLock::close);
        return l.isEmpty();
    }

    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            sys.close(fd);
        }
    }
}
