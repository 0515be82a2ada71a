package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** CRC32c (Castagnoli, reflected polynomial 0x82F63B78) over segment bytes, as SCTP uses it (RFC 4960 App. B). */
public final class Crc32c {
    private static final int[] TABLE = new int[256 * 4];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[i] = c;
        }
        for (int i = 0; i < 256; i++) {
            int c = TABLE[i];
            for (int t = 1; t < 4; t++) {
                c = TABLE[c & 0xff] ^ (c >>> 8);
                TABLE[t * 256 + i] = c;
            }
        }
    }

    private Crc32c() {
    }

    /** The CRC32c of {@code length} bytes at {@code off} (initial value and final xor included). */
    public static int compute(MemorySegment s, long off, int length) {
        int crc = ~0;
        long at = off;
        long end = off + length;
        while (end - at >= 4) {
            crc ^= s.get(Wire.U32_LE, at);
            crc = TABLE[3 * 256 + (crc & 0xff)] ^ TABLE[2 * 256 + ((crc >>> 8) & 0xff)]
                    ^ TABLE[256 + ((crc >>> 16) & 0xff)] ^ TABLE[crc >>> 24];
            at += 4;
        }
        while (at < end) {
            crc = TABLE[(crc ^ Wire.u8(s, at)) & 0xff] ^ (crc >>> 8);
            at++;
        }
        return ~crc;
    }
}
