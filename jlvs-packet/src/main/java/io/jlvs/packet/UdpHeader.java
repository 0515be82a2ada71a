package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** UDP header (RFC 768) at an offset. A zero checksum means "none" over IPv4. */
public final class UdpHeader {
    public static final int LENGTH = 8;
    public static final int SRC_PORT = 0;
    public static final int DST_PORT = 2;
    public static final int UDP_LENGTH = 4;
    public static final int CHECKSUM = 6;

    private UdpHeader() {
    }

    public static int srcPort(MemorySegment s, long off) {
        return Wire.u16(s, off + SRC_PORT);
    }

    public static int dstPort(MemorySegment s, long off) {
        return Wire.u16(s, off + DST_PORT);
    }

    public static int length(MemorySegment s, long off) {
        return Wire.u16(s, off + UDP_LENGTH);
    }

    public static int checksum(MemorySegment s, long off) {
        return Wire.u16(s, off + CHECKSUM);
    }

    public static void checksum(MemorySegment s, long off, int v) {
        Wire.u16(s, off + CHECKSUM, v);
    }
}
