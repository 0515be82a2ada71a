package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.core.io.PacketIo;
import java.lang.foreign.MemorySegment;

/**
 * IPv6's counterpart of answering ARP ({@link DataplaneConfig#answerArp}): an ICMPv6 neighbour solicitation
 * (RFC 4861 §4.3) whose target is a virtual address of an IPv6 service the data plane forwards gets a neighbour
 * advertisement (§4.4) with this link's MAC, so that clients reach a VIP that is not configured on the director
 * (the kernel answers only for its own addresses, and the VIP is not one).
 *
 * <p>A solicitation is checked as §7.1.1 says (hop limit 255, code 0, a valid checksum, at least 24 bytes, every
 * option of non-zero length within the message, from the unspecified address only to a solicited-node address and
 * without a source link-layer option) and must be addressed to the target's solicited-node multicast address
 * (ff02::1:ffXX:XXXX) or to the target itself; a malformed one for a VIP is dropped and counted
 * ({@link DropReason#BAD_NEIGHBOUR_SOLICITATION}), as the kernel discards it. The answer (§7.2.4) comes from the
 * target, hop limit 255, with the override flag and a target link-layer address option: to the soliciting address
 * with the solicited flag, or, for duplicate address detection (unspecified source), to all nodes (ff02::1)
 * without it. Its Ethernet destination is the solicitation's source link-layer option, else the frame's source
 * ({@code 33:33:00:00:00:01} for all nodes); an 802.1Q tag is kept. Frames the responder does not claim (another
 * message, another target, extension headers before the ICMPv6 header) go on to the IPv6 path.
 *
 * <p>Owner: the worker thread of its {@link Dataplane}. Nothing is allocated per frame.
 */
final class NeighbourResponder {
    static final int TYPE_SOLICITATION = 135;
    static final int TYPE_ADVERTISEMENT = 136;
    /** What neighbour discovery messages carry as hop limit, and a receiver insists on (§7.1.1). */
    static final int HOP_LIMIT = 255;
    /** Type, code, checksum, reserved (or flags), target address. */
    static final int MESSAGE = 24;
    static final int OPTION_SOURCE_LINK_ADDRESS = 1;
    static final int OPTION_TARGET_LINK_ADDRESS = 2;
    /** An Ethernet link-layer address option: type, length 1 (8 bytes), six bytes of MAC. */
    static final int LINK_ADDRESS_OPTION = 8;
    /** The advertisement's flags, the top bits of its reserved word: router, solicited, override. */
    static final int FLAG_SOLICITED = 0x4000_0000;
    static final int FLAG_OVERRIDE = 0x2000_0000;
    private static final int TARGET = 8;
    /** ff02::1, all nodes on the link, and its Ethernet group (RFC 2464 §7). */
    private static final long ALL_NODES_HI = 0xff02_0000_0000_0000L;
    private static final long ALL_NODES_LO = 1L;
    private static final long ALL_NODES_MAC = 0x3333_0000_0001L;
    /** ff02::1:ff00:0/104, the solicited-node prefix (RFC 4291 §2.7.1). */
    private static final long SOLICITED_NODE_HI = 0xff02_0000_0000_0000L;
    private static final long SOLICITED_NODE_LO = 0x0000_0001_ff00_0000L;

    private final PacketIo io;
    private final long ourMac;
    private final MemorySegment out = MemorySegment.ofArray(new byte[EthernetHeader.LENGTH + 4
            + Ipv6Header.LENGTH + MESSAGE + LINK_ADDRESS_OPTION]);
    private DropReason dropReason;

    NeighbourResponder(PacketIo io) {
        this.io = io;
        this.ourMac = io.macAddress();
    }

    /** Why the last {@link Verdict#DROP} was given. */
    DropReason dropReason() {
        return dropReason;
    }

    /** The solicited-node multicast address's low 64 bits for an address whose low 64 bits are {@code lo}. */
    static long solicitedNodeLo(long lo) {
        return SOLICITED_NODE_LO | (lo & 0xff_ffffL);
    }

