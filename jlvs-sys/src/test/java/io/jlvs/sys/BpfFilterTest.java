package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The compiled programs, run by a small classic-BPF interpreter over hand-made frames. */
class BpfFilterTest {
    private static final IpAddress VIP = IpAddress.parse("192.0.2.10");
    private static final IpAddress VIP2 = IpAddress.parse("192.0.2.11");
    private static final IpAddress REAL = IpAddress.parse("198.51.100.7");
    private static final IpAddress CLIENT = IpAddress.parse("203.0.113.9");

    /** Runs the program the way the kernel would; returns the number of bytes it keeps (0 = drop). */
    static int run(BpfFilter f, byte[] pkt) {
        ByteBuffer b = ByteBuffer.wrap(pkt);
        int a = 0;
        int x = 0;
        int pc = 0;
        while (true) {
            int code = f.code(pc);
            int k = f.operand(pc);
            switch (code) {
                case 0x28 -> a = k + 2 <= pkt.length ? b.getShort(k) & 0xffff : -1;
                case 0x20 -> a = k + 4 <= pkt.length ? b.getInt(k) : -1;
                case 0x30 -> a = k < pkt.length ? pkt[k] & 0xff : -1;
                case 0xb1 -> x = k < pkt.length ? 4 * (pkt[k] & 0x0f) : 0;
                case 0x50 -> a = x + k < pkt.length ? pkt[x + k] & 0xff : -1;
                case 0x15 -> pc += a == k ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x05 -> pc += k;
                case 0x06 -> {
                    return k;
                }
                default -> throw new AssertionError("unexpected opcode " + code);
            }
            pc++;
        }
    }

    static byte[] frame(int etherType, IpAddress src, IpAddress dst) {
        ByteBuffer b = ByteBuffer.allocate(60);
        b.position(12);
        b.putShort((short) etherType);
        b.position(26);
        b.putInt(src.v4()).putInt(dst.v4());
        return b.array();
    }

    static byte[] frame6(IpAddress src, IpAddress dst) {
        ByteBuffer b = ByteBuffer.allocate(80);
        b.position(12);
        b.putShort((short) 0x86dd);
        b.position(22);
        b.putLong(src.hi()).putLong(src.lo()).putLong(dst.hi()).putLong(dst.lo());
        return b.array();
    }

    @Test
    void passesIpv6ToAnIpv6VirtualAddressOrFromAnIpv6RealServerBesideIpv4() {
        IpAddress vip6 = IpAddress.parse("2001:db8::100");
        IpAddress real6 = IpAddress.parse("2001:db8:2::11");
        IpAddress client6 = IpAddress.parse("2001:db8:1::10");
        for (boolean arp : new boolean[] {false, true}) {
            BpfFilter.Builder b = BpfFilter.builder().destination(VIP).source(REAL).icmpErrors()
                    .destination6(vip6).source6(real6);
            BpfFilter f = (arp ? b.arp() : b).build();
            assertThat(run(f, frame6(client6, vip6))).isEqualTo(BpfFilter.SNAP);
            assertThat(run(f, frame6(real6, client6))).isEqualTo(BpfFilter.SNAP);
            assertThat(run(f, frame6(client6, real6))).isZero();
            assertThat(run(f, frame6(client6, IpAddress.parse("2001:db8::101")))).isZero();
            // IPv4 as before
            assertThat(run(f, frame(0x0800, CLIENT, VIP))).isEqualTo(BpfFilter.SNAP);
            assertThat(run(f, frame(0x0800, REAL, CLIENT))).isEqualTo(BpfFilter.SNAP);
            assertThat(run(f, frame(0x0800, CLIENT, REAL))).isZero();
            assertThat(run(f, frame(0x0806, CLIENT, VIP))).isEqualTo(arp ? BpfFilter.SNAP : 0);
        }
        // IPv6 only: no IPv4 passes
        BpfFilter only6 = BpfFilter.builder().destination6(vip6).build();
        assertThat(run(only6, frame6(client6, vip6))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(only6, frame(0x0800, CLIENT, VIP))).isZero();
    }

