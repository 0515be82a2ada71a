package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The eBPF encoding as the kernel reads it: opcode, dst/src nibbles, little-endian offset and immediate. */
class EbpfAssemblerTest {

    private static long slot(MemorySegment code, int i) {
        return code.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 8L * i);
    }

    @Test
    void encodesRegistersOffsetsAndImmediatesAsTheKernelReadsThem() {
        EbpfAssembler a = new EbpfAssembler()
                .load(EbpfAssembler.W, EbpfAssembler.R2, EbpfAssembler.R1, 4)
                .store(EbpfAssembler.W, EbpfAssembler.R10, -4, EbpfAssembler.R4)
                .movImm(EbpfAssembler.R0, 2)
                .exit();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = a.assemble(arena);
            assertThat(code.byteSize()).isEqualTo(32);
            assertThat(slot(code, 0)).isEqualTo(0x6112_0400_0000_0000L); // r2 = *(u32 *)(r1 + 4)
            assertThat(slot(code, 1)).isEqualTo(0x634a_fcff_0000_0000L); // *(u32 *)(r10 - 4) = r4
            assertThat(slot(code, 2)).isEqualTo(0xb700_0000_0200_0000L); // r0 = 2
            assertThat(slot(code, 3)).isEqualTo(0x9500_0000_0000_0000L); // exit
        }
    }

    @Test
    void aForwardJumpCountsTheSlotsOfAMapLoadItSkips() {
        EbpfAssembler a = new EbpfAssembler()
                .jumpIfEqual(EbpfAssembler.R0, 0, "out")
                .loadMap(EbpfAssembler.R1, 7)
                .label("out")
                .exit();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = a.assemble(arena);
            assertThat(a.instructionCount()).isEqualTo(4);
            assertThat(slot(code, 0)).isEqualTo(0x1500_0200_0000_0000L); // if r0 == 0 goto +2
            assertThat(slot(code, 1)).isEqualTo(0x1811_0000_0700_0000L); // r1 = map fd 7 (BPF_PSEUDO_MAP_FD)
            assertThat(slot(code, 2)).isZero();
        }
    }

    @Test
    void theFastPathsArithmeticAndAtomicAddEncodeAsTheKernelReadsThem() {
        EbpfAssembler a = new EbpfAssembler()
                .xorImm(EbpfAssembler.R4, 0xffff)
                .rshImm(EbpfAssembler.R8, 16)
                .addReg(EbpfAssembler.R4, EbpfAssembler.R5)
                .subReg(EbpfAssembler.R4, EbpfAssembler.R2)
                .atomicAdd64(EbpfAssembler.R7, 32, EbpfAssembler.R4)
                .jumpIfLess(EbpfAssembler.R4, 2, "out")
                .jump("out")
                .label("out")
                .toBigEndian(EbpfAssembler.R9, 16)
                .exit();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = a.assemble(arena);
            assertThat(slot(code, 0)).isEqualTo(0xa704_0000_ffff_0000L); // r4 ^= 0xffff
            assertThat(slot(code, 1)).isEqualTo(0x7708_0000_1000_0000L); // r8 >>= 16
            assertThat(slot(code, 2)).isEqualTo(0x0f54_0000_0000_0000L); // r4 += r5
            assertThat(slot(code, 3)).isEqualTo(0x1f24_0000_0000_0000L); // r4 -= r2
            assertThat(slot(code, 4)).isEqualTo(0xdb47_2000_0000_0000L); // lock *(u64 *)(r7 + 32) += r4
            assertThat(slot(code, 5)).isEqualTo(0xa504_0100_0200_0000L); // if r4 < 2 goto +1
            assertThat(slot(code, 6)).isEqualTo(0x0500_0000_0000_0000L); // goto +0
            assertThat(slot(code, 7)).isEqualTo(0xdc09_0000_1000_0000L); // r9 = be16 r9
        }
    }

    @Test
    void aJumpToAnUndefinedLabelIsRefused() {
        EbpfAssembler a = new EbpfAssembler().jumpIfEqual(EbpfAssembler.R0, 0, "nowhere").exit();
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> a.assemble(arena)).hasMessageContaining("nowhere");
        }
    }
}