    /** The solicited-node multicast addresses of {@code addresses} (RFC 4291 §2.7.1), each once. */
    static java.util.Set<IpAddress> solicitedNodes(java.util.Collection<IpAddress> addresses) {
        java.util.Set<IpAddress> out = new java.util.LinkedHashSet<>();
        for (IpAddress a : addresses) {
            out.add(IpAddress.ofV6(SOLICITED_NODE_HI, solicitedNodeLo(a.lo())));
        }
        return out;
    }

    /**
     * The IPv6 frame ({@code l2} bytes of Ethernet header, {@code len} bytes in all): null when it is no
     * neighbour solicitation for one of {@code services}' virtual addresses (the IPv6 path takes it), else
     * {@link Verdict#REPLY} once answered or {@link Verdict#DROP} ({@link #dropReason()}).
     */
    Verdict handle(MemorySegment s, long off, int l2, int len, Ipv6Services services) {
        long ip = off + l2;
        int avail = len - l2;
        if (avail < Ipv6Header.LENGTH + MESSAGE || Ipv6Header.nextHeader(s, ip) != Ipv6Header.PROTO_ICMPV6
                || Ipv6Header.version(s, ip) != 6) {
            return null;
        }
        long icmp = ip + Ipv6Header.LENGTH;
        if (Wire.u8(s, icmp) != TYPE_SOLICITATION) {
            return null;
        }
        long targetHi = Ipv6Header.u64(s, icmp + TARGET);
        long targetLo = Ipv6Header.u64(s, icmp + TARGET + 8);
        if (!services.isVirtualAddress(targetHi, targetLo)) {
            return null;
        }
        // one of ours: answered when well formed, else dropped as the kernel discards it
        int length = Ipv6Header.payloadLength(s, ip);
        if (length < MESSAGE || Ipv6Header.LENGTH + length > avail
                || Ipv6Header.hopLimit(s, ip) != HOP_LIMIT || Wire.u8(s, icmp + 1) != 0) {
            return drop();
        }
        long srcHi = Ipv6Header.srcHi(s, ip);
        long srcLo = Ipv6Header.srcLo(s, ip);
        long dstHi = Ipv6Header.dstHi(s, ip);
        long dstLo = Ipv6Header.dstLo(s, ip);
        int pseudo = Ipv6Header.pseudoHeader(srcHi, srcLo, dstHi, dstLo, length, Ipv6Header.PROTO_ICMPV6);
        if (InternetChecksum.sum(s, icmp, length, pseudo) != 0xffff) {
            return drop();
        }
        boolean unspecified = srcHi == 0 && srcLo == 0;
        boolean toSolicitedNode = dstHi == SOLICITED_NODE_HI && dstLo == solicitedNodeLo(targetLo);
        boolean toTarget = dstHi == targetHi && dstLo == targetLo;
        if (Ipv6Header.isMulticast(srcHi) || !(toSolicitedNode || toTarget) || (unspecified && !toSolicitedNode)) {
            return drop();
        }
        long replyMac = EthernetHeader.src(s, off);
        long end = icmp + length;
        for (long at = icmp + MESSAGE; at < end; ) {
            int optionLength = end - at < 2 ? 0 : Wire.u8(s, at + 1) * 8;
            if (optionLength == 0 || optionLength > end - at) {
                return drop();
            }
            if (Wire.u8(s, at) == OPTION_SOURCE_LINK_ADDRESS) {
                if (unspecified || optionLength != LINK_ADDRESS_OPTION) {
                    return drop();
                }
                replyMac = Wire.mac(s, at + 2);
            }
            at += optionLength;
        }
        return answer(s, off, l2, targetHi, targetLo, unspecified, srcHi, srcLo, replyMac)
                ? Verdict.REPLY : tooFull();
    }

    private Verdict drop() {
        dropReason = DropReason.BAD_NEIGHBOUR_SOLICITATION;
        return Verdict.DROP;
    }

    private Verdict tooFull() {
        dropReason = DropReason.TX_FULL;
        return Verdict.DROP;
    }

