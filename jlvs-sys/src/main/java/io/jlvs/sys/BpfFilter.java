package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A classic BPF program for an AF_PACKET socket (SO_ATTACH_FILTER), so the kernel drops what the data plane
 * would drop anyway: only IPv4 frames for a virtual address, or from a real server (NAT replies), reach user
 * space; IPv6 frames whose destination (source) ends as an IPv6 virtual address (MASQ real server) does; ARP
 * optionally too. With no address given, every IPv4 frame passes.
 */
public final class BpfFilter {
    static final int LD_W_ABS = 0x20;
    static final int LD_H_ABS = 0x28;
    static final int LD_B_ABS = 0x30;
    static final int LD_B_IND = 0x50;
    static final int LDX_B_MSH = 0xb1;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JA = 0x05;
    static final int RET_K = 0x06;
    /** Bytes kept of an accepted frame (as tcpdump asks: all of it). */
    static final int SNAP = 0x40000;
    private static final int MAX_ADDRESSES = 250;
    /** With IPv6 addresses the IPv6 tests jump over the IPv4 ones: fewer fit within a jump's 255 instructions. */
    private static final int MAX_ADDRESSES_WITH_IPV6 = 230;
    static final int ETH_P_IPV6 = 0x86dd;
    /** Instructions of the ICMP-error test. */
    private static final int ICMP_INSNS = 8;

    private final short[] code;
    private final byte[] jt;
    private final byte[] jf;
    private final int[] k;

    private BpfFilter(List<int[]> insns) {
        int n = insns.size();
        code = new short[n];
        jt = new byte[n];
        jf = new byte[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            int[] in = insns.get(i);
            code[i] = (short) in[0];
            jt[i] = (byte) in[1];
            jf[i] = (byte) in[2];
            k[i] = in[3];
        }
    }

    /** A program from raw instructions {code, jt, jf, k} (for {@link ClientFanout}). */
    static BpfFilter of(List<int[]> insns) {
        return new BpfFilter(insns);
    }

    /** Programs are equal when their instructions are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BpfFilter f && Arrays.equals(code, f.code) && Arrays.equals(jt, f.jt)
                && Arrays.equals(jf, f.jf) && Arrays.equals(k, f.k);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(k) * 31 + Arrays.hashCode(code);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of instructions. */
    public int length() {
        return code.length;
    }

    public int code(int i) {
        return code[i] & 0xffff;
    }

    public int jumpTrue(int i) {
        return jt[i] & 0xff;
    }

    public int jumpFalse(int i) {
        return jf[i] & 0xff;
    }

    public int operand(int i) {
        return k[i];
    }

