package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The inner packet a TUN real server hands to its stack, found in IPIP, GUE and GRE as the director builds them. */
class DecapsulationTest {
    private static final int CLIENT = 0x0a000001;
    private static final int VIP = 0x0a000064;

    /** A 28-byte IPv4/UDP packet from the client to the VIP, with {@code options} bytes of IP options. */
    private static byte[] inner(int options) {
        int ihl = 20 + options;
        ByteBuffer b = ByteBuffer.allocate(ihl + 8);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + 8)).putInt(0);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(CLIENT).putInt(VIP);
        return b.array();
    }

    private static byte[] ipip(byte[] inner, int protocol, int claimedLength) {
        ByteBuffer b = ByteBuffer.allocate(20 + inner.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) claimedLength).putInt(0);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(0x0a000002).putInt(0x0a00000b);
        return b.put(inner).array();
    }

    private static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    @Test
    void ipipInnerPacketStartsAfterTheOuterHeader() {
        byte[] p = ipip(inner(0), 4, 48);
        int at = Decapsulation.ipip(seg(p), p.length);
        assertThat(at).isEqualTo(20);
        assertThat(Decapsulation.innerLength(seg(p), at)).isEqualTo(28);
        assertThat(Decapsulation.innerDestination(seg(p), at)).isEqualTo(VIP);
    }

    @Test
    void ipipRefusesOtherProtocolsTruncationAndNonIpv4Inner() {
        byte[] gre = ipip(inner(0), 47, 48);
        assertThat(Decapsulation.ipip(seg(gre), gre.length)).isEqualTo(Decapsulation.NOT_IPV4);
        byte[] longer = ipip(inner(0), 4, 60);
        assertThat(Decapsulation.ipip(seg(longer), longer.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] p = ipip(inner(0), 4, 48);
        assertThat(Decapsulation.ipip(seg(p), 30)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] v6 = ipip(inner(0), 4, 48);
        v6[20] = 0x60;
        assertThat(Decapsulation.ipip(seg(v6), v6.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
    }

    @Test
    void gueVersion0SkipsItsHeaderAndOptionsVersion1IsTheBarePacket() {
        byte[] in = inner(4);
        byte[] v0 = ByteBuffer.allocate(4 + in.length).putInt(4 << 16).put(in).array();
        assertThat(Decapsulation.gue(seg(v0), v0.length)).isEqualTo(4);
        assertThat(Decapsulation.innerLength(seg(v0), 4)).isEqualTo(32);
        byte[] withOptions = ByteBuffer.allocate(12 + in.length).putInt((2 << 24) | (4 << 16)).putLong(0).put(in).array();
        assertThat(Decapsulation.gue(seg(withOptions), withOptions.length)).isEqualTo(12);
        assertThat(Decapsulation.gue(seg(in), in.length)).isZero();
    }

    @Test
    void gueControlMessagesAndOtherPayloadsAreNotDelivered() {
        byte[] in = inner(0);
        byte[] control = ByteBuffer.allocate(4 + in.length).putInt((0x20 << 24) | (4 << 16)).put(in).array();
        assertThat(Decapsulation.gue(seg(control), control.length)).isEqualTo(Decapsulation.NOT_IPV4);
        byte[] ipv6 = ByteBuffer.allocate(4 + in.length).putInt(41 << 16).put(in).array();
        assertThat(Decapsulation.gue(seg(ipv6), ipv6.length)).isEqualTo(Decapsulation.NOT_IPV4);
        assertThat(Decapsulation.gue(seg(new byte[] {0, 4}), 2)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] version2 = {(byte) 0x80, 4, 0, 0};
        assertThat(Decapsulation.gue(seg(version2), 4)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
    }

    /** The 16-bit one's complement checksum of {@code b[from, to)}, computed word by word. */
    private static int checksum(byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            sum += (b[i] & 0xff) << 8 | (i + 1 < to ? b[i + 1] & 0xff : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    /**
     * An outer IPv4 packet of protocol 47 with the GRE header {@code flags}, {@code protocol} and
     * {@code options} (4 bytes each; with the C bit the first is the checksum, filled in here) before
     * {@code inner}.
     */
    private static byte[] gre(byte[] inner, int flags, int protocol, int... options) {
        ByteBuffer g = ByteBuffer.allocate(4 + 4 * options.length + inner.length);
        g.putShort((short) flags).putShort((short) protocol);
        for (int o : options) {
            g.putInt(o);
        }
        byte[] body = g.put(inner).array();
        if ((flags & 0x8000) != 0) {
            ByteBuffer.wrap(body).putShort(4, (short) checksum(body, 0, body.length));
        }
        return ipip(body, 47, 20 + body.length);
    }

    /** An inner packet of odd length (29 bytes), for the checksum's last byte. */
    private static byte[] oddInner() {
        byte[] in = inner(0);
        byte[] odd = java.util.Arrays.copyOf(in, in.length + 1);
        odd[odd.length - 1] = (byte) 0xa5;
        ByteBuffer.wrap(odd).putShort(2, (short) odd.length);
        return odd;
    }

    @Test
    void greWithoutChecksumCarriesTheInnerPacketAfterFourBytes() {
        byte[] p = gre(inner(0), 0, 0x0800);
        int at = Decapsulation.gre(seg(p), p.length);
        assertThat(at).isEqualTo(24);
        assertThat(Decapsulation.innerLength(seg(p), at)).isEqualTo(28);
        assertThat(Decapsulation.innerDestination(seg(p), at)).isEqualTo(VIP);
    }

    @Test
    void greWithAChecksumThatAddsUpCarriesTheInnerPacketAfterEightBytes() {
        byte[] p = gre(oddInner(), 0x8000, 0x0800, 0);
        assertThat(ByteBuffer.wrap(p).getShort(24)).as("a checksum was put in").isNotZero();
        int at = Decapsulation.gre(seg(p), p.length);
        assertThat(at).isEqualTo(28);
        assertThat(Decapsulation.innerLength(seg(p), at)).isEqualTo(29);
    }

    @Test
    void greWithAWrongChecksumIsRefused() {
        byte[] p = gre(oddInner(), 0x8000, 0x0800, 0);
        p[p.length - 1] ^= 0x01;
        assertThat(Decapsulation.gre(seg(p), p.length)).isEqualTo(Decapsulation.BAD_CHECKSUM);
        byte[] zeroed = gre(inner(0), 0x8000, 0x0800, 0);
        zeroed[24] = 0;
        zeroed[25] = 0;
        assertThat(Decapsulation.gre(seg(zeroed), zeroed.length)).as("checksum field 0")
                .isEqualTo(Decapsulation.BAD_CHECKSUM);
    }

    @Test
    void greKeyAndSequenceNumberAreSkipped() {
        byte[] keyed = gre(inner(0), 0x2000, 0x0800, 0x01020304);
        assertThat(Decapsulation.gre(seg(keyed), keyed.length)).isEqualTo(28);
        byte[] all = gre(inner(0), 0x8000 | 0x2000 | 0x1000, 0x0800, 0, 0x01020304, 7);
        assertThat(Decapsulation.gre(seg(all), all.length)).isEqualTo(36);
        assertThat(Decapsulation.innerDestination(seg(all), 36)).isEqualTo(VIP);
    }

    @Test
    void greOfAnotherProtocolVersionOrOuterProtocolIsNotIpv4() {
        byte[] ipv6 = gre(inner(0), 0, 0x86dd);
        assertThat(Decapsulation.gre(seg(ipv6), ipv6.length)).isEqualTo(Decapsulation.NOT_IPV4);
        byte[] teb = gre(inner(0), 0x8000, 0x6558, 0);
        assertThat(Decapsulation.gre(seg(teb), teb.length)).as("Ethernet in GRE").isEqualTo(Decapsulation.NOT_IPV4);
        byte[] pptp = gre(inner(0), 0x2001, 0x880b, 0);
        assertThat(Decapsulation.gre(seg(pptp), pptp.length)).as("version 1").isEqualTo(Decapsulation.NOT_IPV4);
        byte[] ipip = ipip(inner(0), 4, 48);
        assertThat(Decapsulation.gre(seg(ipip), ipip.length)).isEqualTo(Decapsulation.NOT_IPV4);
    }

    @Test
    void greTooShortRoutedOrWithoutAnIpv4InnerIsNotWellFormed() {
        byte[] headerOnly = ipip(new byte[] {0, 0, 8}, 47, 23);
        assertThat(Decapsulation.gre(seg(headerOnly), headerOnly.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] noChecksumRoom = ipip(new byte[] {(byte) 0x80, 0, 8, 0}, 47, 24);
        assertThat(Decapsulation.gre(seg(noChecksumRoom), noChecksumRoom.length))
                .isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] p = gre(inner(0), 0, 0x0800);
        assertThat(Decapsulation.gre(seg(p), 40)).as("truncated").isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] routed = gre(inner(0), 0x4000, 0x0800, 0);
        assertThat(Decapsulation.gre(seg(routed), routed.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] v6 = gre(inner(0), 0, 0x0800);
        v6[24] = 0x60;
        assertThat(Decapsulation.gre(seg(v6), v6.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] shortInner = gre(new byte[12], 0, 0x0800);
        assertThat(Decapsulation.gre(seg(shortInner), shortInner.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
    }

    // ---------------------------------------------------------------- IPv6 services

    private static final byte[] VIP6 = java.util.HexFormat.of().parseHex("20010db8000000000000000000000100");
    private static final byte[] CLIENT6 = java.util.HexFormat.of().parseHex("20010db8000100000000000000000010");

    /** An IPv6/UDP packet from the client to the VIP with {@code data} bytes of payload. */
    private static byte[] inner6(int data) {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + data);
        b.putInt(6 << 28).putShort((short) (8 + data)).put((byte) 17).put((byte) 63).put(CLIENT6).put(VIP6);
        b.putShort((short) 40000).putShort((short) 53).putShort((short) (8 + data)).putShort((short) 0);
        return b.array();
    }

    /** An outer IPv6 packet (as RawIp6Socket rebuilds it) of {@code nextHeader} carrying {@code body}. */
    private static byte[] outer6(int nextHeader, byte[] body, int claimedPayload) {
        ByteBuffer b = ByteBuffer.allocate(40 + body.length);
        b.putInt(6 << 28).putShort((short) claimedPayload).put((byte) nextHeader).put((byte) 63);
        b.put(java.util.HexFormat.of().parseHex("20010db8000000000000000000000002"));
        b.put(java.util.HexFormat.of().parseHex("20010db8000000000000000000000011"));
        return b.put(body).array();
    }

    @Test
    void ipv6InIpv6InnerPacketStartsAfterTheOuterHeader() {
        byte[] in = inner6(20);
        byte[] p = outer6(41, in, in.length);
        int at = Decapsulation.ipv6InIpv6(seg(p), p.length);
        assertThat(at).isEqualTo(40);
        assertThat(Decapsulation.inner6Length(seg(p), at)).isEqualTo(in.length);
        ByteBuffer vip = ByteBuffer.wrap(VIP6);
        assertThat(Decapsulation.inner6DestinationHi(seg(p), at)).isEqualTo(vip.getLong(0));
        assertThat(Decapsulation.inner6DestinationLo(seg(p), at)).isEqualTo(vip.getLong(8));
    }

    @Test
    void ipv6InIpv6RefusesOtherNextHeadersTruncationAndNonIpv6Inner() {
        byte[] in = inner6(20);
        assertThat(Decapsulation.ipv6InIpv6(seg(outer6(4, in, in.length)), 40 + in.length))
                .isEqualTo(Decapsulation.NOT_IPV6);
        byte[] claimsMore = outer6(41, in, in.length + 1);
        assertThat(Decapsulation.ipv6InIpv6(seg(claimsMore), claimsMore.length))
                .isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] p = outer6(41, in, in.length);
        assertThat(Decapsulation.ipv6InIpv6(seg(p), p.length - 1)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] innerLonger = p.clone();
        innerLonger[40 + 5] += 1;
        assertThat(Decapsulation.ipv6InIpv6(seg(innerLonger), innerLonger.length))
                .isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] v4Inside = p.clone();
        v4Inside[40] = 0x45;
        assertThat(Decapsulation.ipv6InIpv6(seg(v4Inside), v4Inside.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        assertThat(Decapsulation.ipv6InIpv6(seg(p), 39)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
    }

    /** GRE over IPv6 as the director builds it: protocol type 0x86DD, the checksum verified when sent. */
    @Test
    void greOverIpv6WithAndWithoutChecksum() {
        byte[] in = inner6(11);
        byte[] plain = ByteBuffer.allocate(4 + in.length).putShort((short) 0).putShort((short) 0x86dd).put(in).array();
        byte[] p = outer6(47, plain, plain.length);
        assertThat(Decapsulation.gre6(seg(p), p.length)).isEqualTo(44);
        byte[] summed = ByteBuffer.allocate(8 + in.length).putShort((short) 0x8000).putShort((short) 0x86dd)
                .putInt(0).put(in).array();
        long sum = 0;
        for (int i = 0; i < summed.length; i += 2) {
            sum += (summed[i] & 0xff) << 8 | (i + 1 < summed.length ? summed[i + 1] & 0xff : 0);
        }
        while (sum >>> 16 != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        ByteBuffer.wrap(summed).putShort(4, (short) ~sum);
        byte[] c = outer6(47, summed, summed.length);
        assertThat(Decapsulation.gre6(seg(c), c.length)).isEqualTo(48);
        byte[] wrong = c.clone();
        wrong[wrong.length - 1] ^= 1;
        assertThat(Decapsulation.gre6(seg(wrong), wrong.length)).isEqualTo(Decapsulation.BAD_CHECKSUM);
        byte[] ipv4Type = p.clone();
        ipv4Type[42] = 0x08;
        ipv4Type[43] = 0x00;
        assertThat(Decapsulation.gre6(seg(ipv4Type), ipv4Type.length)).isEqualTo(Decapsulation.NOT_IPV6);
        assertThat(Decapsulation.gre6(seg(outer6(41, plain, plain.length)), 40 + plain.length))
                .isEqualTo(Decapsulation.NOT_IPV6);
        byte[] routed = p.clone();
        routed[40] = 0x40;
        assertThat(Decapsulation.gre6(seg(routed), routed.length)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
    }

    /** GUE carrying protocol 41 (the director's for an IPv6 service) or version 1 with an IPv6 packet. */
    @Test
    void gueCarryingIpv6() {
        byte[] in = inner6(5);
        byte[] v0 = ByteBuffer.allocate(4 + in.length).putInt(41 << 16).put(in).array();
        assertThat(Decapsulation.gue6(seg(v0), v0.length)).isEqualTo(4);
        assertThat(Decapsulation.gue(seg(v0), v0.length)).as("not IPv4").isEqualTo(Decapsulation.NOT_IPV4);
        assertThat(Decapsulation.gue6(seg(in), in.length)).as("version 1: the bare packet").isZero();
        byte[] v4 = ByteBuffer.allocate(4 + 28).putInt(4 << 16).put(inner(0)).array();
        assertThat(Decapsulation.gue6(seg(v4), v4.length)).isEqualTo(Decapsulation.NOT_IPV6);
        assertThat(Decapsulation.gue6(seg(v0), v0.length - 1)).isEqualTo(Decapsulation.NOT_WELL_FORMED);
        byte[] control = v0.clone();
        control[0] = 0x20;
        assertThat(Decapsulation.gue6(seg(control), control.length)).isEqualTo(Decapsulation.NOT_IPV6);
    }
}
