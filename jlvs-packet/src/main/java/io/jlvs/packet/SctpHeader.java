package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * SCTP common header (RFC 4960 §3.1) and the type of its first chunk. The CRC32c checksum is stored
 * least significant byte first, as Linux and the RFC's sample code do.
 */
public final class SctpHeader {
    public static final int LENGTH = 12;
    /** Common header plus one chunk header (type, flags, length). */
    public static final int MIN_WITH_CHUNK = LENGTH + 4;
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int CHECKSUM = 8;
    public static final int FIRST_CHUNK_TYPE = 12;

    private SctpHeader() {
    }

    public static int srcPort(MemorySegment s, long off) {
        return Wire.u16(s, off + SRC_PORT);
    }

    public static int dstPort(MemorySegment s, long off) {
        return Wire.u16(s, off + DST_PORT);
    }

    public static int firstChunkType(MemorySegment s, long off) {
        return Wire.u8(s, off + FIRST_CHUNK_TYPE);
    }

    /** Recomputes the CRC32c over the {@code length} bytes of the SCTP packet and stores it. */
    public static void fillChecksum(MemorySegment s, long off, int length) {
        s.set(Wire.U32_LE, off + CHECKSUM, 0);
        s.set(Wire.U32_LE, off + CHECKSUM, Crc32c.compute(s, off, length));
    }

    /** True when the stored CRC32c matches the packet (the field is restored afterwards). */
    public static boolean checksumValid(MemorySegment s, long off, int length) {
        int stored = s.get(Wire.U32_LE, off + CHECKSUM);
        s.set(Wire.U32_LE, off + CHECKSUM, 0);
        int computed = Crc32c.compute(s, off, length);
        s.set(Wire.U32_LE, off + CHECKSUM, stored);
        return stored == computed;
    }
}