    /**
     * An advertisement built here ({@link #answer}) leaving by another link than the one whose MAC it names
     * ({@code from}) gets that link's ({@code to}) in its target link-layer option, checksum updated, as
     * {@link LinkEgress} gives an ARP reply the sender MAC of the link it leaves by. Other frames are left alone.
     */
    static void relink(MemorySegment frame, long offset, int length, long from, long to) {
        int l2 = EthernetHeader.headerLength(frame, offset, length);
        if (l2 < 0 || length < l2 + Ipv6Header.LENGTH + MESSAGE + LINK_ADDRESS_OPTION
                || EthernetHeader.payloadType(frame, offset, l2) != EthernetHeader.TYPE_IPV6) {
            return;
        }
        long ip = offset + l2;
        long icmp = ip + Ipv6Header.LENGTH;
        long option = icmp + MESSAGE;
        if (Ipv6Header.nextHeader(frame, ip) != Ipv6Header.PROTO_ICMPV6 || Wire.u8(frame, icmp) != TYPE_ADVERTISEMENT
                || Ipv6Header.payloadLength(frame, ip) != MESSAGE + LINK_ADDRESS_OPTION
                || Wire.u8(frame, option) != OPTION_TARGET_LINK_ADDRESS || Wire.mac(frame, option + 2) != from) {
            return;
        }
        Wire.mac(frame, option + 2, to);
        Wire.u16(frame, icmp + 2, 0);
        int pseudo = Ipv6Header.pseudoHeader(Ipv6Header.srcHi(frame, ip), Ipv6Header.srcLo(frame, ip),
                Ipv6Header.dstHi(frame, ip), Ipv6Header.dstLo(frame, ip), MESSAGE + LINK_ADDRESS_OPTION,
                Ipv6Header.PROTO_ICMPV6);
        Wire.u16(frame, icmp + 2, InternetChecksum.finish(
                InternetChecksum.sum(frame, icmp, MESSAGE + LINK_ADDRESS_OPTION, pseudo)));
    }

    /** Builds and sends the advertisement; false when the transmit queue is full. */
    private boolean answer(MemorySegment s, long off, int l2, long targetHi, long targetLo, boolean dad,
                           long srcHi, long srcLo, long replyMac) {
        MemorySegment.copy(s, off, out, 0, l2);
        EthernetHeader.dst(out, 0, dad ? ALL_NODES_MAC : replyMac);
        EthernetHeader.src(out, 0, ourMac);
        long toHi = dad ? ALL_NODES_HI : srcHi;
        long toLo = dad ? ALL_NODES_LO : srcLo;
        int length = MESSAGE + LINK_ADDRESS_OPTION;
        long ip = l2;
        Wire.u32(out, ip, 0x6000_0000);
        Ipv6Header.payloadLength(out, ip, length);
        Wire.u8(out, ip + Ipv6Header.NEXT_HEADER, Ipv6Header.PROTO_ICMPV6);
        Wire.u8(out, ip + Ipv6Header.HOP_LIMIT, HOP_LIMIT);
        Ipv6Header.src(out, ip, targetHi, targetLo);
        Ipv6Header.dst(out, ip, toHi, toLo);
        long icmp = ip + Ipv6Header.LENGTH;
        Wire.u8(out, icmp, TYPE_ADVERTISEMENT);
        Wire.u8(out, icmp + 1, 0);
        Wire.u16(out, icmp + 2, 0);
        Wire.u32(out, icmp + 4, dad ? FLAG_OVERRIDE : FLAG_SOLICITED | FLAG_OVERRIDE);
        Ipv6Header.u64(out, icmp + TARGET, targetHi);
        Ipv6Header.u64(out, icmp + TARGET + 8, targetLo);
        long option = icmp + MESSAGE;
        Wire.u8(out, option, OPTION_TARGET_LINK_ADDRESS);
        Wire.u8(out, option + 1, LINK_ADDRESS_OPTION / 8);
        Wire.mac(out, option + 2, ourMac);
        int pseudo = Ipv6Header.pseudoHeader(targetHi, targetLo, toHi, toLo, length, Ipv6Header.PROTO_ICMPV6);
        Wire.u16(out, icmp + 2, InternetChecksum.finish(InternetChecksum.sum(out, icmp, length, pseudo)));
        return io.transmit(out, 0, (int) icmp + length);
    }
}
