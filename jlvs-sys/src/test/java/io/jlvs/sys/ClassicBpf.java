package io.jlvs.sys;

/**
 * A classic BPF interpreter for tests: checks a program as the kernel's {@code bpf_check_classic} does (length,
 * known opcodes, jumps forward and inside, a return last, scratch memory stored before it is loaded on every
 * path) and runs it over a packet as a fanout program sees it (data from the network header, the frame's
 * EtherType as {@code SKF_AD_PROTOCOL}). A load beyond the packet ends the program with 0, as in the kernel.
 */
final class ClassicBpf {
    private static final int SKF_AD_PROTOCOL = -0x1000;
    private static final int MEMWORDS = 16;

    private ClassicBpf() {
    }

    /** Throws AssertionError when the kernel would refuse {@code f}. */
    static void check(BpfFilter f) {
        int n = f.length();
        if (n == 0 || n > ClientFanout.MAX_INSTRUCTIONS) {
            throw new AssertionError("program of " + n + " instructions");
        }
        int last = f.code(n - 1);
        if (last != 0x06 && last != 0x16) {
            throw new AssertionError("last instruction is no return: " + Integer.toHexString(last));
        }
        // memory words valid at each instruction: the intersection over the paths reaching it
        int[] valid = new int[n];
        boolean[] reached = new boolean[n];
        reached[0] = true;
        valid[0] = 0;
        for (int pc = 0; pc < n; pc++) {
            int code = f.code(pc);
            int k = f.operand(pc);
            if (!reached[pc]) {
                continue; // dead code: the kernel does not mind
            }
            int v = valid[pc];
            switch (code) {
                case 0x60, 0x61 -> {
                    if (k < 0 || k >= MEMWORDS || (v & (1 << k)) == 0) {
                        throw new AssertionError("pc " + pc + " loads M[" + k + "] not stored on every path");
                    }
                }
                case 0x02, 0x03 -> {
                    if (k < 0 || k >= MEMWORDS) {
                        throw new AssertionError("pc " + pc + " stores M[" + k + "]");
                    }
                    v |= 1 << k;
                }
                default -> {
                }
            }
            switch (code) {
                case 0x06, 0x16 -> {
                }
                case 0x05 -> flow(pc, pc + 1 + k, v, n, valid, reached);
                case 0x15, 0x25, 0x35, 0x45 -> {
                    flow(pc, pc + 1 + f.jumpTrue(pc), v, n, valid, reached);
                    flow(pc, pc + 1 + f.jumpFalse(pc), v, n, valid, reached);
                }
                case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0xb1, 0x60, 0x61, 0x02, 0x03, 0x00, 0x01, 0x07, 0x87,
                     0x24, 0x54, 0x74, 0xac, 0x04, 0x0c, 0x44, 0x64, 0x84 -> flow(pc, pc + 1, v, n, valid, reached);
                default -> throw new AssertionError("pc " + pc + ": opcode " + Integer.toHexString(code));
            }
        }
    }

    private static void flow(int pc, int to, int v, int n, int[] valid, boolean[] reached) {
        if (to <= pc || to >= n) {
            throw new AssertionError("pc " + pc + " jumps to " + to + " of " + n);
        }
        valid[to] = reached[to] ? valid[to] & v : v;
        reached[to] = true;
    }

    /** What {@code f} returns for {@code packet} (network header first) of EtherType {@code protocol}. */
    static int run(BpfFilter f, int protocol, byte[] packet) {
        int a = 0;
        int x = 0;
        int[] mem = new int[MEMWORDS];
        int pc = 0;
        while (true) {
            int code = f.code(pc);
            int k = f.operand(pc);
            switch (code) {
                case 0x20 -> {
                    if (k == SKF_AD_PROTOCOL) {
                        a = protocol;
                    } else if (k < 0 || k + 4 > packet.length) {
                        return 0;
                    } else {
                        a = word(packet, k);
                    }
                }
                case 0x28 -> {
                    if (k < 0 || k + 2 > packet.length) {
                        return 0;
                    }
                    a = half(packet, k);
                }
                case 0x30 -> {
                    if (k < 0 || k >= packet.length) {
                        return 0;
                    }
                    a = packet[k] & 0xff;
                }
                case 0x40 -> {
                    if (x + k < 0 || x + k + 4 > packet.length) {
                        return 0;
                    }
                    a = word(packet, x + k);
                }
                case 0x48 -> {
                    if (x + k < 0 || x + k + 2 > packet.length) {
                        return 0;
                    }
                    a = half(packet, x + k);
                }
                case 0x50 -> {
                    if (x + k < 0 || x + k >= packet.length) {
                        return 0;
                    }
                    a = packet[x + k] & 0xff;
                }
                case 0xb1 -> {
                    if (k < 0 || k >= packet.length) {
                        return 0;
                    }
                    x = 4 * (packet[k] & 0x0f);
                }
                case 0x00 -> a = k;
                case 0x01 -> x = k;
                case 0x60 -> a = mem[k];
                case 0x61 -> x = mem[k];
                case 0x02 -> mem[k] = a;
                case 0x03 -> mem[k] = x;
                case 0x07 -> x = a;
                case 0x87 -> a = x;
                case 0x04 -> a += k;
                case 0x0c -> a += x;
                case 0x24 -> a *= k;
                case 0x44 -> a |= k;
                case 0x54 -> a &= k;
                case 0x64 -> a <<= k;
                case 0x74 -> a >>>= k;
                case 0x84 -> a = -a;
                case 0xac -> a ^= x;
                case 0x05 -> pc += k;
                case 0x15 -> pc += a == k ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x45 -> pc += (a & k) != 0 ? f.jumpTrue(pc) : f.jumpFalse(pc);
                case 0x06 -> {
                    return k;
                }
                case 0x16 -> {
                    return a;
                }
                default -> throw new AssertionError("unexpected opcode " + Integer.toHexString(code));
            }
            pc++;
        }
    }

    private static int word(byte[] p, int i) {
        return (p[i] & 0xff) << 24 | (p[i + 1] & 0xff) << 16 | (p[i + 2] & 0xff) << 8 | (p[i + 3] & 0xff);
    }

    private static int half(byte[] p, int i) {
        return (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
    }
}
