package io.jlvs.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Cuts an IPv4 packet that no longer fits the MTU into fragments (RFC 791), as Linux does when IPVS or IP
 * forwarding sends a datagram without DF that is larger than the way out: a UDP datagram the kernel
 * reassembled for the data plane's sockets, or one from a link with a larger MTU, or a tunnel's outer
 * packet. Every fragment carries the packet's header with its identification; the first all of its
 * options, the later ones only the options marked "copied" (the others become NOOP, so every fragment's
 * header has the same length, as Linux's {@code ip_options_fragment}); each fragment's data is a multiple
 * of 8 bytes but the last one's; MF is set on all but the last, which keeps the packet's own MF (a fragment
 * can be cut again), and offsets continue the packet's own. The header checksum is computed for each.
 *
 * <p>Owner: one worker thread; one buffer, reused for every fragment (no allocation per packet).
 */
final class Ipv4Fragmenter {
    private static final int OPTION_END = 0;
    private static final int OPTION_NOOP = 1;
    private static final int OPTION_COPIED = 0x80;

    private final MemorySegment out;
    private MemorySegment in;
    private long frame;
    private int l2;
    private int ihl;
    private int payload;
    private int room;
    private int flags;
    private int firstOffset;
    private boolean lastMoreFragments;
    private int done;
    private int length;

    /** @param maxFrame the largest fragment frame it may write (link header, IP header and data) */
    Ipv4Fragmenter(int maxFrame) {
        this.out = Arena.ofAuto().allocate(maxFrame, 8);
    }

    /**
     * Takes the frame at {@code off}, {@code l2} bytes of link header and then a validated IPv4 packet, to
     * be cut into fragments of at most {@code mtu} bytes. False, and nothing to write, when the packet fits
     * as it is, or the MTU leaves no room for 8 bytes of data behind its header, or a fragment would not fit
     * the buffer.
     */
    boolean start(MemorySegment s, long off, int l2, int mtu) {
        long ip = off + l2;
        int h = Ipv4Header.headerLength(s, ip);
        int total = Ipv4Header.totalLength(s, ip);
        int r = (mtu - h) & ~7;
        if (total <= mtu || r < 8 || (long) l2 + h + r > out.byteSize()) {
            return false;
        }
        int word = Ipv4Header.flagsAndFragment(s, ip);
        this.in = s;
        this.frame = off;
        this.l2 = l2;
        this.ihl = h;
        this.payload = total - h;
        this.room = r;
        this.flags = word & ~(Ipv4Header.FLAG_MF | Ipv4Header.FRAGMENT_OFFSET_MASK);
        this.firstOffset = word & Ipv4Header.FRAGMENT_OFFSET_MASK;
        this.lastMoreFragments = (word & Ipv4Header.FLAG_MF) != 0;
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
        int headers = l2 + ihl;
        MemorySegment.copy(in, frame, out, 0, headers);
        MemorySegment.copy(in, frame + headers + done, out, headers, bytes);
        long ip = l2;
        if (done > 0) {
            keepCopiedOptions(out, ip + Ipv4Header.MIN_LENGTH, ihl - Ipv4Header.MIN_LENGTH);
        }
        Wire.u16(out, ip + Ipv4Header.TOTAL_LENGTH, ihl + bytes);
        Wire.u16(out, ip + Ipv4Header.FLAGS_FRAGMENT, flags | (last && !lastMoreFragments ? 0 : Ipv4Header.FLAG_MF)
                | (firstOffset + (done >>> 3)));
        Ipv4Header.fillChecksum(out, ip, ihl);
        length = headers + bytes;
        done += bytes;
        return true;
    }

    /** Replaces every option without the "copied" flag by NOOPs (the end of the list and what follows stay). */
    private static void keepCopiedOptions(MemorySegment s, long at, int bytes) {
        int i = 0;
        while (i < bytes) {
            int type = Wire.u8(s, at + i);
            if (type == OPTION_END) {
                return;
            }
            if (type == OPTION_NOOP) {
                i++;
                continue;
            }
            int len = i + 1 < bytes ? Wire.u8(s, at + i + 1) : 0;
            if (len < 2 || i + len > bytes) {
                // malformed from here on: blank the rest rather than copy half an option
                len = bytes - i;
                type = 0;
            }
            if ((type & OPTION_COPIED) == 0) {
                for (int k = 0; k < len; k++) {
                    Wire.u8(s, at + i + k, OPTION_NOOP);
                }
            }
            i += len;
        }
    }

    /** The buffer {@link #next} writes each fragment's frame into, from offset 0. */
    MemorySegment buffer() {
        return out;
    }

    /** The length of the fragment frame {@link #next} wrote last. */
    int length() {
        return length;
    }
}
