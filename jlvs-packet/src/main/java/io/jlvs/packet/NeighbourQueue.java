package io.jlvs.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Frames waiting for their next hop's MAC, as the kernel queues packets on a neighbour it is still
 * resolving: the reply to a new client of a NAT service whose address the neighbour cache does not hold
 * yet is kept (rewritten, ready to go) until the refresher has resolved the address, at most
 * {@link #WAIT_NANOS}, instead of being dropped (TCP would resend it only after a second). At most
 * {@link #SLOTS} frames wait, in arrival order; the buffers are allocated once. Owner: the worker thread.
 */
final class NeighbourQueue {
    static final int SLOTS = 64;
    static final long WAIT_NANOS = 1_000_000_000L;

    /** What {@link #drain} does with a frame. */
    interface Sink {
        /**
         * Sends the {@code length} bytes at {@code offset} of {@code frames} to {@code mac}; {@code counted}: the
         * frame stands for a packet received (false for the later fragments of one datagram).
         */
        void send(MemorySegment frames, long offset, int length, long mac, boolean counted);

        /** A frame waited too long and is dropped ({@code counted} as in {@link #send}). */
        void expired(boolean counted);
    }

    private final int slotSize;
    private final MemorySegment buffers;
    private final int[] hop = new int[SLOTS];
    /** An IPv6 next hop (its address as two longs) instead of {@link #hop}. */
    private final boolean[] v6 = new boolean[SLOTS];
    private final long[] hopHi = new long[SLOTS];
    private final long[] hopLo = new long[SLOTS];
    private final int[] length = new int[SLOTS];
    private final long[] since = new long[SLOTS];
    private final boolean[] waiting = new boolean[SLOTS];
    private final boolean[] counted = new boolean[SLOTS];
    private int head;
    private int tail;

    /** @param maxFrame the largest frame that may wait (Ethernet and VLAN headers included) */
    NeighbourQueue(int maxFrame) {
        this.slotSize = maxFrame;
        this.buffers = Arena.ofAuto().allocate((long) SLOTS * maxFrame, 8);
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** Keeps a copy of the frame until {@code nextHop} resolves; false when full or the frame too large. */
    boolean add(MemorySegment frame, long offset, int len, int nextHop, long nowNanos) {
        return add(frame, offset, len, nextHop, nowNanos, true);
    }

    /**
     * As {@link #add(MemorySegment, long, int, int, long)}; {@code counts}: whether the frame stands for a packet
     * received (a datagram waiting as its fragments counts once).
     */
    boolean add(MemorySegment frame, long offset, int len, int nextHop, long nowNanos, boolean counts) {
        if (tail - head == SLOTS || len > slotSize) {
            return false;
        }
        int i = tail & (SLOTS - 1);
        MemorySegment.copy(frame, offset, buffers, (long) i * slotSize, len);
        hop[i] = nextHop;
        v6[i] = false;
        length[i] = len;
        since[i] = nowNanos;
        waiting[i] = true;
        counted[i] = counts;
        tail++;
        return true;
    }

    /** Keeps a copy of the frame until the IPv6 address (hi, lo) resolves; false when full or the frame too large. */
    boolean add6(MemorySegment frame, long offset, int len, long hi, long lo, long nowNanos) {
        return add6(frame, offset, len, hi, lo, nowNanos, true);
    }

    /** As {@link #add6(MemorySegment, long, int, long, long, long)}; {@code counts} as for {@link #add}. */
    boolean add6(MemorySegment frame, long offset, int len, long hi, long lo, long nowNanos, boolean counts) {
        if (!add(frame, offset, len, 0, nowNanos, counts)) {
            return false;
        }
        int i = (tail - 1) & (SLOTS - 1);
        v6[i] = true;
        hopHi[i] = hi;
        hopLo[i] = lo;
        return true;
    }

    /** A mark of the frames added so far, for {@link #removeSince}. */
    int mark() {
        return tail;
    }

    /** Takes back the frames added since {@code mark} (none of them was sent yet: they are the last ones). */
    void removeSince(int mark) {
        tail = mark;
    }

    /** Sends every waiting frame whose next hop resolved, in order; gives up on those that waited too long. */
    void drain(NeighbourTable neighbours, long nowNanos, Sink sink) {
        for (int k = head; k != tail; k++) {
            int i = k & (SLOTS - 1);
            if (!waiting[i]) {
                continue;
            }
            long mac = v6[i] ? neighbours.nextHopMac6(hopHi[i], hopLo[i]) : neighbours.nextHopMac(hop[i]);
            if (mac != NeighbourTable.UNKNOWN) {
                waiting[i] = false;
                sink.send(buffers, (long) i * slotSize, length[i], mac, counted[i]);
            } else if (nowNanos - since[i] >= WAIT_NANOS) {
                waiting[i] = false;
                sink.expired(counted[i]);
            }
        }
        while (head != tail && !waiting[head & (SLOTS - 1)]) {
            head++;
        }
    }
}
