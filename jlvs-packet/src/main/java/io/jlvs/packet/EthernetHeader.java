package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet II header at an offset: destination MAC, source MAC, EtherType; one 802.1Q tag is skipped
 * by {@link #payloadOffset}. Static accessors only: nothing is allocated per frame.
 */
public final class EthernetHeader {
    public static final int LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int DST = 0;
    public static final int SRC = 6;
    public static final int TYPE = 12;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_IPV6 = 0x86dd;

    private EthernetHeader() {
    }

    /** VRRP virtual router MACs 00:00:5e:00:01:VRID (IPv4) and 00:00:5e:00:02:VRID (IPv6), RFC 5798. */
    private static final long VRRP_V4_MACS = 0x0000_5e00_0100L;
    private static final long VRRP_V6_MACS = 0x0000_5e00_0200L;

    /**
     * Whether the kernel would take this frame arriving on a link with MAC {@code linkMac} as its host's:
     * addressed to that MAC, to a group (broadcast, multicast), or to a VRRP virtual MAC (keepalived's
     * use_vmac puts one on a macvlan over the link). Any other destination is another host's
     * (PACKET_OTHERHOST: seen on a promiscuous link or when a switch floods), which IP never handles.
     */
    public static boolean forThisHost(MemorySegment s, long off, long linkMac) {
        long dst = dst(s, off);
        long vrid = dst & 0xffff_ffff_ff00L;
        return dst == linkMac || (dst & 0x0100_0000_0000L) != 0 || vrid == VRRP_V4_MACS || vrid == VRRP_V6_MACS;
    }

    public static long dst(MemorySegment s, long off) {
        return Wire.mac(s, off + DST);
    }

    public static void dst(MemorySegment s, long off, long mac) {
        Wire.mac(s, off + DST, mac);
    }

    public static long src(MemorySegment s, long off) {
        return Wire.mac(s, off + SRC);
    }

    public static void src(MemorySegment s, long off, long mac) {
        Wire.mac(s, off + SRC, mac);
    }

    /** The outer EtherType (0x8100 for a tagged frame). */
    public static int type(MemorySegment s, long off) {
        return Wire.u16(s, off + TYPE);
    }

    /**
     * Bytes from the frame start to the network header: 14, or 18 after one 802.1Q tag; -1 when the
     * frame is too short for its header.
     */
    public static int headerLength(MemorySegment s, long off, int frameLength) {
        if (frameLength < LENGTH) {
            return -1;
        }
        if (type(s, off) != TYPE_VLAN) {
            return LENGTH;
        }
        return frameLength < LENGTH + VLAN_TAG_LENGTH ? -1 : LENGTH + VLAN_TAG_LENGTH;
    }

    /** The EtherType of the payload (after one VLAN tag when present); headerLength must be valid. */
    public static int payloadType(MemorySegment s, long off, int headerLength) {
        return Wire.u16(s, off + headerLength - 2);
    }
}
