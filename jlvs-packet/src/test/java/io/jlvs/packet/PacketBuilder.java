package io.jlvs.packet;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32C;

/**
 * Builds test frames (Ethernet, optional 802.1Q tag, IPv4, TCP/UDP/SCTP/ICMP/raw payload) with every
 * checksum computed from scratch by code independent of the data plane's. Mutable and fluent.
 */
final class PacketBuilder {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final int ICMP = 1;
    static final int IPIP = 4;
    static final int GRE = 47;

    private long dstMac = 0x02_00_00_00_00_d1L;
    private long srcMac = 0x02_00_00_00_00_0cL;
    private int vlan = -1;
    private int tos;
    private int id = 0x1234;
    private boolean df = true;
    private boolean mf;
    private int fragmentOffset;
    private int ttl = 64;
    private int protocol;
    private int src;
    private int dst;
    private byte[] ipOptions = new byte[0];
    private int sport;
    private int dport;
    private int tcpFlags = 0x02;
    private int tcpDataOffsetWords = 5;
    private int tcpSeq = 1000;
    private int tcpAck = -1;
    private byte[] tcpOptions = new byte[0];
    private boolean udpChecksum = true;
    private int sctpChunk = 1;
    private int sctpChunkLength = -1;
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    private boolean greChecksum;
    private byte[] payload = new byte[0];

    static PacketBuilder tcp(String src, int sport, String dst, int dport) {
        return new PacketBuilder().protocol(TCP).src(src).dst(dst).ports(sport, dport);
    }

    static PacketBuilder udp(String src, int sport, String dst, int dport) {
        return new PacketBuilder().protocol(UDP).src(src).dst(dst).ports(sport, dport);
    }

    static PacketBuilder sctp(String src, int sport, String dst, int dport) {
        return new PacketBuilder().protocol(SCTP).src(src).dst(dst).ports(sport, dport);
    }

    /** An ICMP message whose body (after the 8-byte header) is {@code quoted}. */
    static PacketBuilder icmp(String src, String dst, int type, int code, int rest, byte[] quoted) {
        PacketBuilder b = new PacketBuilder().protocol(ICMP).src(src).dst(dst);
        b.icmpType = type;
        b.icmpCode = code;
        b.icmpRest = rest;
        b.payload = quoted;
        return b;
    }

    /** An IPIP packet carrying {@code inner} (an IPv4 datagram). */
    static PacketBuilder ipip(String src, String dst, byte[] inner) {
        PacketBuilder b = new PacketBuilder().protocol(IPIP).src(src).dst(dst);
        b.payload = inner;
        return b;
    }

    /**
     * A GRE packet (RFC 2784) carrying {@code inner} (an IPv4 datagram): flags word 0, or with {@code checksum}
     * the C bit 0x8000 followed by the checksum over the GRE header and payload and 16 reserved bits; protocol
     * type 0x0800.
     */
    static PacketBuilder gre(String src, String dst, byte[] inner, boolean checksum) {
        PacketBuilder b = new PacketBuilder().protocol(GRE).src(src).dst(dst);
        b.greChecksum = checksum;
        b.payload = inner;
        return b;
    }

    static int addr(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8
                | Integer.parseInt(p[3]);
    }

    PacketBuilder protocol(int p) {
        protocol = p;
        return this;
    }

    PacketBuilder src(String a) {
        src = addr(a);
        return this;
    }

    PacketBuilder dst(String a) {
        dst = addr(a);
        return this;
    }

    PacketBuilder ports(int s, int d) {
        sport = s;
        dport = d;
        return this;
    }

    PacketBuilder macs(long source, long destination) {
        srcMac = source;
        dstMac = destination;
        return this;
    }

    PacketBuilder vlan(int tag) {
        vlan = tag;
        return this;
    }

    PacketBuilder ttl(int t) {
        ttl = t;
        return this;
    }

    PacketBuilder tos(int t) {
        tos = t;
        return this;
    }

    PacketBuilder id(int i) {
        id = i;
        return this;
    }

    PacketBuilder df(boolean set) {
        df = set;
        return this;
    }

    PacketBuilder fragment(boolean moreFragments, int offsetUnits) {
        mf = moreFragments;
        fragmentOffset = offsetUnits;
        return this;
    }

    PacketBuilder ipOptions(byte[] options) {
        ipOptions = options;
        return this;
    }

    PacketBuilder flags(int tcp) {
        tcpFlags = tcp;
        return this;
    }

    /** The TCP sequence number (default 1000). */
    PacketBuilder seq(int s) {
        tcpSeq = s;
        return this;
    }

    /** The TCP acknowledgement number (default 2000 with ACK, else 0). */
    PacketBuilder ack(int a) {
        tcpAck = a;
        return this;
    }

    /** TCP options (padded with NOPs to a multiple of 4 bytes); sets the data offset. */
    PacketBuilder tcpOptions(byte[] options) {
        int padded = (options.length + 3) & ~3;
        tcpOptions = java.util.Arrays.copyOf(options, padded);
        java.util.Arrays.fill(tcpOptions, options.length, padded, (byte) 1);
        tcpDataOffsetWords = 5 + padded / 4;
        return this;
    }

    PacketBuilder dataOffset(int words) {
        tcpDataOffsetWords = words;
        return this;
    }

