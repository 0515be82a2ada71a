package io.jlvs.conn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The persistence-engine data of templates (the kernel's {@code cp->pe_data}: for sip, the Call-ID), up to
 * {@link #MAX_LENGTH} bytes each, in fixed 256-byte slots. Slots come in chunks made when the templates with
 * data first outnumber the slots, and are reused after: a steady flow of calls allocates nothing. A table
 * that never sees a persistence engine makes no chunk. Owner: the {@link ConnTable} that made it.
 */
final class PersistenceData {
    /** IP_VS_PEDATA_MAXLEN. */
    static final int MAX_LENGTH = 255;
    private static final int SLOT = 256;
    private static final int CHUNK_SHIFT = 8;
    private static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;

    /** Per entry id: its slot + 1, 0 for none. */
    private int[] slotOf;
    private byte[][] chunks = new byte[0][];
    /** Per slot: the next free slot, -1 at the end. */
    private int[] nextFree = new int[0];
    private int freeHead = -1;
    private final int capacity;

    PersistenceData(int capacity) {
        this.capacity = capacity;
    }

    boolean has(int id) {
        return slotOf != null && slotOf[id] != 0;
    }

    int length(int id) {
        int slot = slotOf[id] - 1;
        return chunks[slot >>> CHUNK_SHIFT][(slot & (CHUNK_SLOTS - 1)) * SLOT] & 0xff;
    }

    /** Stores {@code length} bytes of {@code s} at {@code offset} as entry {@code id}'s data. */
    void put(int id, MemorySegment s, long offset, int length) {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("persistence-engine data of " + length + " bytes");
        }
        if (slotOf == null) {
            slotOf = new int[capacity];
        }
        if (freeHead < 0) {
            grow();
        }
        int slot = freeHead;
        freeHead = nextFree[slot];
        slotOf[id] = slot + 1;
        byte[] chunk = chunks[slot >>> CHUNK_SHIFT];
        int at = (slot & (CHUNK_SLOTS - 1)) * SLOT;
        chunk[at] = (byte) length;
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, chunk, at + 1, length);
    }

    /** Frees entry {@code id}'s data, if it has any. */
    void release(int id) {
        if (slotOf == null || slotOf[id] == 0) {
            return;
        }
        int slot = slotOf[id] - 1;
        slotOf[id] = 0;
        nextFree[slot] = freeHead;
        freeHead = slot;
    }

    /** True when entry {@code id}'s data is exactly {@code length} bytes of {@code s} at {@code offset}. */
    boolean equals(int id, MemorySegment s, long offset, int length) {
        int slot = slotOf[id] - 1;
        byte[] chunk = chunks[slot >>> CHUNK_SHIFT];
        int at = (slot & (CHUNK_SLOTS - 1)) * SLOT;
        if ((chunk[at] & 0xff) != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (chunk[at + 1 + i] != s.get(ValueLayout.JAVA_BYTE, offset + i)) {
                return false;
            }
        }
        return true;
    }

    /** A copy of entry {@code id}'s data (control plane). */
    byte[] copy(int id) {
        int slot = slotOf[id] - 1;
        byte[] chunk = chunks[slot >>> CHUNK_SHIFT];
        int at = (slot & (CHUNK_SLOTS - 1)) * SLOT;
        return Arrays.copyOfRange(chunk, at + 1, at + 1 + (chunk[at] & 0xff));
    }

    /** Copies entry {@code id}'s data into {@code to} at {@code at}; returns its length. */
    int copyTo(int id, byte[] to, int at) {
        int slot = slotOf[id] - 1;
        byte[] chunk = chunks[slot >>> CHUNK_SHIFT];
        int from = (slot & (CHUNK_SLOTS - 1)) * SLOT;
        int length = chunk[from] & 0xff;
        System.arraycopy(chunk, from + 1, to, at, length);
        return length;
    }

    /** Chunks made so far (each {@code 256 × 256} bytes). */
    int chunks() {
        return chunks.length;
    }

    private void grow() {
        int n = chunks.length;
        chunks = Arrays.copyOf(chunks, n + 1);
        chunks[n] = new byte[CHUNK_SLOTS * SLOT];
        nextFree = Arrays.copyOf(nextFree, (n + 1) * CHUNK_SLOTS);
        int first = n * CHUNK_SLOTS;
        for (int i = 0; i < CHUNK_SLOTS; i++) {
            nextFree[first + i] = i + 1 < CHUNK_SLOTS ? first + i + 1 : -1;
        }
        freeHead = first;
    }
}
