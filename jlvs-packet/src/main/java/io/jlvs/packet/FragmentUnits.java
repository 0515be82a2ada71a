package io.jlvs.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What IPv4's and IPv6's reassembly share: a datagram's bytes held, one bit per 8-byte unit of its payload (the
 * unit a fragment offset counts in), and the buffer its payload is put together in, grown in powers of two.
 */
final class FragmentUnits {
    private FragmentUnits() {
    }

    /** Bytes of [from, from + bytes) already held, counted in whole 8-byte units (the last one partial). */
    static int covered(long[] units, int from, int bytes) {
        int n = 0;
        for (int unit = from >>> 3, last = (from + bytes - 1) >>> 3; unit <= last; unit++) {
            if ((units[unit >>> 6] & 1L << unit) != 0) {
                n += Math.min(8, from + bytes - (unit << 3));
            }
        }
        return n;
    }

    /** Marks [from, from + bytes) held. */
    static void mark(long[] units, int from, int bytes) {
        for (int unit = from >>> 3, last = (from + bytes - 1) >>> 3; unit <= last; unit++) {
            units[unit >>> 6] |= 1L << unit;
        }
    }

    /** The end of the highest 8-byte unit held (0 when none). */
    static int highestUnit(long[] units) {
        for (int w = units.length - 1; w >= 0; w--) {
            if (units[w] != 0) {
                return ((w << 6) + 63 - Long.numberOfLeadingZeros(units[w]) + 1) << 3;
            }
        }
        return 0;
    }

    /**
     * {@code buffer} when it holds {@code need} bytes, else a larger one (at least 2,048 bytes, a power of two up to
     * {@code max}) with its bytes copied over; {@code buffer} may be null.
     */
    static MemorySegment atLeast(MemorySegment buffer, long need, long max) {
        if (buffer != null && buffer.byteSize() >= need) {
            return buffer;
        }
        long size = Math.max(need, 2048);
        size = Math.min(Long.highestOneBit(size - 1) << 1, max);
        MemorySegment grown = Arena.ofAuto().allocate(Math.max(size, need), 8);
        if (buffer != null) {
            MemorySegment.copy(buffer, 0, grown, 0, buffer.byteSize());
        }
        return grown;
    }

    /** The slot whose datagram was started longest before {@code nowNanos} (by {@code since}, wrap-safe). */
    static int oldest(long[] since, long nowNanos) {
        int slot = 0;
        for (int i = 1; i < since.length; i++) {
            if (nowNanos - since[i] > nowNanos - since[slot]) {
                slot = i;
            }
        }
        return slot;
    }
}
