package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds and reads test frames (big-endian wire order). */
final class Frames {
    private Frames() {
    }

    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static int etherType(MemorySegment s, long off) {
        return s.get(BE16, off + 12) & 0xffff;
    }

    static int ipProtocol(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off + 23) & 0xff;
    }

    static int ipSource(MemorySegment s, long off) {
        return s.get(BE32, off + 26);
    }

    static int ipDestination(MemorySegment s, long off) {
        return s.get(BE32, off + 30);
    }

    /** ICMP type, assuming a 20-byte IP header. */
    static int icmpType(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off + 34) & 0xff;
    }

    static int icmpId(MemorySegment s, long off) {
        return s.get(BE16, off + 38) & 0xffff;
    }

    static int icmpSeq(MemorySegment s, long off) {
        return s.get(BE16, off + 40) & 0xffff;
    }

    static void putMac(ByteBuffer b, long mac) {
        for (int i = 5; i >= 0; i--) {
            b.put((byte) (mac >>> (8 * i)));
        }
    }

    static int checksum(byte[] data, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len - 1; i += 2) {
            sum += ((data[off + i] & 0xff) << 8) | (data[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (data[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    /** An Ethernet + IPv4 + ICMP echo request frame with correct checksums. */
    static byte[] icmpEcho(long srcMac, long dstMac, IpAddress src, IpAddress dst, int id, int seq) {
        byte[] f = new byte[14 + 20 + 8 + 32];
        ByteBuffer b = ByteBuffer.wrap(f);
        putMac(b, dstMac);
        putMac(b, srcMac);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 32));
        b.putShort((short) id).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 1).putShort((short) 0);
        b.putInt(src.v4()).putInt(dst.v4());
        int ipSum = checksum(f, 14, 20);
        f[24] = (byte) (ipSum >>> 8);
        f[25] = (byte) ipSum;
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq);
        for (int i = 0; i < 32; i++) {
            b.put((byte) i);
        }
        int icmpSum = checksum(f, 34, 8 + 32);
        f[36] = (byte) (icmpSum >>> 8);
        f[37] = (byte) icmpSum;
        return f;
    }

    /** An Ethernet + IPv4 + UDP frame with 16 bytes of payload, IPv4 checksum right, UDP checksum 0 (none). */
    static byte[] udp(long srcMac, long dstMac, IpAddress src, int sport, IpAddress dst, int dport, int id) {
        byte[] f = new byte[14 + 20 + 8 + 16];
        ByteBuffer b = ByteBuffer.wrap(f);
        putMac(b, dstMac);
        putMac(b, srcMac);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + 16));
        b.putShort((short) id).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0);
        b.putInt(src.v4()).putInt(dst.v4());
        int ipSum = checksum(f, 14, 20);
        f[24] = (byte) (ipSum >>> 8);
        f[25] = (byte) ipSum;
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + 16)).putShort((short) 0);
        return f;
    }

    /** A minimum-size frame with the local experimental ethertype 0x88b5, which a Linux peer counts and drops. */
    static byte[] experimental(long srcMac, long dstMac, int seq) {
        byte[] f = new byte[60];
        ByteBuffer b = ByteBuffer.wrap(f);
        putMac(b, dstMac);
        putMac(b, srcMac);
        b.putShort((short) 0x88b5);
        b.putInt(seq);
        return f;
    }
}
