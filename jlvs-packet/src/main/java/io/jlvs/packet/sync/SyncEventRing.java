package io.jlvs.packet.sync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded single-producer single-consumer ring of IPv4 and IPv6 connection records to send, in primitive
 * slots: the data-plane worker offers (no allocation; a full ring drops and counts), the master's
 * sending thread drains into a {@link SyncMessageWriter}.
 *
 * <p>A template's persistence-engine data (the SIP Call-ID, up to 255 bytes) waits in a side pool of
 * 1024 cells of 256 bytes, made at the first such record and taken and given back in the ring's order;
 * a record that finds the pool full is dropped and counted like one that finds the ring full.
 *
 * <p><b>Owner:</b> the producer side belongs to one data-plane worker thread, the consumer side to the
 * sync master thread.
 */
public final class SyncEventRing {
    private static final int STRIDE = 12;
    private static final int PE_CELLS = 1024;
    private static final int PE_CELL = 256;
    /** In a slot's first word: the record is IPv6 (its addresses in words 6 to 11; no engine data). */
    private static final long V6 = 1L << 60;

    private final long[] slots;
    private final int mask;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();
    /** Cells of the persistence-engine data pool given back by the consumer. */
    private final AtomicLong peHead = new AtomicLong();
    /** Producer only: cells taken. */
    private long peTail;
    /** Made by the producer at its first record with data; read by the consumer after the tail that follows. */
    private byte[] pe;
    /** Consumer only: cells used by the records drained. */
    private long peConsumed;
    /** Producer only. */
    private long producerTail;
    private volatile long dropped;

    /** @param capacity records held; rounded up to a power of two */
    public SyncEventRing(int capacity) {
        int n = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
        this.slots = new long[n * STRIDE];
        this.mask = n - 1;
    }

    /** Producer: queues one record; false (and counted) when the ring is full. */
    public boolean offer(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                         int fwmark, int timeoutSeconds, int client, int virtualAddress, int destination) {
        return offer(protocol, flags, state, clientPort, virtualPort, destPort, fwmark, timeoutSeconds, client,
                virtualAddress, destination, null, 0);
    }

    /**
     * Producer: {@link #offer} with a template's persistence-engine data, the first {@code peLength} bytes of
     * {@code peData} (1 to 255; 0 for none), sent as the engine sip's.
     */
    public boolean offer(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                         int fwmark, int timeoutSeconds, int client, int virtualAddress, int destination,
                         byte[] peData, int peLength) {
        long t = producerTail;
        if (t - head.getAcquire() > mask || peLength > 0 && peTail - peHead.getAcquire() >= PE_CELLS) {
            dropped = dropped + 1;
            return false;
        }
        if (peLength > 0) {
            if (pe == null) {
                pe = new byte[PE_CELLS * PE_CELL];
            }
            System.arraycopy(peData, 0, pe, (int) (peTail & (PE_CELLS - 1)) * PE_CELL, peLength);
            peTail++;
        }
        int b = (int) (t & mask) * STRIDE;
        slots[b] = (protocol & 0xffL) | (state & 0xffffL) << 8 | (flags & 0xffffffffL) << 24;
        slots[b + 1] = (clientPort & 0xffffL) | (virtualPort & 0xffffL) << 16 | (destPort & 0xffffL) << 32;
        slots[b + 2] = (client & 0xffffffffL) | (long) virtualAddress << 32;
        slots[b + 3] = (destination & 0xffffffffL) | (long) fwmark << 32;
        slots[b + 4] = timeoutSeconds & 0xffffffffL;
        slots[b + 5] = peLength & 0xff;
        producerTail = t + 1;
        tail.setRelease(t + 1);
        return true;
    }

    /** Producer: queues one IPv6 record; false (and counted) when the ring is full. */
    public boolean offer6(int protocol, int flags, int state, int clientPort, int virtualPort, int destPort,
                          int fwmark, int timeoutSeconds, long clientHi, long clientLo, long virtualHi,
                          long virtualLo, long destinationHi, long destinationLo) {
        long t = producerTail;
        if (t - head.getAcquire() > mask) {
            dropped = dropped + 1;
            return false;
        }
        int b = (int) (t & mask) * STRIDE;
        slots[b] = (protocol & 0xffL) | (state & 0xffffL) << 8 | (flags & 0xffffffffL) << 24 | V6;
        slots[b + 1] = (clientPort & 0xffffL) | (virtualPort & 0xffffL) << 16 | (destPort & 0xffffL) << 32;
        slots[b + 3] = (long) fwmark << 32;
        slots[b + 4] = timeoutSeconds & 0xffffffffL;
        slots[b + 5] = 0;
        slots[b + 6] = clientHi;
        slots[b + 7] = clientLo;
        slots[b + 8] = virtualHi;
        slots[b + 9] = virtualLo;
        slots[b + 10] = destinationHi;
        slots[b + 11] = destinationLo;
        producerTail = t + 1;
        tail.setRelease(t + 1);
        return true;
    }

    /**
     * Consumer: moves queued records into {@code writer} until the ring is empty or the message is full.
     *
     * @return records moved
     */
    public int drainTo(SyncMessageWriter writer) {
        long h = head.getPlain();
        long t = tail.getAcquire();
        int moved = 0;
        while (h != t) {
            int b = (int) (h & mask) * STRIDE;
            long w0 = slots[b];
            long w1 = slots[b + 1];
            long w2 = slots[b + 2];
            long w3 = slots[b + 3];
            int timeout = (int) slots[b + 4];
            int peLength = (int) slots[b + 5];
            boolean added = (w0 & V6) != 0
                    ? writer.addV6((int) (w0 & 0xff), (int) (w0 >>> 24), (int) (w0 >>> 8) & 0xffff,
                    (int) w1 & 0xffff, (int) (w1 >>> 16) & 0xffff, (int) (w1 >>> 32) & 0xffff,
                    (int) (w3 >>> 32), timeout, slots[b + 6], slots[b + 7], slots[b + 8], slots[b + 9],
                    slots[b + 10], slots[b + 11])
                    : writer.addV4((int) (w0 & 0xff), (int) (w0 >>> 24), (int) (w0 >>> 8) & 0xffff,
                    (int) w1 & 0xffff, (int) (w1 >>> 16) & 0xffff, (int) (w1 >>> 32) & 0xffff,
                    (int) (w3 >>> 32), timeout, (int) w2, (int) (w2 >>> 32), (int) w3,
                    pe, peLength == 0 ? 0 : (int) (peConsumed & (PE_CELLS - 1)) * PE_CELL, peLength);
            if (!added) {
                break;
            }
            if (peLength > 0) {
                peConsumed++;
            }
            h++;
            moved++;
        }
        peHead.setRelease(peConsumed);
        head.setRelease(h);
        return moved;
    }

    /** True when nothing is queued (consumer side). */
    public boolean isEmpty() {
        return head.getPlain() == tail.getAcquire();
    }

    /** Records refused because the ring was full. */
    public long dropped() {
        return dropped;
    }
}
