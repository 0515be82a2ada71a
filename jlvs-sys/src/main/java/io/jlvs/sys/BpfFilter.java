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
 * space; ARP optionally too. With no address given, every IPv4 frame passes.
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
        private boolean arp;
        private boolean icmpErrors;

        private Builder() {
        }

        /** Passes IPv4 frames whose destination is {@code vip}. */
        public Builder destination(IpAddress vip) {
            destinations.add(v4(vip));
            return this;
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
            if (dst.length + src.length > MAX_ADDRESSES) {
                throw new IllegalArgumentException("at most " + MAX_ADDRESSES + " addresses fit one filter, got "
                        + (dst.length + src.length));
            }
            boolean anyIpv4 = dst.length + src.length == 0;
            // layout: [0] ldh type, [1] jeq IP, then the address tests, then
            // reject(ip), [arp test], accept, [reject(non-ip)]
            int addrInsns = anyIpv4 ? 1 : (dst.length > 0 ? 1 + dst.length : 0) + (src.length > 0 ? 1 + src.length : 0)
                    + (icmpErrors ? ICMP_INSNS : 0);
            int rejectIp = 2 + addrInsns;
            int arpTest = rejectIp + 1;
            int accept = arp ? arpTest + 1 : rejectIp + 1;
            int rejectNonIp = arp ? accept + 1 : rejectIp;
            int nonIpTarget = arp ? arpTest : rejectIp;

            List<int[]> p = new ArrayList<>();
            p.add(new int[] {LD_H_ABS, 0, 0, 12});
            p.add(new int[] {JMP_JEQ_K, 0, rel(1, nonIpTarget), Abi.ETH_P_IP});
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
                if (icmpErrors) {
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
