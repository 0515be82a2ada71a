package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** IPv4 header (RFC 791) at an offset. Addresses are ints holding the network-order bit pattern. */
public final class Ipv4Header {
    public static final int MIN_LENGTH = 20;
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int ID = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SRC = 12;
    public static final int DST = 16;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPIP = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_GRE = 47;
    public static final int PROTO_SCTP = 132;

    private Ipv4Header() {
    }

    public static int version(MemorySegment s, long off) {
        return Wire.u8(s, off + VERSION_IHL) >>> 4;
    }

    /** Header length in bytes (IHL * 4). */
    public static int headerLength(MemorySegment s, long off) {
        return (Wire.u8(s, off + VERSION_IHL) & 0xf) << 2;
    }

    public static int tos(MemorySegment s, long off) {
        return Wire.u8(s, off + TOS);
    }

    public static int totalLength(MemorySegment s, long off) {
        return Wire.u16(s, off + TOTAL_LENGTH);
    }

    public static int flagsAndFragment(MemorySegment s, long off) {
        return Wire.u16(s, off + FLAGS_FRAGMENT);
    }

    /** True for any fragment: MF set or a non-zero offset. */
    public static boolean isFragment(MemorySegment s, long off) {
        return (flagsAndFragment(s, off) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public static boolean dontFragment(MemorySegment s, long off) {
        return (flagsAndFragment(s, off) & FLAG_DF) != 0;
    }

    public static int ttl(MemorySegment s, long off) {
        return Wire.u8(s, off + TTL);
    }

    public static int protocol(MemorySegment s, long off) {
        return Wire.u8(s, off + PROTOCOL);
    }

    public static int checksum(MemorySegment s, long off) {
        return Wire.u16(s, off + CHECKSUM);
    }

    public static void checksum(MemorySegment s, long off, int v) {
        Wire.u16(s, off + CHECKSUM, v);
    }

    public static int src(MemorySegment s, long off) {
        return Wire.u32(s, off + SRC);
    }

    public static int dst(MemorySegment s, long off) {
        return Wire.u32(s, off + DST);
    }

    /** Replaces the source address, updating the header checksum incrementally (RFC 1624). */
    public static void rewriteSrc(MemorySegment s, long off, int address) {
        int old = src(s, off);
        Wire.u32(s, off + SRC, address);
        checksum(s, off, InternetChecksum.update32(checksum(s, off), old, address));
    }

    /** Replaces the destination address, updating the header checksum incrementally (RFC 1624). */
    public static void rewriteDst(MemorySegment s, long off, int address) {
        int old = dst(s, off);
        Wire.u32(s, off + DST, address);
        checksum(s, off, InternetChecksum.update32(checksum(s, off), old, address));
    }

    /** Decrements the TTL by one, updating the header checksum incrementally. */
    public static void decrementTtl(MemorySegment s, long off) {
        int oldWord = Wire.u16(s, off + TTL);
        int newWord = oldWord - 0x100;
        Wire.u16(s, off + TTL, newWord);
        checksum(s, off, InternetChecksum.update16(checksum(s, off), oldWord, newWord));
    }

    /** True when the header checksum over {@code headerLength} bytes verifies. */
    public static boolean checksumValid(MemorySegment s, long off, int headerLength) {
        return InternetChecksum.sum(s, off, headerLength, 0) == 0xffff;
    }

    /** Computes and stores the header checksum from scratch. */
    public static void fillChecksum(MemorySegment s, long off, int headerLength) {
        checksum(s, off, 0);
        checksum(s, off, InternetChecksum.finish(InternetChecksum.sum(s, off, headerLength, 0)));
    }

    /**
     * Writes a 20-byte header without options and its checksum.
     *
     * @param flagsAndFragment flags (DF) and offset word
     */
    public static void write(MemorySegment s, long off, int tos, int totalLength, int id, int flagsAndFragment,
                             int ttl, int protocol, int src, int dst) {
        Wire.u8(s, off + VERSION_IHL, 0x45);
        Wire.u8(s, off + TOS, tos);
        Wire.u16(s, off + TOTAL_LENGTH, totalLength);
        Wire.u16(s, off + ID, id);
        Wire.u16(s, off + FLAGS_FRAGMENT, flagsAndFragment);
        Wire.u8(s, off + TTL, ttl);
        Wire.u8(s, off + PROTOCOL, protocol);
        Wire.u32(s, off + SRC, src);
        Wire.u32(s, off + DST, dst);
        fillChecksum(s, off, MIN_LENGTH);
    }
}
