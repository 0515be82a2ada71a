package io.jlvs.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds the inner IPv4 packet of a tunnelled one, as a real server of an LVS-TUN director receives it: IPIP
 * (a whole outer IPv4 packet of protocol 4, as a raw socket hands it over) or GUE (the payload of a UDP
 * datagram: a version 0 header carrying protocol 4, or version 1, the bare IPv4 packet). Each method returns
 * the inner packet's offset, or a negative {@code NOT_*} value saying why there is none.
 */
public final class Decapsulation {
    /** Too short, not IPv4, or lengths that do not add up. */
    public static final int NOT_WELL_FORMED = -1;
    /** Well formed, but not carrying IPv4 (another protocol, a GUE control message). */
    public static final int NOT_IPV4 = -2;

    private static final int IPPROTO_IPIP = 4;
    private static final int IPV4_MIN = 20;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Decapsulation() {
    }

    /** The inner packet of the outer IPv4 packet in {@code p[0, length)}. */
    public static int ipip(MemorySegment p, int length) {
        int ihl = ipv4HeaderLength(p, 0, length);
        if (ihl < 0) {
            return NOT_WELL_FORMED;
        }
        if (u8(p, 9) != IPPROTO_IPIP) {
            return NOT_IPV4;
        }
        int total = u16(p, 2);
        if (total > length || total < ihl) {
            return NOT_WELL_FORMED;
        }
        return ipv4HeaderLength(p, ihl, total) < 0 ? NOT_WELL_FORMED : ihl;
    }

    /** The inner packet of the GUE datagram payload in {@code p[0, length)}. */
    public static int gue(MemorySegment p, int length) {
        if (length < 1) {
            return NOT_WELL_FORMED;
        }
        int first = u8(p, 0);
        int version = first >>> 6;
        int at;
        if (version == 1) {
            at = 0;
            if ((first >>> 4) != 4) {
                return NOT_IPV4;
            }
        } else if (version == 0) {
            if (length < 4) {
                return NOT_WELL_FORMED;
            }
            if ((first & 0x20) != 0 || u8(p, 1) != IPPROTO_IPIP) {
                return NOT_IPV4;
            }
            at = 4 + 4 * (first & 0x1f);
        } else {
            return NOT_WELL_FORMED;
        }
        return ipv4HeaderLength(p, at, length) < 0 ? NOT_WELL_FORMED : at;
    }

    /** The total length field of the IPv4 packet at {@code at}. */
    public static int innerLength(MemorySegment p, int at) {
        return u16(p, at + 2);
    }

    /** The destination address of the IPv4 packet at {@code at}, as an unsigned 32-bit value in an int. */
    public static int innerDestination(MemorySegment p, int at) {
        return p.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), at + 16);
    }

    /** The header length of a plausible IPv4 packet at {@code at} that ends by {@code end}, or -1. */
    private static int ipv4HeaderLength(MemorySegment p, int at, int end) {
        if (end - at < IPV4_MIN) {
            return -1;
        }
        int first = u8(p, at);
        int ihl = (first & 0xf) * 4;
        int total = u16(p, at + 2);
        if ((first >>> 4) != 4 || ihl < IPV4_MIN || total < ihl || at + total > end) {
            return -1;
        }
        return ihl;
    }

    private static int u8(MemorySegment p, int at) {
        return p.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private static int u16(MemorySegment p, int at) {
        return p.get(BE16, at) & 0xffff;
    }
}
