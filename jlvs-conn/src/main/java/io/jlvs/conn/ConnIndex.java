package io.jlvs.conn;

/**
 * An open-addressing hash index (linear probing, backward-shift deletion, no tombstones) from a
 * connection key to an entry id. The keys live in the table's record array; the index holds only
 * {@code tag << 24 | (id + 1)} per slot, where the tag is 8 more bits of the hash that spare most
 * record reads on a collision. Owner: the {@link ConnTable} that made it.
 *
 * <p>A key is two address pairs (A and B, each hi/lo) plus the key word masked by {@code wordMask};
 * the forward index uses (client, virtual, ports without dport), the reverse one
 * (destination, client, ports without vport).
 */
final class ConnIndex {
    static final int MAX_ID = (1 << 24) - 2;
    private static final int ID_MASK = 0xffffff;
    private static final int TAG_MASK = 0xff000000;

    private final long[] rec;
    private final int[] slots;
    private final int mask;
    private final int offA;
    private final int offB;
    private final long wordMask;
    private final long seed;

    ConnIndex(long[] records, int capacity, int offA, int offB, long wordMask, long seed) {
        this.rec = records;
        // load factor at most 3/4 so a probe always meets an empty slot
        int size = Integer.highestOneBit(Math.max(4, capacity + capacity / 3 + 1) - 1) << 1;
        this.slots = new int[size];
        this.mask = size - 1;
        this.offA = offA;
        this.offB = offB;
        this.wordMask = wordMask;
        this.seed = seed;
    }

    long hash(long a0, long a1, long b0, long b1, long maskedWord) {
        long h = seed;
        h = (h ^ a1) * 0x9e3779b97f4a7c15L;
        h = (h ^ a0) * 0xbf58476d1ce4e5b9L;
        h = (h ^ b1) * 0x94d049bb133111ebL;
        h = (h ^ b0) * 0x9e3779b97f4a7c15L;
        h = (h ^ maskedWord) * 0xbf58476d1ce4e5b9L;
        h ^= h >>> 31;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 29);
    }

    /** The entry id whose key equals the arguments, or -1. {@code maskedWord} must already be masked. */
    int find(long a0, long a1, long b0, long b1, long maskedWord) {
        long h = hash(a0, a1, b0, b1, maskedWord);
        int tag = (int) (h >>> 56) << 24;
        int i = (int) h & mask;
        long[] r = rec;
        while (true) {
            int v = slots[i];
            if (v == 0) {
                return -1;
            }
            if ((v & TAG_MASK) == tag) {
                int id = (v & ID_MASK) - 1;
                int base = ConnTable.base(id);
                if (r[base + offA + 1] == a1 && r[base + offB + 1] == b1
                        && (r[base + ConnTable.WORD] & wordMask) == maskedWord
                        && r[base + offA] == a0 && r[base + offB] == b0) {
                    return id;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Indexes entry {@code id} under the key currently in its record. Entries with equal keys are kept newest
     * first, so {@link #find} returns the newest, as the kernel's hash chains, where a new connection is
     * added at the head: the reverse index's key leaves the virtual address out, and one client port that
     * reached two virtual addresses served by the same real server and port makes two entries with one key
     * (the real server sees one connection, the newer; a reply found the older, finished one and went to the
     * client from the wrong virtual address). Each older entry moves one equal-key slot on and the last to
     * the free slot; equal keys share their home slot, so the probe invariant holds.
     */
    void insert(int id) {
        long h = hashOf(id);
        int tag = (int) (h >>> 56) << 24;
        int carried = tag | (id + 1);
        int i = (int) h & mask;
        while (slots[i] != 0) {
            int v = slots[i];
            if ((v & TAG_MASK) == tag && sameKey((v & ID_MASK) - 1, id)) {
                slots[i] = carried;
                carried = v;
            }
            i = (i + 1) & mask;
        }
        slots[i] = carried;
    }

    private boolean sameKey(int a, int b) {
        int x = ConnTable.base(a);
        int y = ConnTable.base(b);
        long[] r = rec;
        return r[x + offA + 1] == r[y + offA + 1] && r[x + offB + 1] == r[y + offB + 1]
                && (r[x + ConnTable.WORD] & wordMask) == (r[y + ConnTable.WORD] & wordMask)
                && r[x + offA] == r[y + offA] && r[x + offB] == r[y + offB];
    }

    /** Removes entry {@code id}; its record must still hold the key it was inserted with. */
    void remove(int id) {
        int i = (int) hashOf(id) & mask;
        int want = id + 1;
        while ((slots[i] & ID_MASK) != want) {
            if (slots[i] == 0) {
                throw new IllegalStateException("entry " + id + " is not in the index");
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int v = slots[j];
            if (v == 0) {
                break;
            }
            int home = (int) hashOf((v & ID_MASK) - 1) & mask;
            if (((j - home) & mask) >= ((j - i) & mask)) {
                slots[i] = v;
                i = j;
            }
        }
        slots[i] = 0;
    }

    int slotCount() {
        return slots.length;
    }

    private long hashOf(int id) {
        int base = ConnTable.base(id);
        long[] r = rec;
        return hash(r[base + offA], r[base + offA + 1], r[base + offB], r[base + offB + 1],
                r[base + ConnTable.WORD] & wordMask);
    }
}
