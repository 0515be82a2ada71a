package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientFanout} checked as the kernel checks a classic BPF program and run by {@link ClassicBpf} over
 * packets as a fanout group sees them (from the network header): every frame of an IPv6 NAT connection — the
 * client's request, the real server's reply, fragments, extension headers, ICMPv6 errors about either way —
 * picks the member of its client, clients spread, persistence prefixes keep a client network together, and
 * neighbour discovery goes to the first member.
 */
class ClientFanoutTest {
    private static final int IPV4 = 0x0800;
    private static final int IPV6 = 0x86dd;
    private static final IpAddress VIP = IpAddress.parse("10.92.0.100");
    private static final IpAddress SERVER = IpAddress.parse("10.93.0.11");
    private static final IpAddress VIP6 = IpAddress.parse("2001:db8:77::100");
    private static final IpAddress VIP6B = IpAddress.parse("2001:db8:78::100");
    private static final IpAddress SERVER6 = IpAddress.parse("2001:db8:77:1::11");
    private static final IpAddress ROUTER6 = IpAddress.parse("2001:db8:77:1::fe");
    private static final int FLOWS = 48;

    private static IpAddress client6(int i) {
        return IpAddress.ofV6(0x20010db800650000L + (i % 7), 0x1000L + i * 0x10001L);
    }

    // ---------------------------------------------------------------- packets (network header first)

    private static byte[] ipv6(IpAddress src, IpAddress dst, int next, byte[] payload) {
        return ByteBuffer.allocate(40 + payload.length).putInt(0x60000000).putShort((short) payload.length)
                .put((byte) next).put((byte) 64).putLong(src.hi()).putLong(src.lo()).putLong(dst.hi())
                .putLong(dst.lo()).put(payload).array();
    }

    private static byte[] tcp(int sport, int dport) {
        return ByteBuffer.allocate(20).putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .putShort((short) 0x5002).putShort((short) 65535).putInt(0).array();
    }

    private static byte[] udp(int sport, int dport) {
        return ByteBuffer.allocate(12).putShort((short) sport).putShort((short) dport).putShort((short) 12)
                .putShort((short) 0).putInt(0x6a6c7673).array();
    }

    /** A fragment header (next header 44's) and data: {@code first} carries the UDP header, the others none. */
    private static byte[] fragment(boolean first, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(8 + 16).put((byte) 17).put((byte) 0)
                .putShort((short) (first ? 1 : (185 << 3))).putInt(0x12345678);
        return (first ? b.put(udp(sport, dport)).putInt(0) : b.putLong(0x0102030405060708L).putLong(-1L)).array();
    }

    /** A hop-by-hop options header (8 bytes of padding) before a TCP header. */
    private static byte[] hopByHop(byte[] tcp) {
        return ByteBuffer.allocate(8 + tcp.length).put((byte) 6).put((byte) 0).put((byte) 1).put((byte) 4)
                .putInt(0).put(tcp).array();
    }

    /** An ICMPv6 message of {@code type} quoting {@code quoted} (errors) or carrying it (others). */
    private static byte[] icmp6(int type, byte[] quoted) {
        return ByteBuffer.allocate(8 + quoted.length).put((byte) type).put((byte) 0).putShort((short) 0)
                .putInt(type == 2 ? 1280 : 0).put(quoted).array();
    }

    private static byte[] neighbourSolicitation(IpAddress target) {
        return ByteBuffer.allocate(24).put((byte) 135).put((byte) 0).putShort((short) 0).putInt(0)
                .putLong(target.hi()).putLong(target.lo()).array();
    }

