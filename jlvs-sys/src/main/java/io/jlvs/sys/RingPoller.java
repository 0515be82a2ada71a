package io.jlvs.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Waits on several {@link AfPacketIo} sockets at once with one {@code poll}: a worker serving two links
 * sleeps until a frame is ready on either, instead of waiting on each in turn. {@link #clear}, {@link #add}
 * each socket, then {@link #await}; nothing is allocated after construction. One owning thread.
 */
public final class RingPoller implements AutoCloseable {
    private static final int POLLFD = 8;

    private final Syscalls sys = new Syscalls();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final MemorySegment error;
    private final MemorySegment errorLength;
    private final int capacity;
    private int count;
    private boolean closed;

    /** A poller for at most {@code capacity} sockets. */
    public RingPoller(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.fds = arena.allocate((long) POLLFD * capacity, 4);
        this.error = arena.allocate(4, 4);
        this.errorLength = arena.allocate(4, 4);
    }

    /** How many sockets it can wait on. */
    public int capacity() {
        return capacity;
    }

    /** Forgets the sockets added so far. */
    public void clear() {
        count = 0;
    }

    /** Adds a socket to wait on. */
    public void add(AfPacketIo io) {
        add(io.fd());
    }

    /** Adds an AF_XDP socket to wait on. */
    public void add(XskSocket io) {
        add(io.fd());
    }

    private void add(int fd) {
        if (count == capacity) {
            throw new IllegalStateException("more than " + capacity + " sockets");
        }
        long at = (long) POLLFD * count++;
        fds.set(ValueLayout.JAVA_INT, at, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + 4, (short) (Abi.POLLIN | Abi.POLLERR));
        fds.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
    }

    /**
     * Waits until a frame is ready on one of the sockets, at most {@code timeoutMillis}; returns how many
     * sockets are ready (0 on timeout or a signal).
     */
    public int await(int timeoutMillis) {
        for (int i = 0; i < count; i++) {
            fds.set(ValueLayout.JAVA_SHORT, (long) POLLFD * i + 6, (short) 0);
        }
        int ready = sys.poll(fds, count, timeoutMillis);
        for (int i = 0; i < count && ready > 0; i++) {
            long at = (long) POLLFD * i;
            if ((fds.get(ValueLayout.JAVA_SHORT, at + 6) & Abi.POLLERR) != 0) {
                // a pending socket error (ENETDOWN when the link went down) keeps poll returning at once
                // until it is read: reading SO_ERROR clears it, so the worker sleeps again
                sys.getsockopt(fds.get(ValueLayout.JAVA_INT, at), Abi.SOL_SOCKET, Abi.SO_ERROR, error,
                        errorLength, "SO_ERROR");
            }
        }
        return ready;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
    }
}
