package io.jlvs.sys;

import static io.jlvs.sys.EbpfAssembler.B;
import static io.jlvs.sys.EbpfAssembler.H;
import static io.jlvs.sys.EbpfAssembler.R0;
import static io.jlvs.sys.EbpfAssembler.R1;
import static io.jlvs.sys.EbpfAssembler.R10;
import static io.jlvs.sys.EbpfAssembler.R2;
import static io.jlvs.sys.EbpfAssembler.R3;
import static io.jlvs.sys.EbpfAssembler.R4;
import static io.jlvs.sys.EbpfAssembler.R5;
import static io.jlvs.sys.EbpfAssembler.R6;
import static io.jlvs.sys.EbpfAssembler.R7;
import static io.jlvs.sys.EbpfAssembler.R8;
import static io.jlvs.sys.EbpfAssembler.R9;
import static io.jlvs.sys.EbpfAssembler.W;

/**
 * The first part of the XDP program when a worker offloads flows ({@link XdpFlowMap}): an IPv4 frame with
 * a 20-byte header, not a fragment, TTL above 1, carrying TCP without SYN, FIN or RST or carrying UDP, whose
 * (protocol, addresses, ports) is in the flow map, is rewritten as its entry says (Ethernet addresses,
 * IPv4 addresses, TTL less one, ports, the IPv4 and transport checksums adjusted incrementally; a UDP
 * checksum of 0 stays 0), counted, and redirected to the entry's interface; or, for a flow to a TUN real
 * server, put behind new outer headers (IPIP, GUE or GRE; {@link #tunnel}). Every other frame goes on to
 * the steering part at {@code miss}. The bytes counted are the IPv4 total length plus 14 (padding after the
 * datagram is not counted); a datagram longer than its frame, or a frame longer than its entry's largest
 * (the leaving link's MTU), goes to the worker. Expects the context in
 * R6; uses R7, R8 and R9.
 */
final class XdpFastPath {
    private static final int HELPER_MAP_LOOKUP_ELEM = 1;
    private static final int HELPER_REDIRECT = 23;
    private static final int HELPER_XDP_ADJUST_HEAD = 44;
    private static final int HELPER_XDP_ADJUST_TAIL = 65;
    private static final int XDP_ABORTED = 0;
    /** Outer IPv4 header (IPIP); GUE adds UDP (8) and its own 4-byte header; GRE its 4-byte header. */
    private static final int IPIP_OVERHEAD = 20;
    private static final int GUE_OVERHEAD = 20 + 8 + 4;
    private static final int GRE_OVERHEAD = 20 + 4;
    /** A GRE header without checksum, key or sequence, version 0, protocol 0x0800, as a little-endian word. */
    private static final int GRE_IPV4_LE = 0x0008_0000;
    /** DF, as a little-endian 16-bit load of the flags and fragment offset reads it. */
    private static final int DF_LE = 0x0040;
    private static final int ETH = 14;
    /** Ethernet, IPv4 without options and a UDP header. */
    private static final int UDP_HEADERS = ETH + 20 + 8;
    /** Ethernet, IPv4 without options and a TCP header without options. */
    private static final int TCP_HEADERS = ETH + 20 + 20;
    private static final int IP_TOTAL_LENGTH = ETH + 2;
    private static final int IP_FRAG = ETH + 6;
    private static final int IP_TTL = ETH + 8;
    private static final int IP_PROTO = ETH + 9;
    private static final int IP_CSUM = ETH + 10;
    private static final int IP_SRC = ETH + 12;
    private static final int IP_DST = ETH + 16;
    private static final int L4 = ETH + 20;
    private static final int TCP_FLAGS = L4 + 13;
    private static final int TCP_CSUM = L4 + 16;
    private static final int UDP_CSUM = L4 + 6;
    /** FIN, SYN and RST. */
    private static final int CONTROL_FLAGS = 0x07;
    /** More-fragments and the fragment offset, as a little-endian load of the field reads them. */
    private static final int FRAGMENT_BITS_LE = 0xff3f;

    private XdpFastPath() {
    }