    private static byte[] ipv4(IpAddress src, IpAddress dst, int protocol, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).put((byte) 0x45).put((byte) 0)
                .putShort((short) (20 + payload.length)).putInt(0).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).putInt(src.v4()).putInt(dst.v4()).put(payload).array();
    }

    /** Every IPv6 frame a NAT connection of client {@code c} from port {@code port} to {@code vip} may bring. */
    private static List<byte[]> connection6(IpAddress c, int port, IpAddress vip) {
        byte[] request = ipv6(c, vip, 6, tcp(port, 80));
        byte[] forwarded = ipv6(c, SERVER6, 6, tcp(port, 8080));
        byte[] reply = ipv6(SERVER6, c, 6, tcp(8080, port));
        byte[] ourReply = ipv6(vip, c, 6, tcp(80, port));
        return List.of(request, reply,
                ipv6(c, vip, 0, hopByHop(tcp(port, 80))),
                ipv6(c, vip, 44, fragment(true, port, 53)),
                ipv6(c, vip, 44, fragment(false, port, 53)),
                ipv6(SERVER6, c, 44, fragment(false, 8080, port)),
                // port unreachable from the real server, about the packet we forwarded it
                ipv6(SERVER6, c, 58, icmp6(1, forwarded)),
                // a router between us and the real server: time exceeded about it
                ipv6(ROUTER6, c, 58, icmp6(3, forwarded)),
                // a router towards the client: packet too big about our reply, to the virtual address
                ipv6(ROUTER6, vip, 58, icmp6(2, ourReply)),
                ipv6(ROUTER6, vip, 58, icmp6(4, ourReply)));
    }

    private static Set<Integer> values(BpfFilter f, List<byte[]> packets) {
        Set<Integer> out = new HashSet<>();
        for (byte[] p : packets) {
            out.add(ClassicBpf.run(f, IPV6, p));
        }
        return out;
    }

    // ---------------------------------------------------------------- tests

    @Test
    void everyFrameOfAnIpv6ConnectionPicksItsClientsMemberAndClientsSpread() {
        BpfFilter f = ClientFanout.program(List.of(VIP, VIP6, VIP6B));
        ClassicBpf.check(f);
        Set<Integer> byClient = new HashSet<>();
        for (int i = 0; i < FLOWS; i++) {
            IpAddress c = client6(i);
            Set<Integer> v = values(f, connection6(c, 40000 + i, i % 2 == 0 ? VIP6 : VIP6B));
            assertThat(v).as("client %s: one value for all its frames", c).hasSize(1);
            // another connection of the same client (other port, other virtual address): the same worker
            assertThat(values(f, connection6(c, 50000 + i, i % 2 == 0 ? VIP6B : VIP6))).isEqualTo(v);
            byClient.add(v.iterator().next());
        }
        assertThat(byClient).as("clients hash apart").hasSizeGreaterThan(FLOWS / 2);
        for (int members : new int[] {2, 3, 4}) {
            Set<Integer> used = new HashSet<>();
            byClient.forEach(h -> used.add(Integer.remainderUnsigned(h, members)));
            assertThat(used).as("%d members all used", members).hasSize(members);
        }
    }

    /**
     * A client whose address ends as a virtual address does (the last word, then more) is no virtual address:
     * its replies are hashed by it, as its requests are, whichever of several virtual addresses it resembles.
     */
    @Test
    void anAddressThatMatchesAVirtualAddressInPartIsAClient() {
        BpfFilter f = ClientFanout.program(List.of(VIP6, VIP6B));
        List<IpAddress> lookalikes = List.of(
                IpAddress.ofV6(0x20010db9_00000000L, VIP6.lo()),                 // words 3 and 2 equal
                IpAddress.ofV6(VIP6.hi() + 1, VIP6.lo()),                         // all but word 1
                IpAddress.ofV6(VIP6.hi(), VIP6.lo() ^ (1L << 40)),               // all but word 2
                IpAddress.ofV6(VIP6B.hi() ^ (1L << 50), VIP6B.lo()));            // all but word 0, of the second
        Set<Integer> seen = new HashSet<>();
        for (IpAddress c : lookalikes) {
            int request = ClassicBpf.run(f, IPV6, ipv6(c, VIP6B, 6, tcp(1234, 80)));
            int reply = ClassicBpf.run(f, IPV6, ipv6(SERVER6, c, 6, tcp(80, 1234)));
            assertThat(reply).as("reply to %s", c).isEqualTo(request);
            // taken for a virtual address it would have hashed the server: the same for all four
            seen.add(reply);
        }
        assertThat(seen).hasSize(lookalikes.size());
    }

    @Test
    void neighbourDiscoveryEchoAndIpv6WithoutVirtualAddressesGoToTheFirstMember() {
        BpfFilter f = ClientFanout.program(List.of(VIP, VIP6));
        IpAddress c = client6(3);
        IpAddress solicited = IpAddress.parse("ff02::1:ff00:100");
        assertThat(ClassicBpf.run(f, IPV6, ipv6(c, solicited, 58, neighbourSolicitation(VIP6)))).isZero();
        assertThat(ClassicBpf.run(f, IPV6, ipv6(c, VIP6, 58, neighbourSolicitation(VIP6)))).isZero();
        for (int type : new int[] {0, 5, 127, 128, 129, 133, 134, 136, 137, 143, 255}) {
            assertThat(ClassicBpf.run(f, IPV6, ipv6(c, VIP6, 58, icmp6(type, ipv6(VIP6, c, 6, tcp(80, 1))))))
                    .as("ICMPv6 type %d", type).isZero();
        }
        // a client's frames do not hash to 0 by chance here (else the checks above prove nothing)
        assertThat(ClassicBpf.run(f, IPV6, ipv6(c, VIP6, 6, tcp(1, 80)))).isNotZero();
        // no IPv6 virtual address: the IPv4 program of before, IPv6 to the first member
        BpfFilter v4 = ClientFanout.program(List.of(VIP));
        assertThat(v4.length()).isEqualTo(ClientFanout.length(1, 0, 0));
        assertThat(ClassicBpf.run(v4, IPV6, ipv6(c, VIP6, 6, tcp(1, 80)))).isZero();
        assertThat(ClassicBpf.run(f, 0x0806, new byte[28])).as("ARP").isZero();
        // cut short: the kernel ends the program with 0
        assertThat(ClassicBpf.run(f, IPV6, new byte[30])).isZero();
    }

    /** IPv4 hashes as it did without IPv6 virtual addresses: the same value for every frame. */
    @Test
    void ipv4IsHashedAsBeforeBesideIpv6() {
        BpfFilter without = ClientFanout.program(List.of(VIP), 0xffffff00, false);
        BpfFilter with = ClientFanout.program(List.of(VIP, VIP6, VIP6B), List.of(), 0xffffff00, false, 64);
        ClassicBpf.check(with);
        for (int i = 0; i < FLOWS; i++) {
            IpAddress c = IpAddress.ofV4(IpAddress.parse("198.51.0.0").v4() + i * 257);
            byte[] request = ipv4(c, VIP, 17, udp(40000 + i, 53));
            byte[] reply = ipv4(SERVER, c, 17, udp(53, 40000 + i));
            for (byte[] p : List.of(request, reply)) {
                assertThat(ClassicBpf.run(with, IPV4, p)).isEqualTo(ClassicBpf.run(without, IPV4, p));
            }
            assertThat(ClassicBpf.run(with, IPV4, reply)).isEqualTo(ClassicBpf.run(with, IPV4, request));
        }
    }

    /**
     * With a persistent IPv6 service of prefix length P every client of one /P network reaches one member,
     * whatever the rest of its address; other networks spread.
     */
    @Test
    void aPersistencePrefixKeepsAClientNetworkOnOneMember() {
        for (int prefix : new int[] {0, 24, 48, 56, 64, 80, 96, 112, 120, 127}) {
            BpfFilter f = ClientFanout.program(List.of(VIP6), List.of(), -1, true, prefix);
            ClassicBpf.check(f);
            Set<Integer> networks = new HashSet<>();
            for (int n = 0; n < 16; n++) {
                IpAddress network = IpAddress.ofV6(0x20010db8_00000000L + ((long) n << 33), (long) n << 41);
                Set<Integer> inNetwork = new HashSet<>();
                for (int host = 0; host < 16; host++) {
                    IpAddress c = within(network, prefix, host * 0x9e3779b97f4a7c15L);
                    inNetwork.addAll(values(f, connection6(c, 30000 + host, VIP6)));
                }
                assertThat(inNetwork).as("/%d network %d", prefix, n).hasSize(1);
                networks.addAll(inNetwork);
            }
            if (prefix == 0) {
                assertThat(networks).hasSize(1);
            } else if (prefix >= 48) {
                Set<Integer> members = new HashSet<>();
                networks.forEach(h -> members.add(Integer.remainderUnsigned(h, 2)));
                assertThat(members).as("/%d networks over 2 members", prefix).hasSize(2);
            }
        }
    }

    /** {@code network} with the bits after its first {@code prefix} taken from {@code bits}. */
    private static IpAddress within(IpAddress network, int prefix, long bits) {
        int[] m = ClientFanout.prefixMask(prefix);
        long hiMask = (long) m[0] << 32 | (m[1] & 0xffffffffL);
        long loMask = (long) m[2] << 32 | (m[3] & 0xffffffffL);
        return IpAddress.ofV6((network.hi() & hiMask) | (Long.rotateLeft(bits, 17) & ~hiMask),
                (network.lo() & loMask) | (bits & ~loMask));
    }

    @Test
    void prefixMasksCoverTheirBits() {
        assertThat(ClientFanout.prefixMask(0)).containsExactly(0, 0, 0, 0);
        assertThat(ClientFanout.prefixMask(64)).containsExactly(-1, -1, 0, 0);
        assertThat(ClientFanout.prefixMask(48)).containsExactly(-1, 0xffff0000, 0, 0);
        assertThat(ClientFanout.prefixMask(127)).containsExactly(-1, -1, -1, 0xfffffffe);
        assertThat(ClientFanout.prefixMask(128)).containsExactly(-1, -1, -1, -1);
        assertThatThrownBy(() -> ClientFanout.program(List.of(VIP6), List.of(), -1, true, 129))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The length is known beforehand, every program up to the kernel's limit passes its checks, one more is refused. */
    @Test
    void programsFitTheKernelsInstructionLimit() {
        List<IpAddress> v4 = IntStream.range(0, 1000).mapToObj(i -> IpAddress.ofV4(0x0a000000 + i)).toList();
        List<IpAddress> v6 = IntStream.range(0, 500).mapToObj(i -> IpAddress.ofV6(VIP6.hi(), i + 1L)).toList();
        List<ClientFanout.AddressRange> ranges = IntStream.range(0, 3).mapToObj(i -> new ClientFanout.AddressRange(
                IpAddress.ofV4(0x0b000000 + 16 * i), IpAddress.ofV4(0x0b000000 + 16 * i + 7))).toList();
        BpfFilter most4 = ClientFanout.program(v4.subList(0, ClientFanout.MAX_ADDRESSES));
        assertThat(most4.length()).isLessThanOrEqualTo(ClientFanout.MAX_INSTRUCTIONS);
        ClassicBpf.check(most4);
        int fit6 = (ClientFanout.MAX_INSTRUCTIONS - ClientFanout.length(0, 0, 0) - 66) / 9;
        assertThat(fit6).as("IPv6 virtual addresses one program takes").isGreaterThanOrEqualTo(440);
        assertThat(ClientFanout.length(0, 0, fit6)).isLessThanOrEqualTo(ClientFanout.MAX_INSTRUCTIONS);
        ClassicBpf.check(ClientFanout.program(v6.subList(0, fit6)));
        // with IPv4 addresses and ranges beside: the longest that fits
        int n6 = (ClientFanout.MAX_INSTRUCTIONS - ClientFanout.length(6, 3, 0) - 66) / 9;
        List<IpAddress> mixed = new ArrayList<>(v6.subList(0, n6));
        mixed.addAll(v4.subList(0, 6));
        BpfFilter full = ClientFanout.program(mixed, ranges, -1, true, 128);
        assertThat(full.length()).isEqualTo(ClientFanout.length(6, 3, n6))
                .isGreaterThan(ClientFanout.MAX_INSTRUCTIONS - 9).isLessThanOrEqualTo(ClientFanout.MAX_INSTRUCTIONS);
        ClassicBpf.check(full);
        // the last IPv6 address listed still counts
        IpAddress last = mixed.get(n6 - 1);
        IpAddress c = client6(5);
        assertThat(ClassicBpf.run(full, IPV6, ipv6(SERVER6, c, 6, tcp(80, 9))))
                .isEqualTo(ClassicBpf.run(full, IPV6, ipv6(c, last, 6, tcp(9, 80))));
        List<IpAddress> over = new ArrayList<>(mixed);
        over.add(v6.get(n6));
        assertThatThrownBy(() -> ClientFanout.program(over, ranges, -1, true, 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096");
        List<IpAddress> tooMany = IntStream.range(0, ClientFanout.MAX_ADDRESSES + 1)
                .mapToObj(i -> IpAddress.ofV4(0x0a000000 + i)).toList();
        assertThatThrownBy(() -> ClientFanout.program(tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 1000 virtual addresses");
        assertThatThrownBy(() -> ClientFanout.program(List.of(), IntStream.range(0, 1000).mapToObj(i ->
                new ClientFanout.AddressRange(IpAddress.ofV4(i * 4), IpAddress.ofV4(i * 4 + 1))).toList(), -1, true))
                .as("1,000 ranges: 6 instructions each").isInstanceOf(IllegalArgumentException.class);
    }
}
