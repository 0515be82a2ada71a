package io.jlvs.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Cuts a TCP super-packet into the segments its sender meant to send. A sender on the director's own host
 * (a container behind veth, with TSO/GSO on, their default) hands its link TCP packets of up to 64 KiB with
 * the segment size beside them (Linux GSO); veth and bridges pass them on whole, and so AF_PACKET receives
 * them (the socket reports the segment size in its virtio-net header). The kernel's IPVS forwards such a
 * packet as it is and lets the output device segment it; the worker forwards frame by frame, so it does
 * the device's work first, as the kernel's software segmentation does: every segment gets the headers, the
 * sequence number advanced by the bytes before it, the IP ID advanced by one per segment, FIN and PSH on
 * the last segment only, CWR on the first only, and both checksums computed in full (a super-packet's TCP
 * checksum is left for the card). Each segment is then handled as a frame received on its own.
 *
 * <p>Owner: one worker thread; one buffer, reused for every segment (no allocation per packet).
 */
final class TcpSegmenter {
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;
    private static final int IP_ID = 4;
    private static final int TCP_SEQ = 4;

    private final MemorySegment out;
    private MemorySegment in;
    private long frame;
    private int headers;
    private long ip;
    private int ihl;
    private int doff;
    private int payload;
    private int segmentSize;
    private int firstId;
    private int firstSeq;
    private int flags;
    private int src;
    private int dst;
    private int srcPort;
    private int dstPort;
    private int next;
    private int length;

    /** @param maxSegmentFrame the largest segment frame it may write (headers and payload) */
    TcpSegmenter(int maxSegmentFrame) {
        this.out = Arena.ofAuto().allocate(maxSegmentFrame, 8);
    }

    /**
     * Takes the frame at {@code off} as a super-packet of {@code segmentSize}-byte segments. Returns false,
     * leaving the frame to be handled as it is, unless it is a well-formed unfragmented IPv4 TCP packet
     * whose payload is longer than one segment and whose segments fit the buffer.
     */
    boolean start(MemorySegment s, long off, int len, int segmentSize) {
        int l2 = EthernetHeader.headerLength(s, off, len);
        if (segmentSize <= 0 || l2 < 0 || EthernetHeader.payloadType(s, off, l2) != EthernetHeader.TYPE_IPV4
                || len - l2 < Ipv4Header.MIN_LENGTH) {
            return false;
        }
        long at = off + l2;
        int h = Ipv4Header.headerLength(s, at);
        int total = Ipv4Header.totalLength(s, at);
        if (Ipv4Header.version(s, at) != 4 || h < Ipv4Header.MIN_LENGTH || Ipv4Header.protocol(s, at)
                != Ipv4Header.PROTO_TCP || total > len - l2 || total < h + TcpHeader.MIN_LENGTH
                || Ipv4Header.isFragment(s, at)) {
            return false;
        }
        int d = TcpHeader.headerLength(s, at + h);
        if (d < TcpHeader.MIN_LENGTH || h + d > total) {
            return false;
        }
        int bytes = total - h - d;
        if (bytes <= segmentSize || (long) l2 + h + d + segmentSize > out.byteSize()) {
            return false;
        }
        this.in = s;
        this.frame = off;
        this.headers = l2 + h + d;
        this.ip = l2;
        this.ihl = h;
        this.doff = d;
        this.payload = bytes;
        this.segmentSize = segmentSize;
        this.firstId = Wire.u16(s, at + IP_ID);
        this.firstSeq = Wire.u32(s, at + h + TCP_SEQ);
        this.flags = TcpHeader.flags(s, at + h);
        this.src = Ipv4Header.src(s, at);
        this.dst = Ipv4Header.dst(s, at);
        this.srcPort = TcpHeader.srcPort(s, at + h);
        this.dstPort = TcpHeader.dstPort(s, at + h);
        this.next = 0;
        return true;
    }

    /** Writes the next segment into {@link #buffer()}; false when every segment was written. */
    boolean next() {
        long done = (long) next * segmentSize;
        if (done >= payload) {
            return false;
        }
        int bytes = (int) Math.min(segmentSize, payload - done);
        boolean last = done + bytes == payload;
        MemorySegment.copy(in, frame, out, 0, headers);
        MemorySegment.copy(in, frame + headers + done, out, headers, bytes);
        int tcpLength = doff + bytes;
        Wire.u16(out, ip + 2, ihl + tcpLength);
        Wire.u16(out, ip + IP_ID, (firstId + next) & 0xffff);
        Ipv4Header.fillChecksum(out, ip, ihl);
        long tcp = ip + ihl;
        Wire.u32(out, tcp + TCP_SEQ, firstSeq + (int) done);
        int f = flags;
        if (!last) {
            f &= ~(FIN | PSH);
        }
        if (next > 0) {
            f &= ~CWR;
        }
        Wire.u8(out, tcp + TcpHeader.FLAGS, f);
        TcpHeader.checksum(out, tcp, 0);
        int sum = InternetChecksum.sum(out, tcp, tcpLength,
                InternetChecksum.pseudoHeader(src, dst, Ipv4Header.PROTO_TCP, tcpLength));
        TcpHeader.checksum(out, tcp, InternetChecksum.finish(sum));
        length = headers + bytes;
        next++;
        return true;
    }

    /** After {@link #start}: the super-packet's IP and TCP header bytes (each segment carries them). */
    int packetHeaders() {
        return ihl + doff;
    }

    /** After {@link #start}: the super-packet's addresses and ports. */
    int source() {
        return src;
    }

    int destination() {
        return dst;
    }

    int sourcePort() {
        return srcPort;
    }

    int destinationPort() {
        return dstPort;
    }

    /** The buffer {@link #next} writes each segment's frame into, from offset 0. */
    MemorySegment buffer() {
        return out;
    }

    /** The length of the segment frame {@link #next} wrote last. */
    int length() {
        return length;
    }
}
