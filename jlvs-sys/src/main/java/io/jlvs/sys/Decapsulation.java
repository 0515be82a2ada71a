package io.jlvs.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds the inner IPv4 packet of a tunnelled one, as a real server of an LVS-TUN director receives it: IPIP
 * (a whole outer IPv4 packet of protocol 4, as a raw socket hands it over), GUE (the payload of a UDP
 * datagram: a version 0 header carrying protocol 4, or version 1, the bare IPv4 packet) or GRE (a whole outer
 * IPv4 packet of protocol 47). Each method returns the inner packet's offset, or a negative value saying why
 * there is none.
 */
public final class Decapsulation {
    /** Too short, not IPv4, or lengths that do not add up. */
    public static final int NOT_WELL_FORMED = -1;
    /** Well formed, but not carrying IPv4 (another protocol, a GUE control message). */
    public static final int NOT_IPV4 = -2;
    /** GRE with the checksum bit whose checksum does not add up. */
    public static final int BAD_CHECKSUM = -3;

    private static final int IPPROTO_IPIP = 4;
    private static final int IPPROTO_GRE = 47;
    private static final int GRE_HEADER = 4;
    private static final int GRE_CHECKSUM = 0x8000;
    private static final int GRE_ROUTING = 0x4000;
    private static final int GRE_KEY = 0x2000;
    private static final int GRE_SEQUENCE = 0x1000;
    private static final int GRE_VERSION = 0x0007;
    private static final int ETHERTYPE_IPV4 = 0x0800;
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

    /**
     * The inner packet of the outer IPv4 packet in {@code p[0, length)} when it is GRE (RFC 2784, RFC 2890)
     * version 0 carrying IPv4 (protocol type 0x0800). With the checksum bit the checksum over the GRE header
     * and payload must add up ({@link #BAD_CHECKSUM} else); a key and a sequence number (which IPVS never sends)
     * are skipped; the routing bit of RFC 1701 is refused, as Linux refuses it. Another version (1 is PPTP's)
     * or protocol type is {@link #NOT_IPV4}.
     */
    public static int gre(MemorySegment p, int length) {
        int ihl = ipv4HeaderLength(p, 0, length);
        if (ihl < 0) {
            return NOT_WELL_FORMED;
        }
        if (u8(p, 9) != IPPROTO_GRE) {
            return NOT_IPV4;
        }
        int total = u16(p, 2);
        if (total - ihl < GRE_HEADER) {
            return NOT_WELL_FORMED;
        }
        int flags = u16(p, ihl);
        if ((flags & GRE_ROUTING) != 0) {
            return NOT_WELL_FORMED;
        }
        if ((flags & GRE_VERSION) != 0) {
            return NOT_IPV4;
        }
        int at = ihl + GRE_HEADER + 4 * Integer.bitCount(flags & (GRE_CHECKSUM | GRE_KEY | GRE_SEQUENCE));
        if (at > total) {
            return NOT_WELL_FORMED;
        }
        if ((flags & GRE_CHECKSUM) != 0 && onesComplementSum(p, ihl, total) != 0xffff) {
            return BAD_CHECKSUM;
        }
        if (u16(p, ihl + 2) != ETHERTYPE_IPV4) {
            return NOT_IPV4;
        }
        return ipv4HeaderLength(p, at, total) < 0 ? NOT_WELL_FORMED : at;
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

    /** The 16-bit one's complement sum of {@code p[from, to)}, folded (0xffff when a checksum in it is right). */
    private static int onesComplementSum(MemorySegment p, int from, int to) {
        long sum = 0;
        int at = from;
        for (; at + 1 < to; at += 2) {
            sum += u16(p, at);
        }
        if (at < to) {
            sum += u8(p, at) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static int u8(MemorySegment p, int at) {
        return p.get(ValueLayout.JAVA_BYTE, at) & 0xff;
    }

    private static int u16(MemorySegment p, int at) {
        return p.get(BE16, at) & 0xffff;
    }
}
