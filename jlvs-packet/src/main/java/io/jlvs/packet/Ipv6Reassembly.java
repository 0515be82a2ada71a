package io.jlvs.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Puts fragmented IPv6 datagrams together again, as the kernel's {@code nf_defrag_ipv6} does for IPVS before
 * it looks at a packet: fragments with the same source, destination and identification (RFC 8200 §4.5; the
 * upper protocol is not part of the key, as the Fragment headers of one datagram may name different ones) are
 * held until every byte from offset 0 to the end the last fragment names has arrived. The datagram then leaves
 * as one frame: the first fragment's link header, IPv6 header and the extension headers before its Fragment
 * header (the unfragmentable part), then the data of every fragment; the Fragment header is gone (the header
 * before it names what it named), the payload length is the datagram's, and its ECN field is the fragments'
 * put together as RFC 3168 §5.3 and Linux's {@code ip_frag_ecn_table} say (CE when any was CE; a mix of
 * Not-ECT and ECN-capable fragments gives the datagram up).
 *
 * <p>Given up, as Linux: a datagram with a fragment that overlaps bytes already held (RFC 5722; a fragment
 * wholly within bytes held is a repeat and is ignored), one with a fragment before the last whose data is not
 * in 8-byte units, one that would be longer than 65,535 bytes of payload, one whose first fragment does not
 * hold the whole header chain up to the transport header (RFC 8200 §4.5, RFC 7112). Refused alone, the
 * datagram kept: an empty fragment, a last fragment whose end differs from the end already known or lies
 * below bytes held, and a fragment beyond the known end. Up to {@link #SLOTS} datagrams are held at once;
 * while every slot holds one, the oldest is given up for a new one (as {@link Ipv4Reassembly}: refusing would
 * let a trickle of bogus first fragments shut out every fragmented datagram); a datagram not whole
 * {@link #TIMEOUT_NANOS} after its first fragment is given up (Linux's {@code ip6frag_time} and
 * {@code nf_conntrack_frag6_timeout}, 60 s), without an ICMPv6 error (none is sent for a datagram reassembled
 * on a router's way). Atomic fragments (offset 0, no M flag) never come here: they are packets of their own
 * (RFC 6946), which the caller handles as unfragmented.
 *
 * <p>Owner: one worker thread. A slot's buffer is allocated the first time a datagram needs it and reused,
 * grown only for a larger one (at most {@link #SLOTS} x 64 KiB per worker); nothing is allocated per fragment
 * after that.
 */
final class Ipv6Reassembly {
    static final int SLOTS = 128;
    static final long TIMEOUT_NANOS = 60_000_000_000L;
    /** The most extension-header bytes kept before a first fragment's Fragment header. */
    static final int MAX_UNFRAGMENTABLE_EXTENSIONS = 512;
    static final int FRAGMENT_HEADER = 8;
    /** The most link and IP header bytes kept from a first fragment: two VLAN tags, IPv6, extensions. */
    private static final int MAX_HEADERS = 22 + Ipv6Header.LENGTH + MAX_UNFRAGMENTABLE_EXTENSIONS;
    private static final int MAX_PAYLOAD = 65535;
    private static final int UNITS = (MAX_PAYLOAD + 7) / 8;
    private static final int OFFSET_MASK = 0xfff8;
    private static final int MORE = 1;
    /** ECN codepoints seen, one bit each (1 << codepoint): Not-ECT 0, ECT(1) 1, ECT(0) 2, CE 3. */
    private static final int NOT_ECT = 1;
    private static final int CE = 1 << 3;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    /** What {@link #add} did with a fragment. */
    enum Result {
        /** Held: the datagram is not whole yet (or the fragment repeats bytes held). */
        HELD,
        /** The datagram is whole: {@link #frame()}, {@link #offset()}, {@link #length()}. */
        WHOLE,
        /** Refused (with its datagram when that was given up): {@link #givenUpFragments()}. */
        REFUSED
    }

    private final boolean[] used = new boolean[SLOTS];
    private final long[] srcHi = new long[SLOTS];
    private final long[] srcLo = new long[SLOTS];
    private final long[] dstHi = new long[SLOTS];
    private final long[] dstLo = new long[SLOTS];
    private final int[] id = new int[SLOTS];
    private final long[] since = new long[SLOTS];
    /** Bytes of fragmentable data: -1 until the fragment without M arrived. */
    private final int[] end = new int[SLOTS];
    private final int[] fragments = new int[SLOTS];
    /** The largest fragment received, as an IPv6 packet (40 + its payload length): Linux's frag_max_size. */
    private final int[] largest = new int[SLOTS];
    private final int[] ecn = new int[SLOTS];
    /** The first fragment's link, IPv6 and extension header bytes before its Fragment header (0: not arrived). */
    private final int[] headerLength = new int[SLOTS];
    private final int[] linkLength = new int[SLOTS];
    /** In the first fragment's headers, where the byte naming the Fragment header is. */
    private final int[] namedAt = new int[SLOTS];
    /** The header the first fragment's Fragment header names (the fragmentable part's first). */
    private final int[] nextHeader = new int[SLOTS];
    private final byte[][] headers = new byte[SLOTS][MAX_HEADERS];
    /** Per slot, which 8-byte units of data arrived. */
    private final long[][] units = new long[SLOTS][];
    private final MemorySegment[] data = new MemorySegment[SLOTS];
    private int held;
    private long merged;
    private int givenUpFragments;
    private int wholeSlot = -1;
    private long wholeOffset;
    private int wholeLength;

    /**
     * Takes the fragment in the frame at {@code off}: {@code l2} bytes of link header, then an IPv6 packet whose
     * payload length fits the frame, with its (not atomic) Fragment header at {@code fragmentAt}, named by the
     * byte at {@code namedAt} (the IPv6 header's next-header field or an extension header's first byte); the
     * Fragment header lies within the packet.
     */
    Result add(MemorySegment s, long off, int l2, long fragmentAt, long namedAt, long nowNanos) {
        release();
        givenUpFragments = 0;
        long ip = off + l2;
        int payload = Ipv6Header.payloadLength(s, ip);
        long dataAt = fragmentAt + FRAGMENT_HEADER;
        int bytes = (int) (ip + Ipv6Header.LENGTH + payload - dataAt);
        int word = Wire.u16(s, fragmentAt + 2);
        int from = word & OFFSET_MASK;
        boolean more = (word & MORE) != 0;
        int unfragmentable = (int) (fragmentAt - ip);
        long aHi = Ipv6Header.srcHi(s, ip);
        long aLo = Ipv6Header.srcLo(s, ip);
        long bHi = Ipv6Header.dstHi(s, ip);
        long bLo = Ipv6Header.dstLo(s, ip);
        int ident = Wire.u32(s, fragmentAt + 4);
        int i = find(aHi, aLo, bHi, bLo, ident, nowNanos);
        if (bytes <= 0) {
            // nothing in it: refused alone, as Linux's "end == offset"
            return refuseFragment();
        }
        if ((more && (bytes & 7) != 0) || unfragmentable - Ipv6Header.LENGTH + from + bytes > MAX_PAYLOAD
                || (from == 0 && (l2 + unfragmentable > MAX_HEADERS
                || truncated(s, dataAt, bytes, Wire.u8(s, fragmentAt))))) {
            return refuse(i);
        }
        if (i >= 0) {
            if (!more ? (end[i] >= 0 ? end[i] != from + bytes : from + bytes < FragmentUnits.highestUnit(units[i]))
                    : end[i] >= 0 && from + bytes > end[i]) {
                // a second, different end, or data beyond it: this fragment is refused, the datagram kept
                return refuseFragment();
            }
        } else {
            i = claim(aHi, aLo, bHi, bLo, ident, nowNanos);
        }
        int overlap = FragmentUnits.covered(units[i], from, bytes);
        if (overlap == bytes) {
            // bytes held already: a repeat, ignored
            fragments[i]++;
            return Result.HELD;
        }
        if (overlap > 0) {
            return refuse(i);
        }
        if (!more) {
            end[i] = from + bytes;
        }
        data[i] = FragmentUnits.atLeast(data[i], MAX_HEADERS + (long) (from + bytes), MAX_HEADERS + MAX_PAYLOAD);
        MemorySegment.copy(s, dataAt, data[i], MAX_HEADERS + from, bytes);
        FragmentUnits.mark(units[i], from, bytes);
        fragments[i]++;
        largest[i] = Math.max(largest[i], Ipv6Header.LENGTH + payload);
        ecn[i] |= 1 << ((Wire.u32(s, ip) >>> 20) & 3);
        if (from == 0) {
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, headers[i], 0, l2 + unfragmentable);
            headerLength[i] = l2 + unfragmentable;
            linkLength[i] = l2;
            this.namedAt[i] = (int) (namedAt - off);
            nextHeader[i] = Wire.u8(s, fragmentAt);
        }
        if (headerLength[i] == 0 || end[i] < 0 || FragmentUnits.covered(units[i], 0, end[i]) != end[i]) {
            return Result.HELD;
        }
        return whole(i);
    }

    /** The frame of the datagram {@link #add} made whole, valid until the next {@link #add} or {@link #expire}. */
    MemorySegment frame() {
        return data[wholeSlot];
    }

    long offset() {
        return wholeOffset;
    }

    int length() {
        return wholeLength;
    }

    /** The whole datagram's link header length (its first fragment's). */
    int linkLength() {
        return linkLength[wholeSlot];
    }

    /** The whole datagram's unfragmentable part: the IPv6 header and the extension headers kept before its data. */
    int unfragmentable() {
        return headerLength[wholeSlot] - linkLength[wholeSlot];
    }

    /** Where, from the whole datagram's IPv6 header, the byte naming its first fragmentable header is. */
    int namedAt() {
        return namedAt[wholeSlot] - linkLength[wholeSlot];
    }

    /** The largest fragment the whole datagram came in, as an IPv6 packet (Linux's frag_max_size). */
    int largestFragment() {
        return largest[wholeSlot];
    }

    /** Fragments given up by the last {@link #add} or {@link #expire} (each is a dropped frame). */
    int givenUpFragments() {
        return givenUpFragments;
    }

    /**
     * Fragments (repeats included) that went into a whole datagram, but for the one that completed it, which
     * stands for the datagram: with the datagrams' own verdicts and the fragments given up, every fragment is
     * accounted once.
     */
    long merged() {
        return merged;
    }

    /** Datagrams held now. */
    int held() {
        return held;
    }

    /** Gives up datagrams not whole {@link #TIMEOUT_NANOS} after their first fragment; returns the fragments. */
    int expire(long nowNanos) {
        release();
        givenUpFragments = 0;
        if (held == 0) {
            return 0;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && nowNanos - since[i] >= TIMEOUT_NANOS) {
                giveUp(i);
            }
        }
        return givenUpFragments;
    }

    /**
     * Whether a first fragment's data ({@code bytes} at {@code at}, starting with header {@code next}) ends before
     * the transport header does: the extension headers after the Fragment header are walked, then a TCP header
     * needs 20 bytes, UDP and ICMPv6 8, anything else one (as Linux's {@code ipv6frag_thdr_truncated}).
     */
    private static boolean truncated(MemorySegment s, long at, int bytes, int next) {
        int k = 0;
        for (int n = 0; n < 8; n++) {
            if (next != Ipv6Header.HOP_BY_HOP && next != Ipv6Header.ROUTING
                    && next != Ipv6Header.DESTINATION_OPTIONS) {
                break;
            }
            if (bytes - k < 8) {
                return true;
            }
            int length = (Wire.u8(s, at + k + 1) + 1) * 8;
            next = Wire.u8(s, at + k);
            k += length;
        }
        int need = next == PROTO_TCP ? 20 : next == PROTO_UDP || next == Ipv6Header.PROTO_ICMPV6 ? 8 : 1;
        return k + need > bytes;
    }

    private Result refuseFragment() {
        givenUpFragments++;
        return Result.REFUSED;
    }

    private Result refuse(int i) {
        givenUpFragments++;
        if (i >= 0) {
            giveUp(i);
        }
        return Result.REFUSED;
    }

    private void giveUp(int i) {
        givenUpFragments += fragments[i];
        free(i);
    }

    private Result whole(int i) {
        int seen = ecn[i];
        if ((seen & NOT_ECT) != 0 && seen != NOT_ECT) {
            // Not-ECT beside ECN-capable fragments: no codepoint says both (RFC 3168 §5.3); this fragment is
            // among those given up
            giveUp(i);
            return Result.REFUSED;
        }
        int h = headerLength[i];
        int l2 = linkLength[i];
        long at = MAX_HEADERS - h;
        MemorySegment d = data[i];
        MemorySegment.copy(headers[i], 0, d, ValueLayout.JAVA_BYTE, at, h);
        long ip = at + l2;
        Wire.u8(d, at + namedAt[i], nextHeader[i]);
        Ipv6Header.payloadLength(d, ip, h - l2 - Ipv6Header.LENGTH + end[i]);
        if ((seen & CE) != 0) {
            Wire.u32(d, ip, Wire.u32(d, ip) | 3 << 20);
        }
        merged += fragments[i] - 1;
        wholeSlot = i;
        wholeOffset = at;
        wholeLength = h + end[i];
        return Result.WHOLE;
    }

    /** Frees the slot of the datagram handed out last (its frame was used by then). */
    private void release() {
        if (wholeSlot >= 0) {
            free(wholeSlot);
            wholeSlot = -1;
        }
    }

    private int find(long aHi, long aLo, long bHi, long bLo, int ident, long nowNanos) {
        if (held == 0) {
            return -1;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && id[i] == ident && srcLo[i] == aLo && dstLo[i] == bLo && srcHi[i] == aHi
                    && dstHi[i] == bHi) {
                if (nowNanos - since[i] >= TIMEOUT_NANOS) {
                    giveUp(i);
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    private int claim(long aHi, long aLo, long bHi, long bLo, int ident, long nowNanos) {
        int free = -1;
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && nowNanos - since[i] >= TIMEOUT_NANOS) {
                giveUp(i);
            }
            if (!used[i] && free < 0) {
                free = i;
            }
        }
        if (free < 0) {
            // every slot holds a datagram: the oldest is given up for the new one
            free = FragmentUnits.oldest(since, nowNanos);
            giveUp(free);
        }
        used[free] = true;
        srcHi[free] = aHi;
        srcLo[free] = aLo;
        dstHi[free] = bHi;
        dstLo[free] = bLo;
        id[free] = ident;
        since[free] = nowNanos;
        end[free] = -1;
        fragments[free] = 0;
        largest[free] = 0;
        ecn[free] = 0;
        headerLength[free] = 0;
        if (units[free] == null) {
            units[free] = new long[(UNITS + 63) / 64];
        }
        held++;
        return free;
    }

    private void free(int i) {
        if (used[i]) {
            used[i] = false;
            Arrays.fill(units[i], 0);
            held--;
        }
    }
}
