package io.jlvs.packet;

import java.lang.foreign.MemorySegment;

/** ARP for IPv4 over Ethernet (RFC 826), 28 bytes. */
public final class ArpHeader {
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;
    static final int HTYPE = 0;
    static final int PTYPE = 2;
    static final int HLEN = 4;
    static final int PLEN = 5;
    static final int OP = 6;
    static final int SHA = 8;
    static final int SPA = 14;
    static final int THA = 18;
    static final int TPA = 24;

    private ArpHeader() {
    }

    /** True for Ethernet/IPv4 ARP (htype 1, ptype 0x0800, lengths 6 and 4). */
    public static boolean isEthernetIpv4(MemorySegment s, long off) {
        return Wire.u16(s, off + HTYPE) == 1 && Wire.u16(s, off + PTYPE) == EthernetHeader.TYPE_IPV4
                && Wire.u8(s, off + HLEN) == 6 && Wire.u8(s, off + PLEN) == 4;
    }

    public static int op(MemorySegment s, long off) {
        return Wire.u16(s, off + OP);
    }

    public static void op(MemorySegment s, long off, int op) {
        Wire.u16(s, off + OP, op);
    }

    public static long senderMac(MemorySegment s, long off) {
        return Wire.mac(s, off + SHA);
    }

    public static void senderMac(MemorySegment s, long off, long mac) {
        Wire.mac(s, off + SHA, mac);
    }

    public static int senderIp(MemorySegment s, long off) {
        return Wire.u32(s, off + SPA);
    }

    public static void senderIp(MemorySegment s, long off, int ip) {
        Wire.u32(s, off + SPA, ip);
    }

    public static long targetMac(MemorySegment s, long off) {
        return Wire.mac(s, off + THA);
    }

    public static void targetMac(MemorySegment s, long off, long mac) {
        Wire.mac(s, off + THA, mac);
    }

    public static int targetIp(MemorySegment s, long off) {
        return Wire.u32(s, off + TPA);
    }

    public static void targetIp(MemorySegment s, long off, int ip) {
        Wire.u32(s, off + TPA, ip);
    }
}
