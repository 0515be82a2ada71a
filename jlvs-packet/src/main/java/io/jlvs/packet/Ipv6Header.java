package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * IPv6 header flyweight (RFC 8200): static accessors at fixed offsets over a {@link MemorySegment}, network
 * byte order. An address is read as two longs, its high and low 64 bits, as the connection table keys it.
 */
public final class Ipv6Header {
    public static final int LENGTH = 40;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SRC = 8;
    public static final int DST = 24;

    /** Next-header values: the extension headers the data plane walks, the fragment header, ICMPv6. */
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int DESTINATION_OPTIONS = 60;
    public static final int NO_NEXT_HEADER = 59;
    public static final int PROTO_ICMPV6 = 58;
    /** The minimum link MTU of IPv6 (RFC 8200 §5): an ICMPv6 error never exceeds it. */
    public static final int MIN_MTU = 1280;

    private Ipv6Header() {
    }

    public static int version(MemorySegment s, long ip) {
        return Wire.u8(s, ip) >>> 4;
    }

    public static int payloadLength(MemorySegment s, long ip) {
        return Wire.u16(s, ip + PAYLOAD_LENGTH);
    }

    public static void payloadLength(MemorySegment s, long ip, int length) {
        Wire.u16(s, ip + PAYLOAD_LENGTH, length);
    }

    public static int nextHeader(MemorySegment s, long ip) {
        return Wire.u8(s, ip + NEXT_HEADER);
    }

    public static int hopLimit(MemorySegment s, long ip) {
        return Wire.u8(s, ip + HOP_LIMIT);
    }

    /** Hop limit less one (IPv6 has no header checksum to update). */
    public static void decrementHopLimit(MemorySegment s, long ip) {
        Wire.u8(s, ip + HOP_LIMIT, Wire.u8(s, ip + HOP_LIMIT) - 1);
    }

    public static long srcHi(MemorySegment s, long ip) {
        return u64(s, ip + SRC);
    }

    public static long srcLo(MemorySegment s, long ip) {
        return u64(s, ip + SRC + 8);
    }

    public static long dstHi(MemorySegment s, long ip) {
        return u64(s, ip + DST);
    }

    public static long dstLo(MemorySegment s, long ip) {
        return u64(s, ip + DST + 8);
    }

    public static void src(MemorySegment s, long ip, long hi, long lo) {
        u64(s, ip + SRC, hi);
        u64(s, ip + SRC + 8, lo);
    }

    public static void dst(MemorySegment s, long ip, long hi, long lo) {
        u64(s, ip + DST, hi);
        u64(s, ip + DST + 8, lo);
    }

    static long u64(MemorySegment s, long at) {
        return (Wire.u32(s, at) & 0xffffffffL) << 32 | (Wire.u32(s, at + 4) & 0xffffffffL);
    }

    static void u64(MemorySegment s, long at, long v) {
        Wire.u32(s, at, (int) (v >>> 32));
        Wire.u32(s, at + 4, (int) v);
    }

    /** True for a multicast address (ff00::/8). */
    public static boolean isMulticast(long hi) {
        return hi >>> 56 == 0xff;
    }

    /** Folded one's-complement sum of the 16-bit words of a 128-bit address. */
    static long sum128(long hi, long lo) {
        return (hi >>> 48) + (hi >>> 32 & 0xffff) + (hi >>> 16 & 0xffff) + (hi & 0xffff)
                + (lo >>> 48) + (lo >>> 32 & 0xffff) + (lo >>> 16 & 0xffff) + (lo & 0xffff);
    }

    /** Folded sum of the IPv6 pseudo-header (RFC 8200 §8.1): source, destination, upper-layer length, next header. */
    static int pseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int length, int nextHeader) {
        return InternetChecksum.fold(sum128(srcHi, srcLo) + sum128(dstHi, dstLo) + (length >>> 16)
                + (length & 0xffff) + nextHeader);
    }

    /**
     * The checksum after a 128-bit address it covers changed from (oldHi, oldLo) to (newHi, newLo): RFC 1624
     * eqn. 3 over the eight 16-bit words, HC' = ~(~HC + ~m + m').
     */
    static int update128(int checksum, long oldHi, long oldLo, long newHi, long newLo) {
        long acc = (~checksum & 0xffff) + 8L * 0xffff - sum128(oldHi, oldLo) + sum128(newHi, newLo);
        return ~InternetChecksum.fold(acc) & 0xffff;
    }
}
