package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** TCP header (RFC 9293) at an offset. */
public final class TcpHeader {
    public static final int MIN_LENGTH = 20;
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int CHECKSUM = 16;

    private TcpHeader() {
    }

    public static int srcPort(MemorySegment s, long off) {
        return Wire.u16(s, off + SRC_PORT);
    }

    public static int dstPort(MemorySegment s, long off) {
        return Wire.u16(s, off + DST_PORT);
    }

    /** Header length in bytes (data offset * 4). */
    public static int headerLength(MemorySegment s, long off) {
        return (Wire.u8(s, off + DATA_OFFSET) >>> 4) << 2;
    }

    /** The flag byte: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10. */
    public static int flags(MemorySegment s, long off) {
        return Wire.u8(s, off + FLAGS);
    }

    public static int checksum(MemorySegment s, long off) {
        return Wire.u16(s, off + CHECKSUM);
    }

    public static void checksum(MemorySegment s, long off, int v) {
        Wire.u16(s, off + CHECKSUM, v);
    }
}
