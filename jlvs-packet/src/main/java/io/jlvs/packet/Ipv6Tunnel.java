package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * The IPv6 TUN method's encapsulations (IPVS's {@code ip_vs_tunnel_xmit_v6}): the client's IPv6 packet, its hop
 * limit already decremented, behind a new outer IPv6 header from the director to the real server, with next
 * header 41 (IPv6-in-IPv6, RFC 2473), 17 (GUE: UDP to the real server's tunnel port and a 4-byte GUE header
 * carrying protocol 41) or 47 (GRE, RFC 2784, protocol type 0x86DD). The outer header is built as the kernel
 * builds it: traffic class the inner's (but an inner ECN CE becomes ECT(0), {@link Egress#ecnEncapsulated}), flow
 * label 0, hop limit the inner's (after the decrement), payload length what follows it. The GUE checksum is the
 * kernel's {@code udp6_set_csum}: 0 with {@code --tun-nocsum} (RFC 6935 lets tunnels over IPv6 send none), computed
 * over the IPv6 pseudo-header otherwise (never 0); the GRE checksum, with {@code --tun-csum}, covers the GRE header
 * and the packet, no pseudo-header, as for IPv4.
 *
 * <p><b>Owner: the worker thread</b> of the {@link Ipv6Forwarder} that made it. Frames are built in its own
 * scratch buffer ({@link #built}); nothing is allocated per packet.
 */
final class Ipv6Tunnel {
    /** IPv6-in-IPv6, also GUE's protocol for an IPv6 payload. */
    static final int PROTO_IPV6 = 41;
    static final int PROTO_UDP = 17;
    static final int PROTO_GRE = 47;
    /** GRE's protocol type for an IPv6 payload (its EtherType). */
    static final int GRE_PROTO_IPV6 = 0x86DD;
    private static final int GRE_FLAG_CSUM = 0x8000;
    /** Linux's default ip_local_port_range, where udp_flow_src_port picks tunnel source ports. */
    private static final int PORT_MIN = 32768;
    private static final int PORT_MAX = 61000;
    /** The longest IPv6 payload without a jumbogram. */
    private static final int MAX_PAYLOAD = 0xffff;

    private final MemorySegment scratch = MemorySegment.ofArray(new byte[65536 + 128]);

    /** The frame {@link #encapsulate} built last, at offset 0. */
    MemorySegment built() {
        return scratch;
    }

    /**
     * The bytes {@code method} puts in front of the packet: outer IPv6 (40), and UDP + GUE (12) or GRE (4, 8 with
     * the checksum), as IPVS subtracts them from the route's MTU.
     */
    static int overhead(byte method) {
        return Ipv6Header.LENGTH + switch (method) {
            case Dataplane.M_GUE, Dataplane.M_GUE_CSUM -> UdpHeader.LENGTH + Egress.GUE_HEADER;
            case Dataplane.M_GRE -> Egress.GRE_HEADER;
            case Dataplane.M_GRE_CSUM -> Egress.GRE_CSUM_HEADER;
            default -> 0;
        };
    }

    /**
     * Builds in {@link #built()} the frame carrying the IPv6 packet at {@code ip} ({@code total} bytes) of the
     * frame at {@code off} ({@code l2} bytes of link header, copied; the MACs are the sender's to set) to
     * (rsHi, rsLo) from (srcHi, srcLo) by {@code method} ({@code guePort}: the real server's tunnel port).
     * Returns the frame's length, or -1 when the outer payload would pass 65,535 bytes.
     */
    int encapsulate(MemorySegment s, long off, int l2, long ip, int total, byte method, int guePort, long srcHi,
                    long srcLo, long rsHi, long rsLo) {
        int header = overhead(method) - Ipv6Header.LENGTH;
        int payload = header + total;
        if (payload > MAX_PAYLOAD) {
            return -1;
        }
        MemorySegment out = scratch;
        MemorySegment.copy(s, off, out, 0, l2);
        long outer = l2;
        int first = Wire.u32(s, ip);
        int trafficClass = Egress.ecnEncapsulated(first >>> 20 & 0xff);
        Wire.u32(out, outer, 6 << 28 | trafficClass << 20);
        Ipv6Header.payloadLength(out, outer, payload);
        Wire.u8(out, outer + Ipv6Header.HOP_LIMIT, Ipv6Header.hopLimit(s, ip));
        Ipv6Header.src(out, outer, srcHi, srcLo);
        Ipv6Header.dst(out, outer, rsHi, rsLo);
        long at = outer + Ipv6Header.LENGTH;
        MemorySegment.copy(s, ip, out, at + header, total);
        switch (method) {
            case Dataplane.M_GUE, Dataplane.M_GUE_CSUM -> {
                Wire.u8(out, outer + Ipv6Header.NEXT_HEADER, PROTO_UDP);
                Wire.u16(out, at + UdpHeader.SRC_PORT, flowPort(s, ip, total));
                Wire.u16(out, at + UdpHeader.DST_PORT, guePort);
                Wire.u16(out, at + UdpHeader.UDP_LENGTH, payload);
                Wire.u16(out, at + UdpHeader.CHECKSUM, 0);
                // version 0, no options (hlen 0), no flags, the payload's protocol
                Wire.u32(out, at + UdpHeader.LENGTH, PROTO_IPV6 << 16);
                if (method == Dataplane.M_GUE_CSUM) {
                    int sum = InternetChecksum.sum(out, at, payload,
                            Ipv6Header.pseudoHeader(srcHi, srcLo, rsHi, rsLo, payload, PROTO_UDP));
                    int c = InternetChecksum.finish(sum);
                    Wire.u16(out, at + UdpHeader.CHECKSUM, c == 0 ? 0xffff : c);
                }
            }
            case Dataplane.M_GRE, Dataplane.M_GRE_CSUM -> {
                Wire.u8(out, outer + Ipv6Header.NEXT_HEADER, PROTO_GRE);
                boolean checksum = method == Dataplane.M_GRE_CSUM;
                Wire.u16(out, at, checksum ? GRE_FLAG_CSUM : 0);
                Wire.u16(out, at + 2, GRE_PROTO_IPV6);
                if (checksum) {
                    Wire.u32(out, at + 4, 0);
                    Wire.u16(out, at + 4, InternetChecksum.finish(InternetChecksum.sum(out, at, payload, 0)));
                }
            }
            default -> Wire.u8(out, outer + Ipv6Header.NEXT_HEADER, PROTO_IPV6);
        }
        return l2 + Ipv6Header.LENGTH + payload;
    }

    /**
     * A source port in Linux's local range from a hash of the inner flow (addresses, next header and, for TCP and
     * UDP right behind the header, the ports), as {@code udp_flow_src_port} picks one: stable per flow.
     */
    static int flowPort(MemorySegment s, long ip, int total) {
        long h = Ipv6Header.srcHi(s, ip) * 31 + Ipv6Header.srcLo(s, ip);
        h = h * 31 + Ipv6Header.dstHi(s, ip);
        h = h * 31 + Ipv6Header.dstLo(s, ip);
        int next = Ipv6Header.nextHeader(s, ip);
        long ports = 0;
        if ((next == Ipv4Header.PROTO_TCP || next == Ipv4Header.PROTO_UDP) && total >= Ipv6Header.LENGTH + 4) {
            ports = Wire.u32(s, ip + Ipv6Header.LENGTH) & 0xffffffffL;
        }
        long z = (h ^ (ports << 8 | next)) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 29)) * 0xBF58476D1CE4E5B9L;
        long hash = (z ^ (z >>> 32)) & 0xffffffffL;
        return (int) ((hash * (PORT_MAX - PORT_MIN)) >>> 32) + PORT_MIN;
    }
}
