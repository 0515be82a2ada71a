package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * A worker's IPv6 fragments, with the semantics Linux gives IPVS: in, fragments to a virtual address or from a
 * NAT real server are put together ({@link Ipv6Reassembly}, as {@code nf_defrag_ipv6}) and the datagram is
 * handled whole; out, as {@code __mtu_check_toobig_v6} and {@code ip6_finish_output} treat a datagram
 * netfilter reassembled, it is too big only when its largest fragment was larger than the MTU (ICMPv6 packet
 * too big then goes back), and it leaves cut again ({@link Ipv6Fragmenter}) into fragments no larger than its
 * largest one ({@code frag_max_size}, at least 1,280 bytes) nor the MTU. A packet that came whole is never cut
 * (IPv6 routers do not fragment): over the MTU it is too big.
 *
 * <p>Owner: the worker thread of its {@link Ipv6Forwarder}.
 */
final class Ipv6Fragments {
    private final Ipv6Reassembly reassembly = new Ipv6Reassembly();
    private final Ipv6Fragmenter fragmenter;
    /** While a whole datagram is handled: its largest fragment (0: the packet handled came whole). */
    private int largest;
    private long reassembled;
    private long fragmented;
    /** Fragments given up that the worker has not counted as dropped yet (not the frame being handled). */
    private long dropped;

    /** @param maxFrame the largest fragment frame it may write */
    Ipv6Fragments(int maxFrame) {
        this.fragmenter = new Ipv6Fragmenter(maxFrame);
    }

    /**
     * Takes a fragment ({@link Ipv6Reassembly#add}); the fragments of datagrams given up on the way are counted
     * for {@link #takeDropped}, but for the frame itself when it is refused (its own verdict counts it).
     */
    Ipv6Reassembly.Result add(MemorySegment s, long off, int l2, long fragmentAt, long namedAt, long nowNanos) {
        Ipv6Reassembly.Result r = reassembly.add(s, off, l2, fragmentAt, namedAt, nowNanos);
        int givenUp = reassembly.givenUpFragments();
        dropped += r == Ipv6Reassembly.Result.REFUSED ? givenUp - 1 : givenUp;
        if (r == Ipv6Reassembly.Result.WHOLE) {
            reassembled++;
        }
        return r;
    }

    /** The whole datagram's frame ({@link Ipv6Reassembly#frame}). */
    MemorySegment frame() {
        return reassembly.frame();
    }

    long offset() {
        return reassembly.offset();
    }

    int length() {
        return reassembly.length();
    }

    int linkLength() {
        return reassembly.linkLength();
    }

    /** The whole datagram is being handled from here until {@link #leave}. */
    void enter() {
        largest = reassembly.largestFragment();
    }

    void leave() {
        largest = 0;
    }

    /** Whether the packet handled is a datagram put together here (a fragment inside it is not taken again). */
    boolean handlingWhole() {
        return largest > 0;
    }

    /**
     * Whether the packet handled ({@code total} bytes) is too big for {@code mtu}: a datagram put together here
     * when its largest fragment was larger (Linux's frag_max_size check), any other when it is larger.
     */
    boolean tooBig(int total, int mtu) {
        return largest > 0 ? largest > mtu : total > mtu;
    }

    /**
     * Whether the packet handled ({@code total} bytes; for TUN the outer packet) leaves as fragments: one put
     * together here that does not fit.
     */
    boolean mustCut(int total, int mtu) {
        return largest > 0 && total > size(mtu);
    }

    /** The largest fragment to send: the largest received (at least the IPv6 minimum MTU), within the MTU. */
    private int size(int mtu) {
        return Math.min(mtu, Math.max(largest, Ipv6Header.MIN_MTU));
    }

    /**
     * Sends the whole datagram handled (rewritten, at {@code off} with {@code l2} bytes of link header) to
     * {@code mac} as fragments; null when they went, else why not.
     */
    DropReason send(MemorySegment s, long off, int l2, int mtu, long mac, Egress egress) {
        return cut(s, off, l2, reassembly.unfragmentable(), reassembly.namedAt(), mtu, mac, egress);
    }

    /**
     * Sends the TUN packet carrying the whole datagram handled (an outer IPv6 header and what it carries, at
     * {@code off}) to {@code mac} as fragments of the outer packet, as Linux's output cuts IPVS's tunnel packet
     * (the datagram's frag_max_size goes with it); null when they went, else why not.
     */
    DropReason sendOuter(MemorySegment s, long off, int l2, int mtu, long mac, Egress egress) {
        return cut(s, off, l2, Ipv6Header.LENGTH, Ipv6Header.NEXT_HEADER, mtu, mac, egress);
    }

    private DropReason cut(MemorySegment s, long off, int l2, int unfragmentable, int namedAt, int mtu, long mac,
                           Egress egress) {
        if (!fragmenter.start(s, off, l2, unfragmentable, namedAt, size(mtu))) {
            return DropReason.TOO_BIG;
        }
        fragmented++;
        while (fragmenter.next()) {
            if (!egress.inPlace(fragmenter.buffer(), 0, fragmenter.length(), mac)) {
                return DropReason.TX_FULL;
            }
        }
        return null;
    }

    /**
     * Keeps the whole datagram handled as its fragments until (hi, lo)'s next hop resolves; the datagram counts
     * once, with its first fragment. False, and nothing kept, when the queue cannot take them all.
     */
    boolean queue(MemorySegment s, long off, int l2, int mtu, NeighbourQueue queue, long hi, long lo,
                  long nowNanos) {
        if (!fragmenter.start(s, off, l2, reassembly.unfragmentable(), reassembly.namedAt(), size(mtu))) {
            return false;
        }
        int mark = queue.mark();
        boolean first = true;
        while (fragmenter.next()) {
            if (!queue.add6(fragmenter.buffer(), 0, fragmenter.length(), hi, lo, nowNanos, first)) {
                queue.removeSince(mark);
                return false;
            }
            first = false;
        }
        fragmented++;
        return true;
    }

    /** Gives up datagrams held too long ({@link Ipv6Reassembly#expire}); returns their fragments. */
    int expire(long nowNanos) {
        return reassembly.expire(nowNanos);
    }

    /** The fragments given up since the last call, to be counted as dropped. */
    long takeDropped() {
        long d = dropped;
        dropped = 0;
        return d;
    }

    /** Datagrams put together. */
    long reassembled() {
        return reassembled;
    }

    /** Fragments merged into a whole datagram but for the one that completed it ({@link Ipv6Reassembly#merged}). */
    long merged() {
        return reassembly.merged();
    }

    /** Datagrams sent (or queued) as fragments. */
    long fragmented() {
        return fragmented;
    }
}
