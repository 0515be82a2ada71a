package io.jlvs.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Cuts an IPv6 datagram the data plane put together from fragments into fragments again (RFC 8200 §4.5), as
 * Linux's {@code ip6_fragment} cuts what {@code nf_defrag_ipv6} reassembled for IPVS: every fragment carries
 * the datagram's unfragmentable part (the IPv6 header and the extension headers kept before the data), then a
 * new Fragment header with one identification for the datagram, then its share of the rest; the data of each
 * but the last is a multiple of 8 bytes, M is set on all but the last. A datagram that fits is not cut.
 *
 * <p>The identification is a fresh one per datagram, not the fragments' own (as {@code ip6_fragment} takes
 * one from {@code ipv6_select_ident}): a 32-bit counter from a random start through a bijective mix, so no two
 * of 2^32 datagrams in a row share one and the next is not guessed from the last.
 *
 * <p>Owner: one worker thread; one buffer, reused for every fragment (no allocation per packet).
 */
final class Ipv6Fragmenter {
    private final MemorySegment out;
    private final int secret;
    private int counter;
    private MemorySegment in;
    private long frame;
    private int l2;
    private int headers;
    private int namedAt;
    private int nextHeader;
    private int payload;
    private int room;
    private int identification;
    private int done;
    private int length;

    /** @param maxFrame the largest fragment frame it may write (link header, IPv6 header and the rest) */
    Ipv6Fragmenter(int maxFrame) {
        this(maxFrame, new java.util.SplittableRandom().nextInt());
    }

    Ipv6Fragmenter(int maxFrame, int seed) {
        this.out = Arena.ofAuto().allocate(maxFrame, 8);
        this.secret = seed;
    }

    /**
     * Takes the frame at {@code off}: {@code l2} bytes of link header, then an IPv6 datagram (its payload length
     * within the frame) whose first {@code unfragmentable} bytes go in every fragment, the byte at
     * {@code namedAt} (from the IPv6 header) naming the header after them; to be cut into fragments of at most
     * {@code size} bytes (IPv6 header and all). False, and nothing to write, when the datagram fits as it is,
     * the size leaves no room for 8 bytes of data, or a fragment would not fit the buffer.
     */
    boolean start(MemorySegment s, long off, int l2, int unfragmentable, int namedAt, int size) {
        long ip = off + l2;
        int total = Ipv6Header.LENGTH + Ipv6Header.payloadLength(s, ip);
        int r = (size - unfragmentable - Ipv6Reassembly.FRAGMENT_HEADER) & ~7;
        if (total <= size || r < 8 || unfragmentable > total
                || (long) l2 + unfragmentable + Ipv6Reassembly.FRAGMENT_HEADER + r > out.byteSize()) {
            return false;
        }
        this.in = s;
        this.frame = off;
        this.l2 = l2;
        this.headers = l2 + unfragmentable;
        this.namedAt = l2 + namedAt;
        this.nextHeader = Wire.u8(s, off + l2 + namedAt);
        this.payload = total - unfragmentable;
        this.room = r;
        this.identification = mix(secret + counter++);
        this.done = 0;
        return true;
    }

    /** Writes the next fragment's frame into {@link #buffer()}; false when every fragment was written. */
    boolean next() {
        if (done >= payload) {
            return false;
        }
        int bytes = Math.min(room, payload - done);
        boolean last = done + bytes == payload;
        MemorySegment.copy(in, frame, out, 0, headers);
        long fragment = headers;
        MemorySegment.copy(in, frame + headers + done, out, fragment + Ipv6Reassembly.FRAGMENT_HEADER, bytes);
        Wire.u8(out, namedAt, Ipv6Header.FRAGMENT);
        Wire.u8(out, fragment, nextHeader);
        Wire.u8(out, fragment + 1, 0);
        Wire.u16(out, fragment + 2, done | (last ? 0 : 1));
        Wire.u32(out, fragment + 4, identification);
        Ipv6Header.payloadLength(out, l2, headers - l2 - Ipv6Header.LENGTH + Ipv6Reassembly.FRAGMENT_HEADER + bytes);
        length = headers + Ipv6Reassembly.FRAGMENT_HEADER + bytes;
        done += bytes;
        return true;
    }

    /** The buffer {@link #next} writes each fragment's frame into, from offset 0. */
    MemorySegment buffer() {
        return out;
    }

    /** The length of the fragment frame {@link #next} wrote last. */
    int length() {
        return length;
    }

    /** The identification of the datagram {@link #start} took last. */
    int identification() {
        return identification;
    }

    /** murmur3's 32-bit finalizer: a bijection, so distinct counters give distinct identifications. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