    static void emit(EbpfAssembler a, int flowMap, String miss) {
        a.load(W, R2, R6, 0) // xdp_md.data
                .load(W, R3, R6, 4); // xdp_md.data_end
        headers(a, UDP_HEADERS, miss)
                .load(H, R4, R2, 12)
                .jumpIfNotEqual(R4, 0x0008, miss) // ETH_P_IP read little-endian
                .load(B, R4, R2, ETH)
                .jumpIfNotEqual(R4, 0x45, miss) // version 4, no options
                .load(H, R4, R2, IP_FRAG)
                .andImm(R4, FRAGMENT_BITS_LE)
                .jumpIfNotEqual(R4, 0, miss)
                .load(B, R4, R2, IP_TTL)
                .jumpIfLess(R4, 2, miss)
                .load(B, R5, R2, IP_PROTO)
                .jumpIfEqual(R5, 17, "fp_key")
                .jumpIfNotEqual(R5, 6, miss);
        headers(a, TCP_HEADERS, miss)
                .load(B, R4, R2, TCP_FLAGS)
                .andImm(R4, CONTROL_FLAGS)
                .jumpIfNotEqual(R4, 0, miss)
                .label("fp_key")
                .load(W, R4, R2, IP_SRC)
                .store(W, R10, -16, R4)
                .load(W, R4, R2, IP_DST)
                .store(W, R10, -12, R4)
                .load(W, R4, R2, L4) // both ports
                .store(W, R10, -8, R4)
                .store(W, R10, -4, R5)
                .loadMap(R1, flowMap)
                .movReg(R2, R10)
                .addImm(R2, -16)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jumpIfEqual(R0, 0, miss)
                .movReg(R7, R0)
                // the helper call ended what the verifier knows of the packet: load and check again
                .load(W, R2, R6, 0)
                .load(W, R3, R6, 4);
        headers(a, UDP_HEADERS, miss)
                // the datagram must fit the frame (else the worker drops it as malformed); its length,
                // not the frame's (Ethernet padding), is what the statistics count
                .load(H, R9, R2, IP_TOTAL_LENGTH)
                .toBigEndian(R9, 16)
                .addImm(R9, ETH)
                .movReg(R4, R3)
                .subReg(R4, R2)
                .jumpIfGreater(R9, R4, miss)
                // larger than the leaving link takes (its MTU lowered since): the worker answers
                // fragmentation-needed, where a redirect would be dropped without a word
                .load(W, R4, R7, XdpFlowMap.V_MAX_FRAME)
                .jumpIfGreater(R9, R4, miss)
                .load(W, R4, R7, XdpFlowMap.V_ENCAP)
                .jumpIfEqual(R4, XdpFlowMap.ENCAP_IPIP, "fp_ipip")
                .jumpIfEqual(R4, XdpFlowMap.ENCAP_GUE, "fp_gue")
                .jumpIfEqual(R4, XdpFlowMap.ENCAP_GRE, "fp_gre")
                .load(B, R4, R2, IP_PROTO)
                .jumpIfEqual(R4, 17, "fp_rewrite");
        headers(a, TCP_HEADERS, miss)
                .label("fp_rewrite");
        copy(a, H, XdpFlowMap.V_DST_MAC, 0);
        copy(a, W, XdpFlowMap.V_DST_MAC + 2, 2);
        copy(a, H, XdpFlowMap.V_SRC_MAC, 6);
        copy(a, W, XdpFlowMap.V_SRC_MAC + 2, 8);
        copy(a, W, XdpFlowMap.V_SRC, IP_SRC);
        copy(a, W, XdpFlowMap.V_DST, IP_DST);
        a.load(B, R4, R2, IP_TTL)
                .addImm(R4, -1)
                .store(B, R2, IP_TTL, R4)
                .load(H, R4, R2, IP_CSUM)
                .load(H, R5, R7, XdpFlowMap.V_IP_DELTA);
        adjust(a);
        a.store(H, R2, IP_CSUM, R4)
                .load(H, R5, R7, XdpFlowMap.V_L4_DELTA)
                .load(B, R4, R2, IP_PROTO)
                .jumpIfEqual(R4, 17, "fp_udp");
        headers(a, TCP_HEADERS, miss) // known already; said again for the verifier on this path
                .load(H, R4, R2, TCP_CSUM);
        adjust(a);
        a.store(H, R2, TCP_CSUM, R4)
                .jump("fp_ports")
                .label("fp_udp")
                .load(H, R4, R2, UDP_CSUM)
                .jumpIfEqual(R4, 0, "fp_ports"); // no checksum: stays none
        adjust(a);
        a.jumpIfNotEqual(R4, 0, "fp_udp_store")
                .movImm(R4, 0xffff) // a computed 0 is sent as all ones
                .label("fp_udp_store")
                .store(H, R2, UDP_CSUM, R4)
                .label("fp_ports");
        copy(a, W, XdpFlowMap.V_PORTS, L4);
        countAndRedirect(a);
        tunnel(a, "fp_ipip", XdpFlowMap.ENCAP_IPIP, miss);
        tunnel(a, "fp_gue", XdpFlowMap.ENCAP_GUE, miss);
        tunnel(a, "fp_gre", XdpFlowMap.ENCAP_GRE, miss);
        a.label("fp_aborted")
                .movImm(R0, XDP_ABORTED)
                .exit();
    }