    @Test
    void passesTrafficToAVirtualAddressOrFromARealServerOnly() {
        BpfFilter f = BpfFilter.builder().destination(VIP).destination(VIP2).source(REAL).build();

        assertThat(run(f, frame(0x0800, CLIENT, VIP))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, CLIENT, VIP2))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, REAL, CLIENT))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, CLIENT, REAL))).isZero();
        assertThat(run(f, frame(0x0800, VIP, CLIENT))).isZero();
        assertThat(run(f, frame(0x86dd, CLIENT, VIP))).isZero();
        assertThat(run(f, frame(0x0806, CLIENT, VIP))).isZero();
    }

    @Test
    void icmpErrorsFromAnyonePassWhenAsked() {
        BpfFilter f = BpfFilter.builder().destination(VIP).source(REAL).icmpErrors().build();
        IpAddress router = IpAddress.parse("198.51.100.1");
        for (int type : new int[] {3, 4, 11, 12}) {
            assertThat(run(f, icmp(router, CLIENT, type, 5))).as("type %d", type).isEqualTo(BpfFilter.SNAP);
            assertThat(run(f, icmp(router, CLIENT, type, 7))).as("type %d behind IP options", type)
                    .isEqualTo(BpfFilter.SNAP);
        }
        assertThat(run(f, icmp(router, CLIENT, 8, 5))).as("echo request").isZero();
        assertThat(run(f, icmp(router, CLIENT, 0, 5))).as("echo reply").isZero();
        assertThat(run(f, frame(0x0800, CLIENT, REAL))).as("not ICMP").isZero();
        assertThat(run(f, frame(0x0800, CLIENT, VIP))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, REAL, CLIENT))).isEqualTo(BpfFilter.SNAP);
        BpfFilter without = BpfFilter.builder().destination(VIP).source(REAL).build();
        assertThat(run(without, icmp(router, CLIENT, 3, 5))).isZero();
    }

    /** An IPv4 ICMP message of {@code type} with a header of {@code ihl} words. */
    static byte[] icmp(IpAddress src, IpAddress dst, int type, int ihl) {
        byte[] f = frame(0x0800, src, dst);
        f[14] = (byte) (0x40 | ihl);
        f[23] = 1;
        f[14 + 4 * ihl] = (byte) type;
        return f;
    }

    @Test
    void arpPassesOnlyWhenAsked() {
        BpfFilter f = BpfFilter.builder().destination(VIP).arp().build();

        assertThat(run(f, frame(0x0806, CLIENT, CLIENT))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, CLIENT, VIP))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, CLIENT, CLIENT))).isZero();
        assertThat(run(f, frame(0x86dd, CLIENT, VIP))).isZero();
    }

    @Test
    void withNoAddressEveryIpv4FramePasses() {
        BpfFilter f = BpfFilter.builder().build();

        assertThat(run(f, frame(0x0800, CLIENT, REAL))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0806, CLIENT, REAL))).isZero();
    }

    @Test
    void manyAddressesStillJumpWithinRange() {
        BpfFilter.Builder b = BpfFilter.builder();
        for (int i = 0; i < 200; i++) {
            b.destination(IpAddress.ofV4(0x0a000000 + i));
        }
        for (int i = 0; i < 50; i++) {
            b.source(IpAddress.ofV4(0x0b000000 + i));
        }
        BpfFilter f = b.build();

        assertThat(run(f, frame(0x0800, CLIENT, IpAddress.ofV4(0x0a000000 + 199)))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, IpAddress.ofV4(0x0b000000 + 49), CLIENT))).isEqualTo(BpfFilter.SNAP);
        assertThat(run(f, frame(0x0800, CLIENT, IpAddress.ofV4(0x0a000000 + 200)))).isZero();
        assertThatThrownBy(() -> b.source(REAL).build()).hasMessageContaining("at most 250");
    }

    @Test
    void ipv6AddressesAreRefused() {
        assertThatThrownBy(() -> BpfFilter.builder().destination(IpAddress.parse("2001:db8::1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4");
    }
}
