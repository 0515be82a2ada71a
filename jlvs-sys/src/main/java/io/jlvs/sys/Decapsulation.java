package io.jlvs.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds the inner IPv4 packet of a tunnelled one, as a real server of an LVS-TUN director receives it: IPIP
 * (a whole outer IPv4 packet of protocol 4, as a raw socket hands it over), GUE (the payload of a UDP
 * datagram: a version 0 header carrying protocol 4, or version 1, the bare IPv4 packet) or GRE (a whole outer
 * IPv4 packet of protocol 47); and the inner IPv6 packet of an IPv6 service's: IPv6-in-IPv6 and GRE over IPv6
 * (a whole outer IPv6 packet of next header 41 or 47, as {@link RawIp6Socket} rebuilds it) and GUE carrying
 * protocol 41 (or version 1, the bare IPv6 packet). Each method returns the inner packet's offset, or a negative
 * value saying why there is none.
 */
public final class Decapsulation {
    /** Too short, not IPv4, or lengths that do not add up. */
    public static final int NOT_WELL_FORMED = -1;
    /** Well formed, but not carrying IPv4 (another protocol, a GUE control message). */
    public static final int NOT_IPV4 = -2;
    /** GRE with the checksum bit whose checksum does not add up. */
    public static final int BAD_CHECKSUM = -3;
    /** Well formed, but not carrying IPv6 (another protocol, a GUE control message). */
    public static final int NOT_IPV6 = -4;

