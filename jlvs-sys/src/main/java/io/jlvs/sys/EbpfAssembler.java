package io.jlvs.sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * Assembles eBPF instructions (8 bytes each: opcode, dst/src register nibbles, 16-bit offset, 32-bit
 * immediate, little-endian as the kernel reads them on x86-64 and aarch64) with named forward jump labels.
 * Only the instructions the XDP programs here need.
 */
final class EbpfAssembler {
    static final int R0 = 0;
    static final int R1 = 1;
    static final int R2 = 2;
    static final int R3 = 3;
    static final int R4 = 4;
    static final int R5 = 5;
    static final int R6 = 6;
    static final int R7 = 7;
    static final int R8 = 8;
    static final int R9 = 9;
    static final int R10 = 10;

    /** Load sizes (BPF_W, BPF_H, BPF_B). */
    static final int W = 0x00;
    static final int H = 0x08;
    static final int B = 0x10;
    static final int DW = 0x18;

    private static final int LDX_MEM = 0x01 | 0x60;
    private static final int STX_MEM = 0x03 | 0x60;
    private static final int ALU64 = 0x07;
    private static final int JMP = 0x05;
    private static final int K = 0x00;
    private static final int X = 0x08;
    private static final int ADD = 0x00;
    private static final int SUB = 0x10;
    private static final int LSH = 0x60;
    private static final int RSH = 0x70;
    private static final int XOR = 0xa0;
    private static final int ATOMIC = 0xc0;
    private static final int AND = 0x50;
    private static final int MOV = 0xb0;
    private static final int JEQ = 0x10;
    private static final int JGT = 0x20;
    private static final int JNE = 0x50;
    private static final int JLT = 0xa0;
    private static final int CALL = 0x80;
    private static final int EXIT = 0x90;
    private static final int BPF_PSEUDO_MAP_FD = 1;

    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final Map<String, Integer> labels = new HashMap<>();
    private final Map<Integer, String> fixups = new HashMap<>();
    private int count;

    private EbpfAssembler emit(int opcode, int dst, int src, int off, int imm) {
        code.write(opcode);
        code.write((src & 0xf) << 4 | (dst & 0xf));
        code.write(off & 0xff);
        code.write((off >>> 8) & 0xff);
        for (int i = 0; i < 4; i++) {
            code.write((imm >>> (8 * i)) & 0xff);
        }
        count++;
        return this;
    }

    EbpfAssembler movReg(int dst, int src) {
        return emit(ALU64 | MOV | X, dst, src, 0, 0);
    }

    EbpfAssembler movImm(int dst, int imm) {
        return emit(ALU64 | MOV | K, dst, 0, 0, imm);
    }

    EbpfAssembler addImm(int dst, int imm) {
        return emit(ALU64 | ADD | K, dst, 0, 0, imm);
    }

    EbpfAssembler andImm(int dst, int imm) {
        return emit(ALU64 | AND | K, dst, 0, 0, imm);
    }

    EbpfAssembler xorImm(int dst, int imm) {
        return emit(ALU64 | XOR | K, dst, 0, 0, imm);
    }

    /** dst <<= imm. */
    EbpfAssembler lshImm(int dst, int imm) {
        return emit(ALU64 | LSH | K, dst, 0, 0, imm);
    }

    /** dst >>= imm (logical). */
    EbpfAssembler rshImm(int dst, int imm) {
        return emit(ALU64 | RSH | K, dst, 0, 0, imm);
    }

    EbpfAssembler addReg(int dst, int src) {
        return emit(ALU64 | ADD | X, dst, src, 0, 0);
    }

    EbpfAssembler subReg(int dst, int src) {
        return emit(ALU64 | SUB | X, dst, src, 0, 0);
    }

    /** dst = the low {@code bits} (16, 32, 64) of dst in big-endian order (byte swap on this host). */
    EbpfAssembler toBigEndian(int dst, int bits) {
        return emit(0x04 | 0xd0 | 0x08, dst, 0, 0, bits);
    }

    /** *(u64 *)(dst + off) += src, atomically (BPF_ATOMIC | BPF_ADD). */
    EbpfAssembler atomicAdd64(int dst, int off, int src) {
        return emit(0x03 | DW | ATOMIC, dst, src, off, ADD);
    }

    /** dst = *(size *)(src + off). */
    EbpfAssembler load(int size, int dst, int src, int off) {
        return emit(LDX_MEM | size, dst, src, off, 0);
    }

    /** *(size *)(dst + off) = src. */
    EbpfAssembler store(int size, int dst, int off, int src) {
        return emit(STX_MEM | size, dst, src, off, 0);
    }

    /** dst = the map behind descriptor {@code fd} (a two-slot ld_imm64 the verifier turns into a map pointer). */
    EbpfAssembler loadMap(int dst, int fd) {
        emit(0x18, dst, BPF_PSEUDO_MAP_FD, 0, fd);
        return emit(0, 0, 0, 0, 0);
    }

    EbpfAssembler jumpIfGreater(int dst, int src, String label) {
        return jump(JMP | JGT | X, dst, src, 0, label);
    }

    EbpfAssembler jumpIfEqual(int dst, int imm, String label) {
        return jump(JMP | JEQ | K, dst, 0, imm, label);
    }

    EbpfAssembler jumpIfNotEqual(int dst, int imm, String label) {
        return jump(JMP | JNE | K, dst, 0, imm, label);
    }

    /** Unsigned {@code dst < imm}. */
    EbpfAssembler jumpIfLess(int dst, int imm, String label) {
        return jump(JMP | JLT | K, dst, 0, imm, label);
    }

    EbpfAssembler jump(String label) {
        return jump(JMP, 0, 0, 0, label);
    }

    private EbpfAssembler jump(int opcode, int dst, int src, int imm, String label) {
        fixups.put(count, label);
        return emit(opcode, dst, src, 0, imm);
    }

    EbpfAssembler call(int helper) {
        return emit(JMP | CALL, 0, 0, 0, helper);
    }

    EbpfAssembler exit() {
        return emit(JMP | EXIT, 0, 0, 0, 0);
    }

    /** Names the next instruction. */
    EbpfAssembler label(String name) {
        if (labels.putIfAbsent(name, count) != null) {
            throw new IllegalStateException("label " + name + " defined twice");
        }
        return this;
    }

    int instructionCount() {
        return count;
    }

    /** The instructions with every jump resolved, in {@code arena}. */
    MemorySegment assemble(Arena arena) {
        byte[] bytes = code.toByteArray();
        for (Map.Entry<Integer, String> f : fixups.entrySet()) {
            Integer target = labels.get(f.getValue());
            if (target == null) {
                throw new IllegalStateException("jump to undefined label " + f.getValue());
            }
            int off = target - f.getKey() - 1;
            bytes[f.getKey() * 8 + 2] = (byte) off;
            bytes[f.getKey() * 8 + 3] = (byte) (off >>> 8);
        }
        MemorySegment seg = arena.allocate(bytes.length, 8);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return seg;
    }
}
