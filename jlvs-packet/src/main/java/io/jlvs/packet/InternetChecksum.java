package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * The Internet checksum (RFC 1071): one's-complement sums over segment bytes, the IPv4 pseudo-header,
 * and incremental updates for a changed field (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')).
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * The folded 16-bit one's-complement sum of {@code length} bytes at {@code off}, added to
     * {@code initial} (a previous folded sum). A region holding a valid checksum sums to 0xffff.
     */
    public static int sum(MemorySegment s, long off, int length, int initial) {
        long acc = initial & 0xffffffffL;
        long at = off;
        long end = off + length;
        while (end - at >= 4) {
            acc += Wire.u32(s, at) & 0xffffffffL;
            at += 4;
        }
        if (end - at >= 2) {
            acc += Wire.u16(s, at);
            at += 2;
        }
        if (at < end) {
            acc += Wire.u8(s, at) << 8;
        }
        return fold(acc);
    }

    /** Folds a wide sum to 16 bits with end-around carry. */
    public static int fold(long acc) {
        long a = acc;
        while ((a >>> 16) != 0) {
            a = (a & 0xffff) + (a >>> 16);
        }
        return (int) a;
    }

    /** The checksum field value for a folded sum. */
    public static int finish(int sum) {
        return ~sum & 0xffff;
    }

    /** Folded sum of the IPv4 pseudo-header (source, destination, protocol, transport length). */
    public static int pseudoHeader(int src, int dst, int protocol, int length) {
        long acc = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
        return fold(acc);
    }

    /** The checksum after a 16-bit field changed from {@code old} to {@code updated}. */
    public static int update16(int checksum, int old, int updated) {
        long acc = (~checksum & 0xffff) + (~old & 0xffff) + (updated & 0xffff);
        return ~fold(acc) & 0xffff;
    }

    /** The checksum after a 32-bit field changed from {@code old} to {@code updated}. */
    public static int update32(int checksum, int old, int updated) {
        long acc = (~checksum & 0xffff) + (~(old >>> 16) & 0xffff) + (~old & 0xffff)
                + (updated >>> 16) + (updated & 0xffff);
        return ~fold(acc) & 0xffff;
    }

    /**
     * Finishes, in place, the transport checksum of a segment whose sender left it for the network card
     * (Linux CHECKSUM_PARTIAL: a sender on the same host whose frames reach us over veth or a bridge with
     * checksum offload on keep it so, and AF_PACKET and AF_XDP copy them out as they are): the field at
     * {@code fieldAt} then holds only the folded pseudo-header sum. A field equal to that sum whose segment
     * does not verify is taken for one and replaced by the full checksum (UDP: a computed 0 as 0xffff); a
     * segment that verifies is left alone. The whole segment is summed only for such a candidate.
     *
     * @param length the transport length (the pseudo-header's, and the bytes summed)
     * @return true when the checksum was finished here
     */
    public static boolean completePartial(MemorySegment s, long l4, int length, int src, int dst, int protocol,
                                          int fieldAt) {
        int field = Wire.u16(s, l4 + fieldAt);
        int pseudo = pseudoHeader(src, dst, protocol, length);
        if (field != pseudo) {
            return false;
        }
        int segment = sum(s, l4, length, 0);
        if (fold((long) pseudo + segment) == 0xffff) {
            return false;
        }
        // the field (the pseudo-header sum) is part of the segment's sum: the full sum is the segment's
        int checksum = finish(segment);
        if (checksum == 0 && protocol == Ipv4Header.PROTO_UDP) {
            checksum = 0xffff;
        }
        Wire.u16(s, l4 + fieldAt, checksum);
        return true;
    }
}
