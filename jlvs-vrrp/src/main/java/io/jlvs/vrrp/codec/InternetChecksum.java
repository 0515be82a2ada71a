package io.jlvs.vrrp.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The 16-bit one's complement checksum of RFC 1071, over big-endian 16-bit words. */
final class InternetChecksum {
    private static final ValueLayout.OfShort BE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {
    }

    /** Adds {@code length} bytes at {@code offset} to a running (unfolded) sum; an odd tail is padded with zero. */
    static long add(long sum, MemorySegment data, long offset, long length) {
        long s = sum;
        long i = 0;
        for (; i + 1 < length; i += 2) {
            s += data.get(BE_SHORT, offset + i) & 0xffff;
        }
        if (i < length) {
            s += (data.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff) << 8;
        }
        return s;
    }

    /** Adds one 16-bit word. */
    static long addWord(long sum, int word) {
        return sum + (word & 0xffff);
    }

    /** Folds the carries and complements: the value that goes in the checksum field. */
    static int finish(long sum) {
        long s = sum;
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }
}
