package io.jlvs.packet;

import io.jlvs.core.io.PacketIo;
import java.lang.foreign.MemorySegment;

/**
 * Sends what the data plane transmits: rewritten frames in place, and the frames it builds itself in
 * one scratch buffer: IPIP, GUE and GRE encapsulations, ICMP errors, ARP replies. Allocates nothing per frame.
 * Owner: the data-plane worker thread.
 */
final class Egress {
    private static final int SCRATCH_SIZE = 65536 + 64;
    /** Largest quote of the offending datagram in an ICMP error, as Linux: 576 - IP - ICMP headers. */
    private static final int ICMP_QUOTE_MAX = 576 - Ipv4Header.MIN_LENGTH - IcmpHeader.LENGTH;
    /** GUE header without options (draft-ietf-intarea-gue): version 0, C 0, hlen 0, proto, flags. */
    static final int GUE_HEADER = 4;
    /** GRE header (RFC 2784) without options: flags and version word, protocol type. */
    static final int GRE_HEADER = 4;
    /** The GRE header with the C bit: checksum and reserved1 follow (no key, no sequence number). */
    static final int GRE_CSUM_HEADER = 8;
    /** The GRE flags word's C bit: a checksum follows. */
    private static final int GRE_FLAG_CSUM = 0x8000;
    /** GRE's protocol type for an IPv4 payload (the EtherType). */
    private static final int GRE_PROTO_IPV4 = 0x0800;
    /** Linux's default ip_local_port_range, where udp_flow_src_port picks tunnel source ports. */
    private static final int PORT_MIN = 32768;
    private static final int PORT_MAX = 61000;
    private static final int TOS_MASK = 0x1e;
    private static final int PRECEDENCE_INTERNETWORK_CONTROL = 0xc0;

