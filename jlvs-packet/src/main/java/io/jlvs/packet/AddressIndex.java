package io.jlvs.packet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntBinaryOperator;

/**
 * IPv4 address → next-hop id, in one open-addressing table that a single writer (the neighbour refresher)
 * fills while data-plane threads read it: an entry's hop is stored before its key is published (release),
 * and readers load keys with acquire, so they see either no entry or a complete one. Entries are only
 * added or changed; removing them means building a new index. A lookup marks its entry used, which is how
 * the refresher ages out addresses nobody sends to any more. Address 0 cannot be stored (0 marks a free
 * slot). The table holds at most half its capacity.
 */
final class AddressIndex {
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[] keys;
    private final int[] hops;
    private final byte[] used;
    private final int mask;
    private int size;

    /** @param capacity slots, rounded up to a power of two (at least 8) */
    AddressIndex(int capacity) {
        int slots = Integer.highestOneBit(Math.max(8, capacity - 1) << 1);
        keys = new int[slots];
        hops = new int[slots];
        used = new byte[slots];
        mask = slots - 1;
    }

    private static int spread(int h) {
        h *= 0x9e3779b1;
        return h ^ (h >>> 16);
    }

    /** Data plane: the hop of {@code address} (marking it used), or -1. Allocates nothing. */
    int hop(int address) {
        int i = spread(address) & mask;
        while (true) {
            int k = (int) INTS.getAcquire(keys, i);
            if (k == address) {
                if (used[i] == 0) {
                    used[i] = 1;
                }
                return (int) INTS.getAcquire(hops, i);
            }
            if (k == 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    /** Writer: the hop of {@code address} without marking it used, or -1. */
    int peek(int address) {
        int i = slot(address);
        return keys[i] == address ? hops[i] : -1;
    }

    /** Writer: sets or adds an entry; false when a new one would fill more than half the table. */
    boolean put(int address, int hop) {
        if (address == 0) {
            throw new IllegalArgumentException("address 0 cannot be indexed");
        }
        int i = slot(address);
        if (keys[i] == address) {
            INTS.setRelease(hops, i, hop);
            return true;
        }
        if ((size + 1) * 2 > keys.length) {
            return false;
        }
        hops[i] = hop;
        INTS.setRelease(keys, i, address);
        size++;
        return true;
    }

    private int slot(int address) {
        int i = spread(address) & mask;
        while (keys[i] != 0 && keys[i] != address) {
            i = (i + 1) & mask;
        }
        return i;
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    /** Writer: the address in slot {@code i} (0 when free) — for a cursor walking the table. */
    int addressAt(int i) {
        return keys[i & mask];
    }

    /** Writer: visits every entry (address, hop) and clears its used mark; {@code visitor} gets 1 if it was used. */
    void sweep(EntryVisitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                boolean wasUsed = used[i] != 0;
                used[i] = 0;
                visitor.entry(keys[i], hops[i], wasUsed);
            }
        }
    }

    /**
     * Writer: a copy in a table of {@code capacity} slots, used marks kept, hops mapped through
     * {@code renumber} (address, hop), entries it maps to -1 left out.
     */
    AddressIndex copy(int capacity, IntBinaryOperator renumber) {
        AddressIndex next = new AddressIndex(capacity);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                int hop = renumber.applyAsInt(keys[i], hops[i]);
                if (hop >= 0) {
                    if (!next.put(keys[i], hop)) {
                        throw new IllegalStateException("address index copy too small: " + capacity);
                    }
                    next.used[next.slot(keys[i])] = used[i];
                }
            }
        }
        return next;
    }

    /** What {@link #sweep} visits. */
    interface EntryVisitor {
        void entry(int address, int hop, boolean used);
    }
}
