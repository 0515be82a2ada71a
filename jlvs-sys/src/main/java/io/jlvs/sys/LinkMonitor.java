package io.jlvs.sys;

import static io.jlvs.sys.NetlinkCodec.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Link up/down notifications (RTNLGRP_LINK). Subscribed from {@link #open}, so nothing between open and
 * {@link #run} is lost; {@code run} is a blocking read loop that hands each change to the listener until
 * {@link #close} is called, and returns within one poll interval after that.
 */
public final class LinkMonitor implements Runnable, AutoCloseable {
    private static final int POLL_MILLIS = 100;

    private final Consumer<LinkEvent> listener;
    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final MemorySegment buffer;
    private final MemorySegment pollfd;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean stopping;

    private LinkMonitor(Consumer<LinkEvent> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.fd = sys.socket(Abi.AF_NETLINK, Abi.SOCK_RAW | Abi.SOCK_CLOEXEC, 0);
        this.buffer = arena.allocate(1 << 16, 8);
        this.pollfd = arena.allocate(8, 4);
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        MemorySegment nl = arena.allocate(Abi.SOCKADDR_NL_SIZE, 4);
        nl.set(ValueLayout.JAVA_SHORT, 0, (short) Abi.AF_NETLINK);
        nl.set(ValueLayout.JAVA_INT, 8, RTMGRP_LINK);
        try {
            sys.bind(fd, nl);
        } catch (RuntimeException e) {
            release(sys);
            throw e;
        }
    }

    public static LinkMonitor open(Consumer<LinkEvent> listener) {
        return new LinkMonitor(listener);
    }

    /** Runs {@link #run} on a new daemon thread named {@code jlvs-link-monitor}. */
    public Thread start() {
        Thread t = Thread.ofPlatform().daemon().name("jlvs-link-monitor").unstarted(this);
        t.start();
        return t;
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("LinkMonitor runs once");
        }
        try {
            while (!stopping) {
                pollfd.set(ValueLayout.JAVA_SHORT, 4, Abi.POLLIN);
                if (sys.poll(pollfd, 1, POLL_MILLIS) == 0) {
                    continue;
                }
                long n = sys.recvfrom(fd, buffer, Abi.MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
                int at = 0;
                while (n > 0 && at + NLMSG_HDRLEN <= n && !stopping) {
                    int len = buffer.get(U32, at);
                    int type = buffer.get(U16, at + 4) & 0xffff;
                    if (len < NLMSG_HDRLEN || at + len > n) {
                        break;
                    }
                    if (type == RTM_NEWLINK || type == RTM_DELLINK) {
                        listener.accept(new LinkEvent(type == RTM_DELLINK, link(buffer, at, len)));
                    }
                    at += align(len);
                }
            }
        } finally {
            release(sys);
        }
    }

    private void release(Syscalls calls) {
        if (released.compareAndSet(false, true)) {
            calls.close(fd);
            arena.close();
        }
    }

    /** Stops the loop (it returns within {@value #POLL_MILLIS} ms) or, if it never ran, releases the socket. */
    @Override
    public void close() {
        stopping = true;
        if (started.compareAndSet(false, true)) {
            release(new Syscalls());
        }
    }
}
