package io.jlvs.packet;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Builds IPv6 test frames (Ethernet, IPv6, optional raw extension headers, TCP/UDP/ICMPv6) with every checksum
 * computed from scratch (its own byte loop over the RFC 8200 pseudo-header), independent of the data plane's
 * incremental updates. Mutable and fluent.
 */
final class Packet6Builder {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMPV6 = 58;

    private long dstMac = Director.OUR_MAC;
    private long srcMac = Director.CLIENT_MAC;
    private int hopLimit = 64;
    private int trafficClass;
    private int flowLabel;
    private int protocol;
    private byte[] src;
    private byte[] dst;
    private int sport;
    private int dport;
    private int tcpFlags = 0x02;
    private int seq = 0x1000;
    /** The acknowledgement number; unset: 0x2000 with ACK, else 0. */
    private int ack;
    private boolean ackSet;
    /** TCP options (a multiple of 4 bytes). */
    private byte[] tcpOptions = new byte[0];
    private boolean udpChecksum = true;
    private int icmpType;
    private int icmpCode;
    private int icmpRest;
    /** Raw extension headers between the IPv6 header and the transport header, and the first's type. */
    private byte[] extensions = new byte[0];
    private int firstExtension = -1;
    /** Overrides the payload length field (-1: the real one). */
    private int payloadLengthField = -1;
    private byte[] payload = new byte[0];

    static Packet6Builder tcp(String src, int sport, String dst, int dport) {
        return new Packet6Builder().protocol(TCP).src(src).dst(dst).ports(sport, dport);
    }

    static Packet6Builder udp(String src, int sport, String dst, int dport) {
        return new Packet6Builder().protocol(UDP).src(src).dst(dst).ports(sport, dport);
    }

    /** An ICMPv6 message: type, code, the 4 bytes after the checksum, then {@code body}. */
    static Packet6Builder icmp(String src, String dst, int type, int code, int rest, byte[] body) {
        Packet6Builder b = new Packet6Builder().protocol(ICMPV6).src(src).dst(dst);
        b.icmpType = type;
        b.icmpCode = code;
        b.icmpRest = rest;
        b.payload = body;
        return b;
    }