    private final PacketIo io;
    private final long ourMac;
    private final IcmpRateLimit icmpLimit;
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[SCRATCH_SIZE]);
    private int ipId;
    private long icmpSent;

    Egress(PacketIo io, int firstIpId, IcmpRateLimit icmpLimit) {
        this.icmpLimit = icmpLimit;
        this.io = io;
        this.ourMac = io.macAddress();
        this.ipId = firstIpId;
    }

    long icmpSent() {
        return icmpSent;
    }

    private int nextIpId() {
        int id = ipId & 0xffff;
        ipId++;
        return id;
    }

    /** Sets the MACs (source ours) of a rewritten frame and queues it; false when the queue is full. */
    boolean inPlace(MemorySegment s, long off, int length, long dstMac) {
        EthernetHeader.dst(s, off, dstMac);
        EthernetHeader.src(s, off, ourMac);
        return io.transmit(s, off, length);
    }

    /**
     * A TCP super-packet rewritten in place, to {@code dstMac}, handed to the I/O whole to be cut into
     * {@code segmentSize}-byte segments on its way out ({@link PacketIo#transmitSuperPacket}); false when the
     * I/O cannot.
     */
    boolean superPacket(MemorySegment s, long off, int length, long dstMac, int l4Offset, int headerLength,
                        int segmentSize) {
        EthernetHeader.dst(s, off, dstMac);
        EthernetHeader.src(s, off, ourMac);
        return io.transmitSuperPacket(s, off, length, l4Offset, headerLength, segmentSize);
    }

    /** The frame {@link #ipip}, {@link #gue} or {@link #gre} built last, at offset 0 (until the next frame built here). */
    MemorySegment built() {
        return scratch;
    }

    /** Queues the first {@code length} bytes of {@link #built()}; false when the queue is full. */
    boolean transmitBuilt(int length) {
        return io.transmit(scratch, 0, length);
    }

    /**
     * IPIP (RFC 2003): the datagram at {@code ip} behind a new outer header from {@code localAddress} to
     * {@code rsAddr}, TOS and TTL copied, DF {@code df} (the inner's, unless pmtu_disc is off);
     * identification 0 with DF (as Linux), else the next id. Built in {@link #built()}, not sent; returns the
     * frame's length.
     */
    int ipip(MemorySegment s, long off, int l2, long ip, int rsAddr, long dstMac, int localAddress, boolean df) {
        int total = Ipv4Header.totalLength(s, ip);
        outer(s, off, l2, ip, rsAddr, dstMac, localAddress, df, Ipv4Header.PROTO_IPIP, total);
        MemorySegment.copy(s, ip, scratch, l2 + Ipv4Header.MIN_LENGTH, total);
        return l2 + Ipv4Header.MIN_LENGTH + total;
    }

    /**
     * The outer TOS for an inner one, as IPVS's tunnels set it (the kernel's full-functionality ECN
     * encapsulation, RFC 6040): the inner's, but congestion experienced (CE) becomes ECT(0), so that the marking
     * is not taken for one made on the tunnel's way.
     */
    static int ecnEncapsulated(int innerTos) {
        return (innerTos & 3) == 3 ? innerTos & ~1 : innerTos;
    }

    /**
     * The frame's link header (to {@code dstMac}, from us) and an outer IPv4 header of {@code payload} bytes
     * of {@code protocol} from {@code localAddress} to {@code rsAddr} in {@link #built()}: the inner TOS
     * ({@link #ecnEncapsulated}) and TTL, DF {@code df}, identification 0 with DF (as Linux), else the next id.
     */
    private void outer(MemorySegment s, long off, int l2, long ip, int rsAddr, long dstMac, int localAddress,
                       boolean df, int protocol, int payload) {
        MemorySegment out = scratch;
        MemorySegment.copy(s, off, out, 0, l2);
        EthernetHeader.dst(out, 0, dstMac);
        EthernetHeader.src(out, 0, ourMac);
        Ipv4Header.write(out, l2, ecnEncapsulated(Ipv4Header.tos(s, ip)), Ipv4Header.MIN_LENGTH + payload,
                df ? 0 : nextIpId(),
                df ? Ipv4Header.FLAG_DF : 0, Ipv4Header.ttl(s, ip), protocol, localAddress, rsAddr);
    }

    /**
     * GUE: the datagram at {@code ip} behind outer IPv4 (as {@link #ipip}), UDP from a source port that
     * hashes the inner flow to {@code guePort}, and a 4-byte GUE header carrying protocol 4 (IPIP). The
     * UDP checksum is 0 unless {@code checksum} (--tun-csum). Built in {@link #built()}, not sent; returns the
     * frame's length.
     */
    int gue(MemorySegment s, long off, int l2, long ip, int rsAddr, long dstMac, int localAddress, int guePort,
            boolean checksum, boolean df) {
        int total = Ipv4Header.totalLength(s, ip);
        int udpLength = UdpHeader.LENGTH + GUE_HEADER + total;
        MemorySegment out = scratch;
        outer(s, off, l2, ip, rsAddr, dstMac, localAddress, df, Ipv4Header.PROTO_UDP, udpLength);
        long udp = l2 + Ipv4Header.MIN_LENGTH;
        Wire.u16(out, udp + UdpHeader.SRC_PORT, flowPort(s, ip));
        Wire.u16(out, udp + UdpHeader.DST_PORT, guePort);
        Wire.u16(out, udp + UdpHeader.UDP_LENGTH, udpLength);
        Wire.u16(out, udp + UdpHeader.CHECKSUM, 0);
        long gue = udp + UdpHeader.LENGTH;
        Wire.u32(out, gue, Ipv4Header.PROTO_IPIP << 16);
        MemorySegment.copy(s, ip, out, gue + GUE_HEADER, total);
        if (checksum) {
            int sum = InternetChecksum.sum(out, udp, udpLength,
                    InternetChecksum.pseudoHeader(localAddress, rsAddr, Ipv4Header.PROTO_UDP, udpLength));
            int c = InternetChecksum.finish(sum);
            Wire.u16(out, udp + UdpHeader.CHECKSUM, c == 0 ? 0xffff : c);
        }
        return (int) udp + udpLength;
    }

    /**
     * GRE (RFC 2784, as IPVS's --tun-type gre): the datagram at {@code ip} behind outer IPv4 (as {@link #ipip},
     * protocol 47) and a GRE header: flags and version 0 (with {@code checksum}, --tun-csum, the C bit 0x8000),
     * protocol type 0x0800; with the C bit also the checksum over the GRE header and the datagram, and 16
     * reserved bits. No key, no sequence number. Built in {@link #built()}, not sent; returns the frame's length.
     */
    int gre(MemorySegment s, long off, int l2, long ip, int rsAddr, long dstMac, int localAddress,
            boolean checksum, boolean df) {
        int total = Ipv4Header.totalLength(s, ip);
        int header = checksum ? GRE_CSUM_HEADER : GRE_HEADER;
        int greLength = header + total;
        MemorySegment out = scratch;
        outer(s, off, l2, ip, rsAddr, dstMac, localAddress, df, Ipv4Header.PROTO_GRE, greLength);
        long gre = l2 + Ipv4Header.MIN_LENGTH;
        Wire.u16(out, gre, checksum ? GRE_FLAG_CSUM : 0);
        Wire.u16(out, gre + 2, GRE_PROTO_IPV4);
        MemorySegment.copy(s, ip, out, gre + header, total);
        if (checksum) {
            Wire.u32(out, gre + 4, 0);
            // no pseudo-header; a checksum of 0 stays 0 (UDP's would be sent as 0xffff)
            Wire.u16(out, gre + 4, InternetChecksum.finish(InternetChecksum.sum(out, gre, greLength, 0)));
        }
        return (int) gre + greLength;
    }

    /** A source port in Linux's local range from a hash of the inner flow (addresses, protocol, ports). */
    static int flowPort(MemorySegment s, long ip) {
        long h = (Ipv4Header.src(s, ip) & 0xffffffffL) << 32 | (Ipv4Header.dst(s, ip) & 0xffffffffL);
        int protocol = Ipv4Header.protocol(s, ip);
        int ihl = Ipv4Header.headerLength(s, ip);
        long ports = 0;
        if ((protocol == Ipv4Header.PROTO_TCP || protocol == Ipv4Header.PROTO_UDP || protocol == Ipv4Header.PROTO_SCTP)
                && Ipv4Header.totalLength(s, ip) >= ihl + 4 && !Ipv4Header.isFragment(s, ip)) {
            ports = Wire.u32(s, ip + ihl) & 0xffffffffL;
        }
        long z = (h ^ (ports << 8 | protocol)) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 29)) * 0xBF58476D1CE4E5B9L;
        long hash = (z ^ (z >>> 32)) & 0xffffffffL;
        return (int) ((hash * (PORT_MAX - PORT_MIN)) >>> 32) + PORT_MIN;
    }

    /**
     * Sends an ICMP error about the (validated) datagram at {@code ip} back to the frame's sender, as
     * Linux's icmp_send: TOS precedence "internetwork control", TTL 64, no DF, quoting up to 548 bytes,
     * from {@code from}. Never about an ICMP error, a non-first fragment, or to a zero, broadcast or
     * multicast source; not beyond the kernel's ICMP rate limits ({@link IcmpRateLimit}).
     */
    void icmpError(MemorySegment s, long off, int l2, long ip, int type, int code, int nextHopMtu, int from,
                   long nowNanos) {
        if ((Ipv4Header.flagsAndFragment(s, ip) & Ipv4Header.FRAGMENT_OFFSET_MASK) != 0) {
            return;
        }
        int total = Ipv4Header.totalLength(s, ip);
        int ihl = Ipv4Header.headerLength(s, ip);
        if (Ipv4Header.protocol(s, ip) == Ipv4Header.PROTO_ICMP
                && (total <= ihl || IcmpHeader.isError(IcmpHeader.type(s, ip + ihl)))) {
            return;
        }
        int src = Ipv4Header.src(s, ip);
        int top = src >>> 24;
        if (src == 0 || src == -1 || (top >= 224 && top <= 239)) {
            return;
        }
        if (!icmpLimit.allow(type, code, src, nowNanos)) {
            return;
        }
        int quote = Math.min(total, ICMP_QUOTE_MAX);
        MemorySegment out = scratch;
        MemorySegment.copy(s, off, out, 0, l2);
        EthernetHeader.dst(out, 0, EthernetHeader.src(s, off));
        EthernetHeader.src(out, 0, ourMac);
        int icmpLength = IcmpHeader.LENGTH + quote;
        Ipv4Header.write(out, l2, (Ipv4Header.tos(s, ip) & TOS_MASK) | PRECEDENCE_INTERNETWORK_CONTROL,
                Ipv4Header.MIN_LENGTH + icmpLength, nextIpId(), 0, DataplaneConfig.DEFAULT_TTL,
                Ipv4Header.PROTO_ICMP, from, src);
        long icmp = l2 + Ipv4Header.MIN_LENGTH;
        Wire.u8(out, icmp + IcmpHeader.TYPE, type);
        Wire.u8(out, icmp + IcmpHeader.CODE, code);
        Wire.u16(out, icmp + IcmpHeader.REST, 0);
        Wire.u16(out, icmp + IcmpHeader.NEXT_HOP_MTU, nextHopMtu);
        MemorySegment.copy(s, ip, out, icmp + IcmpHeader.LENGTH, quote);
        IcmpHeader.fillChecksum(out, icmp, icmpLength);
        if (io.transmit(out, 0, (int) icmp + icmpLength)) {
            icmpSent++;
        }
    }

    /** Answers the ARP request at {@code off + l2} with our MAC for {@code address}. */
    boolean arpReply(MemorySegment s, long off, int l2, int address) {
        long a = off + l2;
        MemorySegment out = scratch;
        int length = l2 + ArpHeader.LENGTH;
        MemorySegment.copy(s, off, out, 0, length);
        EthernetHeader.dst(out, 0, EthernetHeader.src(s, off));
        EthernetHeader.src(out, 0, ourMac);
        ArpHeader.op(out, l2, ArpHeader.OP_REPLY);
        ArpHeader.targetMac(out, l2, ArpHeader.senderMac(s, a));
        ArpHeader.targetIp(out, l2, ArpHeader.senderIp(s, a));
        ArpHeader.senderMac(out, l2, ourMac);
        ArpHeader.senderIp(out, l2, address);
        return io.transmit(out, 0, length);
    }
}