    /** A {@code struct sock_fprog} (and the {@code sock_filter} array it points to) in {@code arena}. */
    public MemorySegment toSockFprog(Arena arena) {
        MemorySegment insns = arena.allocate(8L * code.length, 8);
        for (int i = 0; i < code.length; i++) {
            long o = 8L * i;
            insns.set(ValueLayout.JAVA_SHORT, o, code[i]);
            insns.set(ValueLayout.JAVA_BYTE, o + 2, jt[i]);
            insns.set(ValueLayout.JAVA_BYTE, o + 3, jf[i]);
            insns.set(ValueLayout.JAVA_INT, o + 4, k[i]);
        }
        MemorySegment prog = arena.allocate(16, 8);
        prog.set(ValueLayout.JAVA_SHORT, 0, (short) code.length);
        prog.set(ValueLayout.ADDRESS, 8, insns);
        return prog;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.length; i++) {
            sb.append(String.format("{ 0x%02x, %d, %d, 0x%08x },%n", code(i), jumpTrue(i), jumpFalse(i), k[i]));
        }
        return sb.toString();
    }

    /** Collects the addresses; {@link #build()} compiles them into one program. */
    public static final class Builder {
        private final List<Integer> destinations = new ArrayList<>();
        private final List<Integer> sources = new ArrayList<>();
        /** The low 32 bits of IPv6 virtual addresses and MASQ real servers (a cheap first cut: the data plane checks the rest). */
        private final List<Integer> destinations6 = new ArrayList<>();
        private final List<Integer> sources6 = new ArrayList<>();
        private boolean arp;
        private boolean icmpErrors;

        private Builder() {
        }

        /** Passes IPv4 frames whose destination is {@code vip}. */
        public Builder destination(IpAddress vip) {
            destinations.add(v4(vip));
            return this;
        }

        /**
         * Passes IPv6 frames whose destination ends in the last 32 bits of {@code vip} (frames to other addresses
         * with the same ending pass too; the data plane leaves them to the kernel).
         */
        public Builder destination6(IpAddress vip) {
            destinations6.add(low32(vip));
            return this;
        }

        /** Passes IPv6 frames whose source ends in the last 32 bits of {@code realServer} (NAT replies). */
        public Builder source6(IpAddress realServer) {
            sources6.add(low32(realServer));
            return this;
        }

        private static int low32(IpAddress a) {
            if (a.isV4()) {
                throw new IllegalArgumentException("an IPv6 address expected: " + a);
            }
            return (int) a.lo();
        }

        /** Passes IPv4 frames whose source is {@code realServer} (replies in NAT). */
        public Builder source(IpAddress realServer) {
            sources.add(v4(realServer));
            return this;
        }

        /**
         * Also passes ICMP errors (destination unreachable, source quench, time exceeded, parameter problem)
         * from anyone: a router between the director and a NAT real server reports about a packet whose
         * source is the client, and only the data plane can translate that for the client.
         */
        public Builder icmpErrors() {
            this.icmpErrors = true;
            return this;
        }

        /** Also passes every ARP frame. */
        public Builder arp() {
            this.arp = true;
            return this;
        }

        private static int v4(IpAddress a) {
            if (!a.isV4()) {
                throw new IllegalArgumentException("the packet filter matches IPv4 addresses only: " + a);
            }
            return a.v4();
        }

        public BpfFilter build() {
            int[] dst = destinations.stream().distinct().mapToInt(Integer::intValue).toArray();
            int[] src = sources.stream().distinct().mapToInt(Integer::intValue).toArray();
            int[] dst6 = destinations6.stream().distinct().mapToInt(Integer::intValue).toArray();
            int[] src6 = sources6.stream().distinct().mapToInt(Integer::intValue).toArray();
            int v6 = dst6.length + src6.length;
            if (dst.length + src.length + v6 > (v6 > 0 ? MAX_ADDRESSES_WITH_IPV6 : MAX_ADDRESSES)) {
                throw new IllegalArgumentException("at most " + (v6 > 0 ? MAX_ADDRESSES_WITH_IPV6 : MAX_ADDRESSES)
                        + " addresses fit one filter, got " + (dst.length + src.length + v6));
            }
            boolean anyIpv4 = dst.length + src.length + v6 == 0;
            boolean v4Tests = dst.length + src.length > 0;
            // layout: [0] ldh type, [ipv6 block: jeq IPv6 (else skip the block), address tests, reject],
            // jeq IP, the address tests, then reject(ip), [arp test], accept, [reject(non-ip)]
            int v6Insns = v6 == 0 ? 0 : 1 + (dst6.length > 0 ? 1 + dst6.length : 0)
                    + (src6.length > 0 ? 1 + src6.length : 0) + 1;
            int ipTest = 1 + v6Insns;
            int addrInsns = anyIpv4 ? 1 : (dst.length > 0 ? 1 + dst.length : 0) + (src.length > 0 ? 1 + src.length : 0)
                    + (icmpErrors && v4Tests ? ICMP_INSNS : 0);
            int rejectIp = ipTest + 1 + addrInsns;
            int arpTest = rejectIp + 1;
            int accept = arp ? arpTest + 1 : rejectIp + 1;
            int rejectNonIp = arp ? accept + 1 : rejectIp;
            int nonIpTarget = arp ? arpTest : rejectIp;

            List<int[]> p = new ArrayList<>();
            p.add(new int[] {LD_H_ABS, 0, 0, 12});
            if (v6 > 0) {
                p.add(new int[] {JMP_JEQ_K, 0, rel(p.size(), ipTest), ETH_P_IPV6});
                if (dst6.length > 0) {
                    // the last word of the destination address: 14 + 24 + 12
                    p.add(new int[] {LD_W_ABS, 0, 0, 50});
                    for (int a : dst6) {
                        p.add(new int[] {JMP_JEQ_K, rel(p.size(), accept), 0, a});
                    }
                }
                if (src6.length > 0) {
                    // the last word of the source address: 14 + 8 + 12
                    p.add(new int[] {LD_W_ABS, 0, 0, 34});
                    for (int a : src6) {
                        p.add(new int[] {JMP_JEQ_K, rel(p.size(), accept), 0, a});
                    }
                }
                p.add(new int[] {RET_K, 0, 0, 0});
            }
            p.add(new int[] {JMP_JEQ_K, 0, rel(p.size(), nonIpTarget), Abi.ETH_P_IP});
            if (anyIpv4) {
                p.add(new int[] {JMP_JA, 0, 0, rel(p.size(), accept)});
            } else {
                if (dst.length > 0) {
                    p.add(new int[] {LD_W_ABS, 0, 0, 30});
                    for (int a : dst) {
                        p.add(new int[] {JMP_JEQ_K, rel(p.size(), accept), 0, a});
                    }
                }
                if (src.length > 0) {
                    p.add(new int[] {LD_W_ABS, 0, 0, 26});
                    for (int a : src) {
                        p.add(new int[] {JMP_JEQ_K, rel(p.size(), accept), 0, a});
                    }
                }
                if (icmpErrors && v4Tests) {
                    // protocol ICMP, then its type at 14 + 4 * IHL
                    p.add(new int[] {LD_B_ABS, 0, 0, 23});
                    p.add(new int[] {JMP_JEQ_K, 0, rel(p.size(), rejectIp), 1});
                    p.add(new int[] {LDX_B_MSH, 0, 0, 14});
                    p.add(new int[] {LD_B_IND, 0, 0, 14});
                    for (int type : new int[] {3, 4, 11, 12}) {
                        p.add(new int[] {JMP_JEQ_K, rel(p.size(), accept), 0, type});
                    }
                }
            }
            p.add(new int[] {RET_K, 0, 0, 0});
            if (arp) {
                p.add(new int[] {JMP_JEQ_K, 0, rel(p.size(), rejectNonIp), Abi.ETH_P_ARP});
            }
            p.add(new int[] {RET_K, 0, 0, SNAP});
            if (arp) {
                p.add(new int[] {RET_K, 0, 0, 0});
            }
            if (p.size() != (arp ? rejectNonIp + 1 : accept + 1)) {
                throw new IllegalStateException("filter layout mismatch: " + Arrays.toString(p.toArray()));
            }
            return new BpfFilter(p);
        }

        private static int rel(int pc, int target) {
            int off = target - pc - 1;
            if (off < 0 || off > 255) {
                throw new IllegalStateException("jump out of range: " + pc + " -> " + target);
            }
            return off;
        }
    }
}