    static byte[] addr(String a) {
        try {
            byte[] b = InetAddress.getByName(a).getAddress();
            if (b.length != 16) {
                throw new IllegalArgumentException("not IPv6: " + a);
            }
            return b;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    Packet6Builder protocol(int p) {
        protocol = p;
        return this;
    }

    Packet6Builder src(String a) {
        src = addr(a);
        return this;
    }

    Packet6Builder dst(String a) {
        dst = addr(a);
        return this;
    }

    Packet6Builder ports(int s, int d) {
        sport = s;
        dport = d;
        return this;
    }

    Packet6Builder macs(long source, long destination) {
        srcMac = source;
        dstMac = destination;
        return this;
    }

    Packet6Builder hopLimit(int h) {
        hopLimit = h;
        return this;
    }

    /** The traffic class (DSCP and ECN) and flow label of the IPv6 header. */
    Packet6Builder trafficClass(int tc, int label) {
        trafficClass = tc;
        flowLabel = label;
        return this;
    }

    Packet6Builder flags(int f) {
        tcpFlags = f;
        return this;
    }

    Packet6Builder seq(int s) {
        seq = s;
        return this;
    }

    Packet6Builder ack(int a) {
        ack = a;
        ackSet = true;
        return this;
    }

    /** TCP options, padded by the caller to a multiple of 4 bytes. */
    Packet6Builder tcpOptions(byte[] options) {
        if (options.length % 4 != 0 || options.length > 40) {
            throw new IllegalArgumentException("TCP options are up to 40 bytes in 4-byte words: " + options.length);
        }
        tcpOptions = options.clone();
        return this;
    }

    Packet6Builder payload(byte[] bytes) {
        payload = bytes.clone();
        return this;
    }

    /** The payload {@link #payload(int)} makes. */
    static byte[] pattern(int n) {
        return new Packet6Builder().payload(n).payload;
    }

    Packet6Builder noUdpChecksum() {
        udpChecksum = false;
        return this;
    }

    Packet6Builder payload(int n) {
        payload = new byte[n];
        for (int i = 0; i < n; i++) {
            payload[i] = (byte) (i * 7 + 3);
        }
        return this;
    }

    /** Extension headers (raw bytes, each with its own next-header byte) starting with one of type {@code first}. */
    Packet6Builder extensions(int first, byte[] raw) {
        firstExtension = first;
        extensions = raw;
        return this;
    }

    Packet6Builder payloadLengthField(int v) {
        payloadLengthField = v;
        return this;
    }

    /** The IPv6 packet (no Ethernet header). */
    byte[] packet() {
        byte[] l4 = transport();
        int payloadLength = extensions.length + l4.length;
        byte[] p = new byte[40 + payloadLength];
        PacketBuilder.put32(p, 0, 6 << 28 | (trafficClass & 0xff) << 20 | (flowLabel & 0xfffff));
        PacketBuilder.put16(p, 4, payloadLengthField >= 0 ? payloadLengthField : payloadLength);
        p[6] = (byte) (firstExtension >= 0 ? firstExtension : protocol);
        p[7] = (byte) hopLimit;
        System.arraycopy(src, 0, p, 8, 16);
        System.arraycopy(dst, 0, p, 24, 16);
        System.arraycopy(extensions, 0, p, 40, extensions.length);
        System.arraycopy(l4, 0, p, 40 + extensions.length, l4.length);
        return p;
    }

    byte[] build() {
        byte[] ip = packet();
        byte[] f = new byte[14 + ip.length];
        PacketBuilder.putMac(f, 0, dstMac);
        PacketBuilder.putMac(f, 6, srcMac);
        PacketBuilder.put16(f, 12, 0x86dd);
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    private byte[] transport() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int csumAt;
        byte[] t;
        switch (protocol) {
            case TCP -> {
                int header = 20 + tcpOptions.length;
                t = new byte[header + payload.length];
                PacketBuilder.put16(t, 0, sport);
                PacketBuilder.put16(t, 2, dport);
                PacketBuilder.put32(t, 4, seq);
                PacketBuilder.put32(t, 8, ackSet ? ack : (tcpFlags & 0x10) != 0 ? 0x2000 : 0);
                t[12] = (byte) (header / 4 << 4);
                t[13] = (byte) tcpFlags;
                PacketBuilder.put16(t, 14, 65535);
                System.arraycopy(tcpOptions, 0, t, 20, tcpOptions.length);
                System.arraycopy(payload, 0, t, header, payload.length);
                csumAt = 16;
            }
            case UDP -> {
                t = new byte[8 + payload.length];
                PacketBuilder.put16(t, 0, sport);
                PacketBuilder.put16(t, 2, dport);
                PacketBuilder.put16(t, 4, t.length);
                System.arraycopy(payload, 0, t, 8, payload.length);
                csumAt = udpChecksum ? 6 : -1;
            }
            case ICMPV6 -> {
                t = new byte[8 + payload.length];
                t[0] = (byte) icmpType;
                t[1] = (byte) icmpCode;
                PacketBuilder.put32(t, 4, icmpRest);
                System.arraycopy(payload, 0, t, 8, payload.length);
                csumAt = 2;
            }
            default -> {
                t = payload.clone();
                csumAt = -1;
            }
        }
        if (csumAt >= 0) {
            int c = ~checksum(src, dst, protocol, t) & 0xffff;
            if (protocol == UDP && c == 0) {
                c = 0xffff;
            }
            PacketBuilder.put16(t, csumAt, c);
        }
        out.writeBytes(t);
        return out.toByteArray();
    }

    /** The folded one's-complement sum of the IPv6 pseudo-header and {@code upper}, byte by byte. */
    static int checksum(byte[] src, byte[] dst, int nextHeader, byte[] upper) {
        long sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += ((src[i] & 0xff) << 8) | (src[i + 1] & 0xff);
            sum += ((dst[i] & 0xff) << 8) | (dst[i + 1] & 0xff);
        }
        sum += upper.length >>> 16;
        sum += upper.length & 0xffff;
        sum += nextHeader;
        for (int i = 0; i < upper.length; i += 2) {
            int hi = upper[i] & 0xff;
            int lo = i + 1 < upper.length ? upper[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** True when the TCP/UDP/ICMPv6 checksum of the IPv6 packet in {@code frame} (at 14, no extensions) verifies. */
    static boolean checksumValid(byte[] frame) {
        byte[] s = java.util.Arrays.copyOfRange(frame, 22, 38);
        byte[] d = java.util.Arrays.copyOfRange(frame, 38, 54);
        int len = ((frame[18] & 0xff) << 8) | (frame[19] & 0xff);
        byte[] upper = java.util.Arrays.copyOfRange(frame, 54, 54 + len);
        return checksum(s, d, frame[20] & 0xff, upper) == 0xffff;
    }
}
