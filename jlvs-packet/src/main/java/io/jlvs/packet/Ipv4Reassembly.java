package io.jlvs.packet;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Puts fragmented IPv4 datagrams together again, as the kernel's defragmentation does for IPVS before it
 * looks at a packet (IPVS loads {@code nf_defrag_ipv4}): fragments with the same source, destination,
 * protocol and identification are held until every byte from offset 0 to the end the last fragment names
 * has arrived; the datagram then leaves as one frame with the first fragment's link and IP headers, MF and
 * offset cleared. As Linux since the FragmentSmack fixes, a fragment that overlaps bytes already held gives
 * up the whole datagram (an exact repeat of bytes held is ignored), as does one that would make it longer
 * than 65,535 bytes. Up to {@link #SLOTS} datagrams are held at once; a datagram not whole
 * {@link #TIMEOUT_NANOS} after its first fragment is given up (the kernel's {@code ipfrag_time}, 30 s),
 * without an ICMP error (the kernel sends none for datagrams it reassembles on a router's way). While every
 * slot holds a datagram, the oldest is given up for a new one (the kernel refuses fragments beyond its memory
 * limit, 4 MiB: thousands of datagrams; 128 slots refusing would let a trickle of bogus first fragments shut
 * out every fragmented datagram). Repeats of bytes already held are ignored (Linux ignores a fragment that
 * lies within one it holds and gives up on one that spans two); a middle fragment's data not in 8-byte
 * units is cut to them, as Linux does (one of under 8 bytes gives up the datagram).
 *
 * <p>With AF_PACKET the kernel has reassembled datagrams before the workers see them (the fanout group's
 * defragment flag); this is for the I/O that hands over fragments as they came (AF_XDP, tests).
 *
 * <p>Owner: one worker thread. A slot's buffer is allocated the first time a datagram needs it and reused,
 * grown only for a larger one (at most {@link #SLOTS} x 64 KiB per worker); nothing is allocated per fragment
 * after that.
 */
final class Ipv4Reassembly {
    static final int SLOTS = 128;
    static final long TIMEOUT_NANOS = 30_000_000_000L;
    /** The most link and IP header bytes kept from a first fragment: two VLAN tags and 60 bytes of IP. */
    private static final int MAX_HEADERS = 22 + 60;
    private static final int MAX_DATA = 65535 - Ipv4Header.MIN_LENGTH;
    private static final int UNITS = (MAX_DATA + 7) / 8;

    /** What {@link #add} did with a fragment. */
    enum Result {
        /** Held: the datagram is not whole yet. */
        HELD,
        /** The datagram is whole: {@link #frame()}, {@link #offset()}, {@link #length()}. */
        WHOLE,
        /** Refused, and the datagram it belonged to (if any) given up: {@link #givenUpFragments()}. */
        REFUSED
    }

    private final boolean[] used = new boolean[SLOTS];
    private final int[] src = new int[SLOTS];
    private final int[] dst = new int[SLOTS];
    private final int[] proto = new int[SLOTS];
    private final int[] id = new int[SLOTS];
    private final long[] since = new long[SLOTS];
    /** Data bytes: -1 until the fragment without MF arrived. */
    private final int[] end = new int[SLOTS];
    private final int[] fragments = new int[SLOTS];
    /** The first fragment's link and IP header bytes (0: it has not arrived). */
    private final int[] headerLength = new int[SLOTS];
    private final int[] linkLength = new int[SLOTS];
    private final byte[][] headers = new byte[SLOTS][MAX_HEADERS];
    /** Per slot, which 8-byte units of data arrived. */
    private final long[][] units = new long[SLOTS][];
    private final MemorySegment[] data = new MemorySegment[SLOTS];
    private int held;
    private long givenUp;
    private long merged;
    private int givenUpFragments;
    private int wholeSlot = -1;
    private long wholeOffset;
    private int wholeLength;

    /**
     * Takes the fragment in the frame at {@code off} ({@code l2} bytes of link header, then a validated IPv4
     * header of a fragment whose total length fits the frame).
     */
    Result add(MemorySegment s, long off, int l2, long nowNanos) {
        release();
        givenUpFragments = 0;
        long ip = off + l2;
        int ihl = Ipv4Header.headerLength(s, ip);
        int total = Ipv4Header.totalLength(s, ip);
        int word = Ipv4Header.flagsAndFragment(s, ip);
        int from = (word & Ipv4Header.FRAGMENT_OFFSET_MASK) << 3;
        int bytes = total - ihl;
        boolean more = (word & Ipv4Header.FLAG_MF) != 0;
        int a = Ipv4Header.src(s, ip);
        int b = Ipv4Header.dst(s, ip);
        int p = Ipv4Header.protocol(s, ip);
        int i = find(a, b, p, Wire.u16(s, ip + Ipv4Header.ID), nowNanos);
        if (more) {
            // a middle fragment's data not in 8-byte units is cut to them, as Linux's ip_frag_queue does
            bytes &= ~7;
        }
        if (ihl + from + bytes > 65535 || bytes == 0 || l2 + ihl > MAX_HEADERS) {
            // too long for IPv4 (the ping of death), or empty (a middle fragment of under 8 bytes too)
            return refuse(i);
        }
        if (i < 0) {
            i = claim(a, b, p, Wire.u16(s, ip + Ipv4Header.ID), nowNanos);
            if (i < 0) {
                return refuse(-1);
            }
        }
        if (!more) {
            if (end[i] >= 0 ? end[i] != from + bytes : from + bytes < FragmentUnits.highestUnit(units[i])) {
                return refuse(i);
            }
            end[i] = from + bytes;
        } else if (end[i] >= 0 && from + bytes > end[i]) {
            return refuse(i);
        }
        int overlap = FragmentUnits.covered(units[i], from, bytes);
        if (overlap == bytes) {
            // a repeat of what is held: ignored, as Linux ignores an exact duplicate
            fragments[i]++;
            return Result.HELD;
        }
        if (overlap > 0) {
            return refuse(i);
        }
        data[i] = FragmentUnits.atLeast(data[i], MAX_HEADERS + (long) (from + bytes), MAX_HEADERS + MAX_DATA);
        MemorySegment.copy(s, ip + ihl, data[i], MAX_HEADERS + from, bytes);
        FragmentUnits.mark(units[i], from, bytes);
        fragments[i]++;
        if (from == 0) {
            MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, off, headers[i], 0, l2 + ihl);
            headerLength[i] = l2 + ihl;
            linkLength[i] = l2;
        }
        if (headerLength[i] == 0 || end[i] < 0 || FragmentUnits.covered(units[i], 0, end[i]) != end[i]) {
            return Result.HELD;
        }
        return whole(i);
    }

    /** The frame of the datagram {@link #add} made whole, valid until the next {@link #add}. */
    MemorySegment frame() {
        return data[wholeSlot];
    }

    long offset() {
        return wholeOffset;
    }

    int length() {
        return wholeLength;
    }

    /** Fragments given up by the last {@link #add} or {@link #expire} (each is a dropped frame). */
    int givenUpFragments() {
        return givenUpFragments;
    }

    /** Datagrams given up so far (overlap, too long, no slot free, not whole in time). */
    long givenUp() {
        return givenUp;
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

    private Result refuse(int i) {
        givenUpFragments++;
        if (i >= 0) {
            giveUp(i);
        } else {
            givenUp++;
        }
        return Result.REFUSED;
    }

    private void giveUp(int i) {
        givenUpFragments += fragments[i];
        givenUp++;
        free(i);
    }

    private Result whole(int i) {
        int h = headerLength[i];
        int l2 = linkLength[i];
        long at = MAX_HEADERS - h;
        MemorySegment d = data[i];
        MemorySegment.copy(headers[i], 0, d, java.lang.foreign.ValueLayout.JAVA_BYTE, at, h);
        long ip = at + l2;
        int word = Ipv4Header.flagsAndFragment(d, ip);
        Wire.u16(d, ip + Ipv4Header.FLAGS_FRAGMENT, word & ~(Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK));
        Wire.u16(d, ip + Ipv4Header.TOTAL_LENGTH, h - l2 + end[i]);
        Ipv4Header.fillChecksum(d, ip, h - l2);
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

    private int find(int a, int b, int p, int ident, long nowNanos) {
        if (held == 0) {
            return -1;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (used[i] && src[i] == a && dst[i] == b && proto[i] == p && id[i] == ident) {
                if (nowNanos - since[i] >= TIMEOUT_NANOS) {
                    giveUp(i);
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    private int claim(int a, int b, int p, int ident, long nowNanos) {
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
            // every slot holds a datagram: the oldest is given up for the new one (a flood of first fragments
            // that never complete must not shut out datagrams that do)
            free = FragmentUnits.oldest(since, nowNanos);
            giveUp(free);
        }
        used[free] = true;
        src[free] = a;
        dst[free] = b;
        proto[free] = p;
        id[free] = ident;
        since[free] = nowNanos;
        end[free] = -1;
        fragments[free] = 0;
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
