package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic BPF program of a PACKET_FANOUT_CBPF group that keeps both directions of a NAT connection on one
 * worker: it returns a hash of the <em>client's</em> address and port (the kernel takes it modulo the number
 * of members). A frame to a virtual address comes from the client (source address and port); any other
 * frame goes to it (a real server's reply: destination address and port); an ICMP error is hashed by the
 * packet it quotes, the same way (a quoted packet from a virtual address went to the client). With persistent
 * services the port is left out and the address is masked to their granularity, since a worker's persistence
 * templates must see all of a client's (or its network's) connections. At fanout time the kernel's data starts
 * at the network header, so loads use offsets from it (positive ones, which also read a frame's paged part);
 * the quoted header is taken to have no options. A fwmark service's virtual addresses are ranges (those of the
 * rules that mark its packets): a frame to an address in one is from the client too.
 *
 * <p>IPv6 (when there are IPv6 virtual addresses) the same way by the client's <em>address only</em>, masked
 * to the shortest prefix length of the persistent IPv6 services: the addresses sit at fixed offsets, so
 * extension headers need no walking and every fragment of a datagram (the first with its ports, the others
 * without) reaches the same worker; an ICMPv6 error (types 1 to 4, right after the IPv6 header) is hashed by
 * the addresses of the packet it quotes. Other ICMPv6 (neighbour discovery, echo), like every frame that is
 * neither IPv4 nor IPv6 (ARP), goes to the first member; so does IPv6 while there is no IPv6 virtual address.
 *
 * <p>At most {@link #MAX_ADDRESSES} virtual addresses and ranges together, and the kernel takes at most
 * {@link #MAX_INSTRUCTIONS} instructions: 42 and 4 per IPv4 virtual address, 6 per range, and with IPv6 66 more
 * and 9 per IPv6 virtual address ({@link #length}); beyond either the program is refused with an
 * {@link IllegalArgumentException}.
 */
public final class ClientFanout {
    private static final int SKF_AD_PROTOCOL = -0x1000;
    private static final int NET = 0;
    /** The kernel's limit on a classic BPF program (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;
    /**
     * Virtual addresses (IPv4 and IPv6) and ranges one program lists at most; the instructions they take must
     * also fit ({@link #length}): 1,000 IPv4 addresses do (4,042 instructions), about 440 IPv6 ones.
     */
    public static final int MAX_ADDRESSES = 1000;
    private static final int ETH_P_IP = 0x0800;
    private static final int ETH_P_IPV6 = 0x86dd;
    private static final int PROTO_ICMPV6 = 58;
    /** IPv6 offsets from the network header: next header, source, destination, ICMPv6 type, quoted header. */
    private static final int V6_NEXT = NET + 6;
    private static final int V6_SRC = NET + 8;
    private static final int V6_DST = NET + 24;
    private static final int V6_ICMP_TYPE = NET + 40;
    private static final int V6_QUOTED = NET + 48;
    /** Scratch memory: the IPv6 address being looked at (words 0 to 3), and whether it was quoted. */
    private static final int M_QUOTED = 4;
    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_W_IND = 0x40;
    private static final int LD_H_IND = 0x48;
    private static final int LDX_B_MSH = 0xb1;
    private static final int LD_MEM = 0x60;
    private static final int LDX_MEM = 0x61;
    private static final int ST = 0x02;
    private static final int ALU_MUL_K = 0x24;
    private static final int ALU_AND_K = 0x54;
    private static final int LD_IMM = 0x00;
    private static final int ALU_RSH_K = 0x74;
    private static final int ALU_XOR_X = 0xac;
    private static final int TAX = 0x07;
    private static final int JEQ_K = 0x15;
    private static final int JGE_K = 0x35;
    private static final int JGT_K = 0x25;
    private static final int JA = 0x05;
    private static final int RET_K = 0x06;
    private static final int RET_A = 0x16;

    private final List<int[]> code = new ArrayList<>();
    private final Map<Integer, String> jumps = new HashMap<>();
    private final Map<String, Integer> labels = new HashMap<>();

    private ClientFanout() {
    }

    /** An inclusive range of IPv4 virtual addresses (a fwmark rule's). */
    public record AddressRange(IpAddress from, IpAddress to) {
        public AddressRange {
            if (!from.isV4() || !to.isV4() || Integer.compareUnsigned(from.v4(), to.v4()) > 0) {
                throw new IllegalArgumentException("not an IPv4 address range: " + from + "-" + to);
            }
        }
    }

    /** The program for these virtual addresses (IPv4 and IPv6), hashing client address and (IPv4) port. */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses) {
        return program(virtualAddresses, List.of(), -1, true, 128);
    }

    /**
     * The program for these virtual addresses, hashing the IPv4 client address masked with {@code clientMask}
     * (an IPv4 netmask as 32 bits), and its port when {@code withPort}; IPv6 clients by their whole address.
     */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses, int clientMask, boolean withPort) {
        return program(virtualAddresses, List.of(), clientMask, withPort, 128);
    }

    /** As above, a frame to an address in one of {@code ranges} (fwmark services) also coming from the client. */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses, Collection<AddressRange> ranges,
                                    int clientMask, boolean withPort) {
        return program(virtualAddresses, ranges, clientMask, withPort, 128);
    }

    /**
     * As above, an IPv6 client's address masked to its first {@code clientPrefix6} bits (the shortest
     * persistence prefix length of the IPv6 services; 128: the whole address).
     *
     * @throws IllegalArgumentException when the program would be longer than {@link #MAX_INSTRUCTIONS}
     */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses, Collection<AddressRange> ranges,
                                    int clientMask, boolean withPort, int clientPrefix6) {
        int[] vips = virtualAddresses.stream().filter(IpAddress::isV4).mapToInt(IpAddress::v4).distinct().toArray();
        List<IpAddress> vips6 = virtualAddresses.stream().filter(a -> !a.isV4()).distinct().toList();
        List<AddressRange> spans = ranges.stream().distinct().toList();
        if (clientPrefix6 < 0 || clientPrefix6 > 128) {
            throw new IllegalArgumentException("not an IPv6 prefix length: " + clientPrefix6);
        }
        int count = vips.length + vips6.size() + spans.size();
        if (count > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " virtual addresses fit a fanout program, got "
                    + count);
        }
        int length = length(vips.length, spans.size(), vips6.size());
        if (length > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("the fanout program for " + vips.length + " IPv4 and " + vips6.size()
                    + " IPv6 virtual addresses and " + spans.size() + " address ranges would take " + length
                    + " instructions, the kernel takes " + MAX_INSTRUCTIONS + " (about 1,000 IPv4 or 440 IPv6 "
                    + "virtual addresses)");
        }
        ClientFanout p = new ClientFanout();
        p.op(LD_W_ABS, SKF_AD_PROTOCOL).ifEqual(ETH_P_IP, "ipv4");
        if (!vips6.isEmpty()) {
            p.ifEqual(ETH_P_IPV6, "ipv6");
        }
        p.jump("first");
        p.label("ipv4").op(LD_B_ABS, NET + 9).ifEqual(1, "icmp");
        p.op(LD_W_ABS, NET + 16);
        for (int vip : vips) {
            p.ifEqual(vip, "from-client");
        }
        for (AddressRange r : spans) {
            p.ifWithin(r, "from-client");
        }
        // to the client: destination address and port
        p.op(LDX_B_MSH, NET).port(withPort, LD_H_IND, NET + 2).op(ST, 0).op(LD_W_ABS, NET + 16).jump("mix");
        p.label("from-client").op(LDX_B_MSH, NET).port(withPort, LD_H_IND, NET).op(ST, 0).op(LD_W_ABS, NET + 12)
                .jump("mix");
        p.label("icmp").op(LDX_B_MSH, NET).op(LD_W_IND, NET + 8 + 12);
        for (int vip : vips) {
            p.ifEqual(vip, "quoted-to-client");
        }
        for (AddressRange r : spans) {
            p.ifWithin(r, "quoted-to-client");
        }
        // the quoted packet came from the client: its source address and port
        p.port(withPort, LD_H_IND, NET + 8 + 20).op(ST, 0).op(LD_W_IND, NET + 8 + 12).jump("quoted");
        p.label("quoted-to-client").port(withPort, LD_H_IND, NET + 8 + 22).op(ST, 0).op(LD_W_IND, NET + 8 + 16);
        p.label("quoted").op(ALU_AND_K, clientMask).op(ST, 1).op(LDX_MEM, 0).op(LD_MEM, 1).op(ALU_XOR_X, 0)
                .jump("hash");
        if (!vips6.isEmpty()) {
            // (before the end: the kernel wants a program's last instruction to be a return)
            p.ipv6(vips6, clientPrefix6);
        }
        p.label("mix").op(ALU_AND_K, clientMask).op(LDX_MEM, 0).op(ALU_XOR_X, 0);
        p.label("hash").op(ALU_MUL_K, 0x9e3779b1).op(TAX, 0).op(ALU_RSH_K, 16).op(ALU_XOR_X, 0).op(RET_A, 0);
        p.label("first").op(RET_K, 0);
        BpfFilter f = BpfFilter.of(p.resolve());
        if (f.length() != length) {
            throw new IllegalStateException("fanout program of " + f.length() + " instructions, " + length
                    + " counted");
        }
        return f;
    }

    /**
     * The instructions of the program for this many IPv4 virtual addresses, address ranges and IPv6 virtual
     * addresses (at most {@link #MAX_INSTRUCTIONS} fit).
     */
    public static int length(int addresses, int ranges, int addresses6) {
        return 42 + 4 * addresses + 6 * ranges + (addresses6 == 0 ? 0 : 66 + 9 * addresses6);
    }

    /**
     * The IPv6 part: the address that tells the client (the destination, or an ICMPv6 error's quoted source)
     * is put in scratch memory and compared with each virtual address; one of them means the client is the
     * other address (the source, or the quoted destination), which replaces it; then the words are masked and
     * folded into the IPv4 part's hash.
     */
    private void ipv6(List<IpAddress> vips6, int prefix) {
        label("ipv6").op(LD_B_ABS, V6_NEXT).ifEqual(PROTO_ICMPV6, "icmp6");
        toScratch(V6_DST).op(LD_IMM, 0).op(ST, M_QUOTED).jump("vip6");
        // an error (types 1 to 4) by what it quotes; neighbour discovery, echo and the rest to the first member
        label("icmp6").op(LD_B_ABS, V6_ICMP_TYPE);
        code.add(new int[] {JEQ_K, 1, 0, 0});
        code.add(new int[] {JGT_K, 0, 1, 4});
        op(RET_K, 0);
        toScratch(V6_QUOTED + 8).op(LD_IMM, 1).op(ST, M_QUOTED);
        // A holds word 3 (the one that differs most) while the virtual addresses are tried; a partial match
        // reloads it before the next
        label("vip6").op(LD_MEM, 3);
        for (IpAddress vip : vips6) {
            int[] w = words(vip);
            code.add(new int[] {JEQ_K, 0, 8, w[3]});
            op(LD_MEM, 2);
            code.add(new int[] {JEQ_K, 0, 5, w[2]});
            op(LD_MEM, 1);
            code.add(new int[] {JEQ_K, 0, 3, w[1]});
            op(LD_MEM, 0);
            code.add(new int[] {JEQ_K, 0, 1, w[0]});
            jump("to-vip6");
            op(LD_MEM, 3);
        }
        // no virtual address: scratch holds the client (a reply's destination, a quoted packet's source)
        jump("client6");
        // a virtual address: the client is the source, or (quoted) the destination
        label("to-vip6").op(LD_MEM, M_QUOTED);
        code.add(new int[] {JEQ_K, 9, 0, 1});
        toScratch(V6_SRC).jump("client6");
        toScratch(V6_QUOTED + 24);
        label("client6");
        int[] mask = prefixMask(prefix);
        op(LD_MEM, 0).op(ALU_AND_K, mask[0]).op(TAX, 0);
        for (int i = 1; i < 4; i++) {
            op(LD_MEM, i).op(ALU_AND_K, mask[i]).op(ALU_XOR_X, 0);
            if (i < 3) {
                op(TAX, 0);
            }
        }
        jump("hash");
    }

    /** The four 32-bit words of the IPv6 address at {@code k} into scratch memory 0 to 3. */
    private ClientFanout toScratch(int k) {
        for (int i = 0; i < 4; i++) {
            op(LD_W_ABS, k + 4 * i).op(ST, i);
        }
        return this;
    }

    private static int[] words(IpAddress a) {
        return new int[] {(int) (a.hi() >>> 32), (int) a.hi(), (int) (a.lo() >>> 32), (int) a.lo()};
    }

    /** The netmask of an IPv6 prefix length as four 32-bit words. */
    static int[] prefixMask(int prefix) {
        int[] m = new int[4];
        for (int i = 0; i < 4; i++) {
            int bits = Math.clamp(prefix - 32L * i, 0, 32);
            m[i] = bits == 0 ? 0 : -1 << (32 - bits);
        }
        return m;
    }

    /** Loads the port ({@code opcode}, {@code k}), or 0 when the port is left out. */
    private ClientFanout port(boolean withPort, int opcode, int k) {
        return withPort ? op(opcode, k) : op(LD_IMM, 0);
    }

    private ClientFanout op(int opcode, int k) {
        code.add(new int[] {opcode, 0, 0, k});
        return this;
    }

    /** if (A == k) goto label: a JEQ that skips the JA after it when not equal (no 255-instruction limit). */
    private ClientFanout ifEqual(int k, String label) {
        code.add(new int[] {JEQ_K, 0, 1, k});
        return jump(label);
    }

    /** if (from <= A <= to), unsigned, goto label: A below skips 2, A above skips 1. */
    private ClientFanout ifWithin(AddressRange r, String label) {
        code.add(new int[] {JGE_K, 0, 2, r.from().v4()});
        code.add(new int[] {JGT_K, 1, 0, r.to().v4()});
        return jump(label);
    }

    private ClientFanout jump(String label) {
        jumps.put(code.size(), label);
        code.add(new int[] {JA, 0, 0, 0});
        return this;
    }

    private ClientFanout label(String name) {
        labels.put(name, code.size());
        return this;
    }

    private List<int[]> resolve() {
        jumps.forEach((at, label) -> code.get(at)[3] = labels.get(label) - at - 1);
        return code;
    }
}