    /** Counts the frame (R9: its datagram's bytes plus 14) in the entry (R7) and sends it out of the entry's link. */
    private static void countAndRedirect(EbpfAssembler a) {
        a.movImm(R4, 1)
                .atomicAdd64(R7, XdpFlowMap.V_FRAMES, R4)
                .atomicAdd64(R7, XdpFlowMap.V_BYTES, R9)
                .load(W, R1, R7, XdpFlowMap.V_IFINDEX)
                .movImm(R2, 0)
                .call(HELPER_REDIRECT)
                .exit();
    }

    /**
     * At {@code label}: the frame (R2 to R3, checked to hold an Ethernet, IPv4 and UDP header's worth; R7 the
     * entry, R9 the datagram's length plus 14) gets {@code overhead} bytes of outer headers in front of its
     * IPv4 datagram, as the worker's {@code Egress.ipip} and {@code gue} build them: Ethernet from the entry,
     * outer IPv4 with the inner TOS (CE made ECT(0)), DF, identification 0 and the inner TTL after its decrement, protocol 4
     * (IPIP), 17 (GUE: UDP with the entry's ports and checksum 0, then a GUE header for IPv4) or 47 (GRE: a
     * 4-byte header for IPv4, as the worker's {@code Egress.gre} without {@code --tun-csum}), the entry's
     * addresses, its checksum computed; Ethernet padding after the datagram is cut off first. A datagram
     * without DF goes to {@code miss} (the worker numbers its
     * outer identification), as does a frame the kernel will not give the room.
     */
    private static void tunnel(EbpfAssembler a, String label, int encap, String miss) {
        boolean gue = encap == XdpFlowMap.ENCAP_GUE;
        int overhead = switch (encap) {
            case XdpFlowMap.ENCAP_GUE -> GUE_OVERHEAD;
            case XdpFlowMap.ENCAP_GRE -> GRE_OVERHEAD;
            default -> IPIP_OVERHEAD;
        };
        int inner = ETH + overhead;
        a.label(label)
                .load(H, R4, R2, IP_FRAG)
                .andImm(R4, DF_LE)
                .jumpIfEqual(R4, 0, miss)
                // Ethernet padding after the datagram is left out, as the worker leaves it out
                .movReg(R4, R3)
                .subReg(R4, R2)
                .movReg(R2, R9)
                .subReg(R2, R4)
                .jumpIfEqual(R2, 0, label + "_fits")
                .movReg(R1, R6)
                .call(HELPER_XDP_ADJUST_TAIL)
                .jumpIfNotEqual(R0, 0, miss) // refused: the frame is as it was
                .label(label + "_fits")
                .movReg(R1, R6)
                .movImm(R2, -overhead)
                .call(HELPER_XDP_ADJUST_HEAD)
                .jumpIfNotEqual(R0, 0, miss) // refused: the frame is as it was
                .load(W, R2, R6, 0)
                .load(W, R3, R6, 4)
                .movReg(R4, R2)
                .addImm(R4, inner + 20 + 8)
                .jumpIfGreater(R4, R3, "fp_aborted") // cannot be: the frame held that much before
                // the inner datagram: TTL less one, its checksum adjusted
                .load(B, R4, R2, inner + 8)
                .addImm(R4, -1)
                .store(B, R2, inner + 8, R4)
                .load(H, R4, R2, inner + 10)
                .load(H, R5, R7, XdpFlowMap.V_IP_DELTA);
        adjust(a);
        a.store(H, R2, inner + 10, R4);
        copy(a, H, XdpFlowMap.V_DST_MAC, 0);
        copy(a, W, XdpFlowMap.V_DST_MAC + 2, 2);
        copy(a, H, XdpFlowMap.V_SRC_MAC, 6);
        copy(a, W, XdpFlowMap.V_SRC_MAC + 2, 8);
        a.movImm(R4, 0x0008) // ETH_P_IP as stored little-endian
                .store(H, R2, 12, R4)
                .movImm(R4, 0x45)
                .store(B, R2, ETH, R4)
                .load(B, R4, R2, inner + 1) // TOS, an inner CE made ECT(0) (ECN encapsulation, as the worker)
                .movReg(R5, R4)
                .andImm(R5, 3)
                .jumpIfNotEqual(R5, 3, label + "_tos")
                .andImm(R4, 0xfe)
                .label(label + "_tos")
                .store(B, R2, ETH + 1, R4)
                .load(H, R4, R2, inner + 2)
                .toBigEndian(R4, 16)
                .addImm(R4, overhead)
                .toBigEndian(R4, 16)
                .store(H, R2, IP_TOTAL_LENGTH, R4)
                .movImm(R4, 0)
                .store(H, R2, ETH + 4, R4) // identification
                .movImm(R4, DF_LE)
                .store(H, R2, IP_FRAG, R4)
                .load(B, R4, R2, inner + 8)
                .store(B, R2, IP_TTL, R4)
                .movImm(R4, encap)
                .store(B, R2, IP_PROTO, R4)
                .movImm(R4, 0)
                .store(H, R2, IP_CSUM, R4);
        copy(a, W, XdpFlowMap.V_SRC, IP_SRC);
        copy(a, W, XdpFlowMap.V_DST, IP_DST);
        if (gue) {
            copy(a, W, XdpFlowMap.V_PORTS, L4);
            a.load(H, R4, R2, inner + 2)
                    .toBigEndian(R4, 16)
                    .addImm(R4, 8 + 4)
                    .toBigEndian(R4, 16)
                    .store(H, R2, L4 + 4, R4) // UDP length
                    .movImm(R4, 0)
                    .store(H, R2, UDP_CSUM, R4)
                    .movImm(R4, 0x0400) // GUE version 0, no options, protocol 4, as stored little-endian
                    .store(W, R2, L4 + 8, R4);
        } else if (encap == XdpFlowMap.ENCAP_GRE) {
            a.movImm(R4, GRE_IPV4_LE)
                    .store(W, R2, L4, R4);
        }
        // the outer header's checksum: the one's-complement sum of its ten words, folded, inverted
        a.movImm(R4, 0);
        for (int k = 0; k < 10; k++) {
            a.load(H, R5, R2, ETH + 2 * k).addReg(R4, R5);
        }
        foldAndInvert(a);
        a.store(H, R2, IP_CSUM, R4);
        countAndRedirect(a);
    }

