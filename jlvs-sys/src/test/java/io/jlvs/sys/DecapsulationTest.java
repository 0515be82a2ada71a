package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The inner packet a TUN real server hands to its stack, found in IPIP and GUE as the director builds them. */
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
}
