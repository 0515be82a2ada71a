package io.jlvs.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Network-byte-order reads and writes of unsigned fields at absolute offsets of a segment. */
public final class Wire {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Wire() {
    }

    public static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    public static void u8(MemorySegment s, long at, int v) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) v);
    }

    public static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xffff;
    }

    public static void u16(MemorySegment s, long at, int v) {
        s.set(U16, at, (short) v);
    }

    /** 32 bits as an int (an IPv4 address keeps its bit pattern). */
    public static int u32(MemorySegment s, long at) {
        return s.get(U32, at);
    }

    public static void u32(MemorySegment s, long at, int v) {
        s.set(U32, at, v);
    }

    /** A 6-byte MAC address as the low 48 bits of a long. */
    public static long mac(MemorySegment s, long at) {
        return ((long) u16(s, at) << 32) | (u32(s, at + 2) & 0xffffffffL);
    }

    public static void mac(MemorySegment s, long at, long mac) {
        u16(s, at, (int) (mac >>> 32));
        u32(s, at + 2, (int) mac);
    }
}