    private static final int IPPROTO_IPIP = 4;
    private static final int IPPROTO_GRE = 47;
    private static final int GRE_HEADER = 4;
    private static final int GRE_CHECKSUM = 0x8000;
    private static final int GRE_ROUTING = 0x4000;
    private static final int GRE_KEY = 0x2000;
    private static final int GRE_SEQUENCE = 0x1000;
    private static final int GRE_VERSION = 0x0007;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV4_MIN = 20;
    private static final int IPV6_HEADER = 40;
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

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
        int at = gueInner(p, length, 4, IPPROTO_IPIP, NOT_IPV4);
        return at < 0 ? at : ipv4HeaderLength(p, at, length) < 0 ? NOT_WELL_FORMED : at;
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
        if (total > length) {
            return NOT_WELL_FORMED;
        }
        int at = greBody(p, ihl, total, ETHERTYPE_IPV4);
        if (at == NOT_CARRIED) {
            return NOT_IPV4;
        }
        return at < 0 || ipv4HeaderLength(p, at, total) >= 0 ? at : NOT_WELL_FORMED;
    }

    /** {@link #greBody}: another version or protocol type. */
    private static final int NOT_CARRIED = -100;

    /**
     * Where the payload of the GRE header at {@code gre} (the packet ending at {@code end}) starts when it is
     * version 0 carrying {@code etherType}; {@link #NOT_CARRIED} for another version or type, else
     * {@link #NOT_WELL_FORMED} or {@link #BAD_CHECKSUM}.
     */
    private static int greBody(MemorySegment p, int gre, int end, int etherType) {
        if (end - gre < GRE_HEADER) {
            return NOT_WELL_FORMED;
        }
        int flags = u16(p, gre);
        if ((flags & GRE_ROUTING) != 0) {
            return NOT_WELL_FORMED;
        }
        if ((flags & GRE_VERSION) != 0) {
            return NOT_CARRIED;
        }
        int at = gre + GRE_HEADER + 4 * Integer.bitCount(flags & (GRE_CHECKSUM | GRE_KEY | GRE_SEQUENCE));
        if (at > end) {
            return NOT_WELL_FORMED;
        }
        if ((flags & GRE_CHECKSUM) != 0 && onesComplementSum(p, gre, end) != 0xffff) {
            return BAD_CHECKSUM;
        }
        return u16(p, gre + 2) != etherType ? NOT_CARRIED : at;
    }

    /**
     * The inner packet of the outer IPv6 packet in {@code p[0, length)} (as {@link RawIp6Socket} rebuilds it: the
     * 40-byte header, no extension headers) when it is IPv6-in-IPv6 (next header 41, RFC 2473).
     */
    public static int ipv6InIpv6(MemorySegment p, int length) {
        int end = ipv6End(p, 0, length);
        if (end < 0) {
            return NOT_WELL_FORMED;
        }
        if (u8(p, 6) != IPPROTO_IPV6) {
            return NOT_IPV6;
        }
        return ipv6End(p, IPV6_HEADER, end) < 0 ? NOT_WELL_FORMED : IPV6_HEADER;
    }

    /**
     * The inner packet of the outer IPv6 packet in {@code p[0, length)} (as {@link #ipv6InIpv6}) when it is GRE
     * version 0 carrying IPv6 (protocol type 0x86DD), checked as {@link #gre} checks GRE over IPv4.
     */
    public static int gre6(MemorySegment p, int length) {
        int end = ipv6End(p, 0, length);
        if (end < 0) {
            return NOT_WELL_FORMED;
        }
        if (u8(p, 6) != IPPROTO_GRE) {
            return NOT_IPV6;
        }
        int at = greBody(p, IPV6_HEADER, end, ETHERTYPE_IPV6);
        if (at == NOT_CARRIED) {
            return NOT_IPV6;
        }
        return at < 0 || ipv6End(p, at, end) >= 0 ? at : NOT_WELL_FORMED;
    }

    /**
     * The inner IPv6 packet of the GUE datagram payload in {@code p[0, length)}: version 0 carrying protocol 41
     * (what the director sends for an IPv6 service), or version 1 with an IPv6 packet.
     */
    public static int gue6(MemorySegment p, int length) {
        int at = gueInner(p, length, 6, IPPROTO_IPV6, NOT_IPV6);
        return at < 0 ? at : ipv6End(p, at, length) < 0 ? NOT_WELL_FORMED : at;
    }

    /**
     * Where the inner packet of a GUE payload starts: version 1 whose first nibble is {@code ipVersion}, or
     * version 0 (not a control message) carrying {@code protocol} after its header and options; {@code other}
     * when it carries something else, {@link #NOT_WELL_FORMED} when too short or of another GUE version.
     */
    private static int gueInner(MemorySegment p, int length, int ipVersion, int protocol, int other) {
        if (length < 1) {
            return NOT_WELL_FORMED;
        }
        int first = u8(p, 0);
        int version = first >>> 6;
        if (version == 1) {
            return (first >>> 4) == ipVersion ? 0 : other;
        }
        if (version != 0) {
            return NOT_WELL_FORMED;
        }
        if (length < 4) {
            return NOT_WELL_FORMED;
        }
        if ((first & 0x20) != 0 || u8(p, 1) != protocol) {
            return other;
        }
        return 4 + 4 * (first & 0x1f);
    }

    /** The length of the IPv6 packet at {@code at}: its 40-byte header and payload. */
    public static int inner6Length(MemorySegment p, int at) {
        return IPV6_HEADER + u16(p, at + 4);
    }

    /** The high 64 bits of the destination of the IPv6 packet at {@code at}. */
    public static long inner6DestinationHi(MemorySegment p, int at) {
        return p.get(BE64, at + 24);
    }

    /** The low 64 bits of the destination of the IPv6 packet at {@code at}. */
    public static long inner6DestinationLo(MemorySegment p, int at) {
        return p.get(BE64, at + 32);
    }

    /** Where a plausible IPv6 packet at {@code at} that ends by {@code end} ends, or -1. */
    private static int ipv6End(MemorySegment p, int at, int end) {
        if (end - at < IPV6_HEADER || (u8(p, at) >>> 4) != 6) {
            return -1;
        }
        int packetEnd = at + IPV6_HEADER + u16(p, at + 4);
        return packetEnd > end ? -1 : packetEnd;
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