    /** Goes to {@code miss} unless the packet (R2 to R3) holds {@code length} bytes; uses R4. */
    private static EbpfAssembler headers(EbpfAssembler a, int length, String miss) {
        return a.movReg(R4, R2).addImm(R4, length).jumpIfGreater(R4, R3, miss);
    }

    /** Packet bytes at {@code to} = the entry's bytes at {@code from} (R2: packet, R7: entry). */
    private static void copy(EbpfAssembler a, int size, int from, int to) {
        a.load(size, R4, R7, from).store(size, R2, to, R4);
    }

    /** R4 = ~(~R4 + R5) in one's-complement 16-bit arithmetic (RFC 1624, eqn. 3); uses R8. */
    private static void adjust(EbpfAssembler a) {
        a.xorImm(R4, 0xffff)
                .addReg(R4, R5);
        foldAndInvert(a);
    }

    /** R4 = the one's complement of R4's 16-bit one's-complement fold (two carries are enough); uses R8. */
    private static void foldAndInvert(EbpfAssembler a) {
        a.movReg(R8, R4)
                .rshImm(R8, 16)
                .andImm(R4, 0xffff)
                .addReg(R4, R8)
                .movReg(R8, R4)
                .rshImm(R8, 16)
                .andImm(R4, 0xffff)
                .addReg(R4, R8)
                .xorImm(R4, 0xffff);
    }
}
