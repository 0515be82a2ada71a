package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;

/**
 * The lblc/lblcr cache: a fixed-capacity open-addressing table keyed by a flow's destination IP, with the
 * packet time each entry was last used. Nothing is allocated after construction. Full means no new entry
 * (the kernel likewise just skips caching when it cannot allocate one); entries idle past the expiration are
 * dropped on lookup and by a one-slot sweep per call, and a full table first reclaims entries idle for six
 * minutes (the kernel's ENTRY_TIMEOUT). Subclasses keep their payload in arrays indexed by slot.
 * Owner: the scheduler that holds it.
 */
abstract class DestinationIpTable {
    static final long ENTRY_TIMEOUT_NANOS = 6L * 60 * 1_000_000_000L;
    private static final long SEED = 0x4c42_4c43_5441_424cL;
    private static final int RECLAIM_SCAN = 64;

    private final int mask;
    private final int maxEntries;
    private final long expirationNanos;
    private final long[] keyHi;
    private final long[] keyLo;
    /** 0 = empty, 1 = IPv4 key, 2 = IPv6 key. */
    private final byte[] kind;
    private final int[] home;
    private final long[] lastUse;
    private int count;
    private int rover;

    DestinationIpTable(int maxEntries, long expirationNanos) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("table capacity must be positive, got " + maxEntries);
        }
        if (expirationNanos <= 0) {
            throw new IllegalArgumentException("expiration must be positive, got " + expirationNanos);
        }
        int slots = Integer.highestOneBit(Math.max(1, maxEntries * 2 - 1)) << 1;
        this.mask = slots - 1;
        this.maxEntries = maxEntries;
        this.expirationNanos = expirationNanos;
        this.keyHi = new long[slots];
        this.keyLo = new long[slots];
        this.kind = new byte[slots];
        this.home = new int[slots];
        this.lastUse = new long[slots];
    }

    /** Moves slot {@code from}'s payload to slot {@code to} (deletion shifts entries back). */
    abstract void movePayload(int from, int to);

    int slots() {
        return mask + 1;
    }

    boolean used(int slot) {
        return kind[slot] != 0;
    }

    int size() {
        return count;
    }

    /** The slot of a live entry for this address, or -1. An expired entry is removed and not returned. */
    int find(boolean v6, long hi, long lo, long now) {
        byte k = v6 ? (byte) 2 : (byte) 1;
        for (int s = hash(v6, hi, lo); kind[s] != 0; s = (s + 1) & mask) {
            if (kind[s] == k && keyHi[s] == hi && keyLo[s] == lo) {
                if (now - lastUse[s] >= expirationNanos) {
                    remove(s);
                    return -1;
                }
                lastUse[s] = now;
                return s;
            }
        }
        return -1;
    }

    /** Adds an entry (the caller knows it is absent); its slot, or -1 when the table is full. */
    int insert(boolean v6, long hi, long lo, long now) {
        if (count >= maxEntries) {
            reclaim(now, ENTRY_TIMEOUT_NANOS);
            if (count >= maxEntries) {
                return -1;
            }
        }
        int h = hash(v6, hi, lo);
        int s = h;
        while (kind[s] != 0) {
            s = (s + 1) & mask;
        }
        kind[s] = v6 ? (byte) 2 : (byte) 1;
        keyHi[s] = hi;
        keyLo[s] = lo;
        home[s] = h;
        lastUse[s] = now;
        count++;
        return s;
    }

    /** Examines the next slot of the rover and drops its entry if it is idle past the expiration. */
    void sweep(long now) {
        int s = rover;
        rover = (rover + 1) & mask;
        if (kind[s] != 0 && now - lastUse[s] >= expirationNanos) {
            remove(s);
        }
    }

    private void reclaim(long now, long idleNanos) {
        for (int i = 0; i < RECLAIM_SCAN; i++) {
            int s = rover;
            rover = (rover + 1) & mask;
            if (kind[s] != 0 && now - lastUse[s] >= idleNanos) {
                remove(s);
            }
        }
    }

    /** Removes the entry at {@code slot}, shifting later entries of its probe run back. */
    void remove(int slot) {
        int i = slot;
        int j = slot;
        while (true) {
            j = (j + 1) & mask;
            if (kind[j] == 0) {
                break;
            }
            int k = home[j];
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (stays) {
                continue;
            }
            kind[i] = kind[j];
            keyHi[i] = keyHi[j];
            keyLo[i] = keyLo[j];
            home[i] = home[j];
            lastUse[i] = lastUse[j];
            movePayload(j, i);
            i = j;
        }
        kind[i] = 0;
        count--;
    }

    private int hash(boolean v6, long hi, long lo) {
        return (int) FlowHash.mix(SEED, hi, lo, v6 ? 1 : 0, 0) & mask;
    }

    /**
     * The kernel's locality overload rule: the server has more active connections than its weight and some
     * server of the service has fewer than half its weight in active connections.
     */
    static boolean overloadedForLocality(Destinations dests, int d) {
        if (dests.activeConns(d) <= dests.weight(d)) {
            return false;
        }
        for (int i = 0, n = dests.size(); i < n; i++) {
            if ((long) dests.activeConns(i) * 2 < dests.weight(i)) {
                return true;
            }
        }
        return false;
    }
}
