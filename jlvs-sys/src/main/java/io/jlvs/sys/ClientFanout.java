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
 * packet it quotes, the same way (a quoted packet from a virtual address went to the client). Non-IPv4
 * frames (ARP) go to the first member. With persistent services the port is left out and the address is
 * masked to their granularity, since a worker's persistence templates must see all of a client's (or its
 * network's) connections. At fanout time the kernel's data starts at the network header, so loads use
 * offsets from it (positive ones, which also read a frame's paged part); the quoted header is taken to
 * have no options. A fwmark service's virtual addresses are ranges (those of the rules that mark its
 * packets): a frame to an address in one is from the client too. At most {@link #MAX_ADDRESSES} virtual
 * addresses and ranges together (the kernel takes 4,096 instructions).
 */
public final class ClientFanout {
    private static final int SKF_AD_PROTOCOL = -0x1000;
    private static final int NET = 0;
    /** Virtual addresses one program can list: 40 + 4 per address instructions, within the kernel's 4,096. */
    public static final int MAX_ADDRESSES = 1000;
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

    /** The program for these virtual addresses (IPv4; others are ignored), hashing client address and port. */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses) {
        return program(virtualAddresses, List.of(), -1, true);
    }

    /**
     * The program for these virtual addresses, hashing the client address masked with {@code clientMask}
     * (an IPv4 netmask as 32 bits), and its port when {@code withPort}.
     */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses, int clientMask, boolean withPort) {
        return program(virtualAddresses, List.of(), clientMask, withPort);
    }

    /** As above, a frame to an address in one of {@code ranges} (fwmark services) also coming from the client. */
    public static BpfFilter program(Collection<IpAddress> virtualAddresses, Collection<AddressRange> ranges,
                                    int clientMask, boolean withPort) {
        int[] vips = virtualAddresses.stream().filter(IpAddress::isV4).mapToInt(IpAddress::v4).distinct().toArray();
        List<AddressRange> spans = ranges.stream().distinct().toList();
        if (vips.length + spans.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " virtual addresses fit a fanout program, got "
                    + (vips.length + spans.size()));
        }
        ClientFanout p = new ClientFanout();
        p.op(LD_W_ABS, SKF_AD_PROTOCOL).ifEqual(0x0800, "ipv4").jump("first");
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
        p.label("mix").op(ALU_AND_K, clientMask).op(LDX_MEM, 0).op(ALU_XOR_X, 0);
        p.label("hash").op(ALU_MUL_K, 0x9e3779b1).op(TAX, 0).op(ALU_RSH_K, 16).op(ALU_XOR_X, 0).op(RET_A, 0);
        p.label("first").op(RET_K, 0);
        return BpfFilter.of(p.resolve());
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
