package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The system calls jlvs makes, as Java methods: each returns the C result or throws a
 * {@link NativeIoException} carrying the errno the call set. One instance per owning thread: errno is
 * captured into this instance's own small segment, so a call allocates nothing.
 */
public final class Syscalls {
    private final MemorySegment state;

    public Syscalls() {
        this.state = Arena.ofAuto().allocate(Libc.CAPTURE_LAYOUT);
    }

    private int errno() {
        return (int) Libc.ERRNO_HANDLE.get(state, 0L);
    }

    private NativeIoException fail(String call) {
        return new NativeIoException(call, errno());
    }


    public int socket(int domain, int type, int protocol) {
        int rc;
        try {
            rc = (int) Libc.SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("socket(" + family(domain) + ", " + (type & 0xf) + ", " + protocol + ")");
        }
        return rc;
    }

    private static String family(int domain) {
        return switch (domain) {
            case Abi.AF_INET -> "AF_INET";
            case Abi.AF_NETLINK -> "AF_NETLINK";
            case Abi.AF_PACKET -> "AF_PACKET";
            case Abi.AF_XDP -> "AF_XDP";
            default -> String.valueOf(domain);
        };
    }

    public void bind(int fd, MemorySegment address) {
        int rc;
        try {
            rc = (int) Libc.BIND.invokeExact(state, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("bind");
        }
    }

    /** setsockopt; {@code label} names the option in the exception, e.g. {@code "PACKET_RX_RING"}. */
    public void setsockopt(int fd, int level, int option, MemorySegment value, String label) {
        int rc;
        try {
            rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, level, option, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("setsockopt(" + label + ")");
        }
    }

    /** getsockopt into {@code value}; {@code length} is a 4-byte in/out segment. Returns the length written. */
    public int getsockopt(int fd, int level, int option, MemorySegment value, MemorySegment length, String label) {
        length.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int) value.byteSize());
        int rc;
        try {
            rc = (int) Libc.GETSOCKOPT.invokeExact(state, fd, level, option, value, length);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("getsockopt(" + label + ")");
        }
        return length.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
    }

    public int ioctl(int fd, long request, MemorySegment argument, String label) {
        int rc;
        try {
            rc = (int) Libc.IOCTL.invokeExact(state, fd, request, argument);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("ioctl(" + label + ")");
        }
        return rc;
    }

    /** Maps {@code length} bytes of {@code fd} shared read/write; the segment has that length. */
    public MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        MemorySegment rc;
        try {
            rc = (MemorySegment) Libc.MMAP.invokeExact(state, MemorySegment.NULL, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc.address() == -1L) {
            throw fail("mmap");
        }
        return rc.reinterpret(length);
    }

    public void munmap(MemorySegment mapping) {
        int rc;
        try {
            rc = (int) Libc.MUNMAP.invokeExact(state, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("munmap");
        }
    }

    /** poll; returns the number of ready descriptors, 0 on timeout, and 0 when a signal interrupted it. */
    public int poll(MemorySegment pollfds, long count, int timeoutMillis) {
        int rc;
        try {
            rc = (int) Libc.POLL.invokeExact(state, pollfds, count, timeoutMillis);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            if (errno() == Errno.EINTR.number()) {
                return 0;
            }
            throw fail("poll");
        }
        return rc;
    }

    /**
     * sendto; {@code address} may be {@link MemorySegment#NULL}. Returns bytes sent, or -1 when the call
     * would block (EAGAIN) or the queue is full (ENOBUFS) and {@code flags} asked not to wait.
     */
    public long sendto(int fd, MemorySegment data, long length, int flags, MemorySegment address) {
        long rc;
        try {
            rc = (long) Libc.SENDTO.invokeExact(state, fd, data, length, flags, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = errno();
            if (e == Errno.EAGAIN.number() || e == Errno.ENOBUFS.number()) {
                return -1;
            }
            throw fail("sendto");
        }
        return rc;
    }

    /**
     * recvfrom into {@code buffer}; {@code address}/{@code addressLength} may be NULL. Returns bytes
     * received, or -1 when nothing is waiting (EAGAIN) or a signal interrupted the call.
     */
    public long recvfrom(int fd, MemorySegment buffer, int flags, MemorySegment address, MemorySegment addressLength) {
        long rc;
        try {
            rc = (long) Libc.RECVFROM.invokeExact(state, fd, buffer, buffer.byteSize(), flags, address, addressLength);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = errno();
            if (e == Errno.EAGAIN.number() || e == Errno.EINTR.number()) {
                return -1;
            }
            throw fail("recvfrom");
        }
        return rc;
    }

    /**
     * bpf(2) with command {@code cmd} and the attribute union {@code attr}; returns the result (a new
     * descriptor for the commands that make one). Throws naming {@code label} and the errno.
     */
    public int bpf(int cmd, MemorySegment attr, String label) {
        long rc;
        try {
            rc = (long) Libc.SYSCALL4.invokeExact(state, (long) Abi.SYS_BPF, (long) cmd, attr, attr.byteSize());
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("bpf(" + label + ")");
        }
        return (int) rc;
    }

    /**
     * An AF_XDP transmit kick: sendto(fd, NULL, 0, MSG_DONTWAIT). Returns false when the kernel asked to be
     * kicked again later (EAGAIN, EBUSY, ENOBUFS: its transmit budget or the device queue was used up).
     */
    public boolean kick(int fd) {
        long rc;
        try {
            rc = (long) Libc.SENDTO.invokeExact(state, fd, MemorySegment.NULL, 0L, Abi.MSG_DONTWAIT,
                    MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            int e = errno();
            if (e == Errno.EAGAIN.number() || e == Errno.EBUSY.number() || e == Errno.ENOBUFS.number()) {
                return false;
            }
            throw fail("sendto(AF_XDP kick)");
        }
        return true;
    }

    public void close(int fd) {
        int rc;
        try {
            rc = (int) Libc.CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("close");
        }
    }

    /** The interface's index; throws ENODEV (as the C library sets it) when there is no such interface. */
    public int ifNameToIndex(String name) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) Libc.IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(name));
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc == 0) {
            int e = errno();
            throw new NativeIoException("if_nametoindex(" + name + ")", e == 0 ? Errno.ENODEV.number() : e);
        }
        return rc;
    }

    public int getuid() {
        try {
            return (int) Libc.GETUID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    public int geteuid() {
        try {
            return (int) Libc.GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** The calling thread's kernel id (what /proc/self/task lists). */
    public int gettid() {
        try {
            return (int) Libc.GETTID.invokeExact();
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * When signal {@code signal} is ignored (SIG_IGN, as {@code nohup} leaves SIGHUP for what it starts), sets
     * its default action, so that a handler can be installed for it: the JVM installs none for a signal it
     * found ignored, and {@code sun.misc.Signal.handle} then succeeds without effect. A signal not ignored is
     * left as it is.
     *
     * @return true when it was ignored
     */
    public boolean unignoreSignal(int signal) {
        if (signalHandler(signal) != SIG_IGN) {
            return false;
        }
        setSignalHandler(signal, SIG_DFL);
        return true;
    }

    /** Ignores signal {@code signal} (SIG_IGN), as {@link #unignoreSignal} found it. */
    public void ignoreSignal(int signal) {
        setSignalHandler(signal, SIG_IGN);
    }

    private static final long SIG_DFL = 0;
    private static final long SIG_IGN = 1;
    /** struct sigaction: the handler first (8 bytes), 152 bytes in all on Linux x86-64 and aarch64 (glibc). */
    private static final long SIGACTION_SIZE = 256;

    private long signalHandler(int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment old = a.allocate(SIGACTION_SIZE, 8);
            int rc = (int) Libc.SIGACTION.invokeExact(state, signal, MemorySegment.NULL, old);
            if (rc < 0) {
                throw fail("sigaction(" + signal + ")");
            }
            return old.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
        } catch (NativeIoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** SIG_DFL or SIG_IGN for {@code signal}, no flags, an empty mask. */
    private void setSignalHandler(int signal, long handler) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment act = a.allocate(SIGACTION_SIZE, 8);
            act.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, handler);
            int rc = (int) Libc.SIGACTION.invokeExact(state, signal, act, MemorySegment.NULL);
            if (rc < 0) {
                throw fail("sigaction(" + signal + ", " + (handler == SIG_IGN ? "SIG_IGN" : "SIG_DFL") + ")");
            }
        } catch (NativeIoException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /**
     * Sets the calling thread's nice value (setpriority(PRIO_PROCESS, gettid(), nice): on Linux it applies to
     * that one thread). Below the current value needs CAP_SYS_NICE (EACCES/EPERM otherwise).
     */
    public void setThreadNice(int nice) {
        int rc;
        try {
            rc = (int) Libc.SETPRIORITY.invokeExact(state, 0, gettid(), nice);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc < 0) {
            throw fail("setpriority(" + nice + ")");
        }
    }
}