    PacketBuilder noUdpChecksum() {
        udpChecksum = false;
        return this;
    }

    PacketBuilder chunk(int type) {
        sctpChunk = type;
        return this;
    }

    /** Sets the first chunk's length field (default: the whole payload), to bundle more chunks after it. */
    PacketBuilder chunkLength(int length) {
        sctpChunkLength = length;
        return this;
    }

    PacketBuilder payload(byte[] p) {
        payload = p;
        return this;
    }

    PacketBuilder payload(int length) {
        payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) (i * 7 + 3);
        }
        return this;
    }

    /** The IPv4 datagram alone. */
    byte[] datagram() {
        byte[] l4 = transport();
        int ihl = 20 + ipOptions.length;
        byte[] d = new byte[ihl + l4.length];
        d[0] = (byte) (0x40 | ihl / 4);
        d[1] = (byte) tos;
        put16(d, 2, d.length);
        put16(d, 4, id);
        put16(d, 6, (df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | fragmentOffset);
        d[8] = (byte) ttl;
        d[9] = (byte) protocol;
        put32(d, 12, src);
        put32(d, 16, dst);
        System.arraycopy(ipOptions, 0, d, 20, ipOptions.length);
        put16(d, 10, checksum(d, 0, ihl, 0));
        System.arraycopy(l4, 0, d, ihl, l4.length);
        return d;
    }

    /** The whole Ethernet frame. */
    byte[] build() {
        return frame(datagram());
    }

    byte[] frame(byte[] datagram) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = new byte[vlan >= 0 ? 18 : 14];
        putMac(h, 0, dstMac);
        putMac(h, 6, srcMac);
        if (vlan >= 0) {
            put16(h, 12, 0x8100);
            put16(h, 14, vlan);
            put16(h, 16, 0x0800);
        } else {
            put16(h, 12, 0x0800);
        }
        out.writeBytes(h);
        out.writeBytes(datagram);
        return out.toByteArray();
    }

    private byte[] transport() {
        switch (protocol) {
            case TCP -> {
                int hl = tcpDataOffsetWords >= 5 ? tcpDataOffsetWords * 4 : 20;
                byte[] t = new byte[hl + payload.length];
                put16(t, 0, sport);
                put16(t, 2, dport);
                put32(t, 4, tcpSeq);
                put32(t, 8, tcpAck != -1 ? tcpAck : (tcpFlags & 0x10) != 0 ? 2000 : 0);
                t[12] = (byte) (tcpDataOffsetWords << 4);
                t[13] = (byte) tcpFlags;
                put16(t, 14, 65535);
                for (int i = 20; i < hl; i++) {
                    t[i] = i - 20 < tcpOptions.length ? tcpOptions[i - 20] : 1; // NOP options
                }
                System.arraycopy(payload, 0, t, hl, payload.length);
                put16(t, 16, checksum(t, 0, t.length, pseudo(t.length)));
                return t;
            }
            case UDP -> {
                byte[] u = new byte[8 + payload.length];
                put16(u, 0, sport);
                put16(u, 2, dport);
                put16(u, 4, u.length);
                System.arraycopy(payload, 0, u, 8, payload.length);
                if (udpChecksum) {
                    int c = checksum(u, 0, u.length, pseudo(u.length));
                    put16(u, 6, c == 0 ? 0xffff : c);
                }
                return u;
            }
            case SCTP -> {
                byte[] c = new byte[16 + payload.length];
                put16(c, 0, sport);
                put16(c, 2, dport);
                put32(c, 4, 0xcafe0001);
                c[12] = (byte) sctpChunk;
                put16(c, 14, sctpChunkLength >= 0 ? sctpChunkLength : 4 + payload.length);
                System.arraycopy(payload, 0, c, 16, payload.length);
                CRC32C crc = new CRC32C();
                crc.update(c);
                int v = (int) crc.getValue();
                c[8] = (byte) v;
                c[9] = (byte) (v >>> 8);
                c[10] = (byte) (v >>> 16);
                c[11] = (byte) (v >>> 24);
                return c;
            }
            case ICMP -> {
                byte[] m = new byte[8 + payload.length];
                m[0] = (byte) icmpType;
                m[1] = (byte) icmpCode;
                put32(m, 4, icmpRest);
                System.arraycopy(payload, 0, m, 8, payload.length);
                put16(m, 2, checksum(m, 0, m.length, 0));
                return m;
            }
            case GRE -> {
                int header = greChecksum ? 8 : 4;
                byte[] g = new byte[header + payload.length];
                put16(g, 0, greChecksum ? 0x8000 : 0);
                put16(g, 2, 0x0800);
                System.arraycopy(payload, 0, g, header, payload.length);
                if (greChecksum) {
                    put16(g, 4, checksum(g, 0, g.length, 0));
                }
                return g;
            }
            default -> {
                return payload.clone();
            }
        }
    }

    private int pseudo(int length) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
    }

    /** One's-complement checksum, computed byte pair by byte pair. */
    static int checksum(byte[] b, int off, int len, int initial) {
        long sum = initial & 0xffffffffL;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static void putMac(byte[] b, int at, long mac) {
        for (int i = 0; i < 6; i++) {
            b[at + i] = (byte) (mac >>> (40 - 8 * i));
        }
    }
}
