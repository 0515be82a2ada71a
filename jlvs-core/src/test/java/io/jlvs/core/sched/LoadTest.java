package io.jlvs.core.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoadTest {
    private static final long MAX_OVERHEAD = ((long) Integer.MAX_VALUE << 8) + Integer.MAX_VALUE;

    private static boolean exact(long ohA, int wA, long ohB, int wB) {
        return BigInteger.valueOf(ohA).multiply(BigInteger.valueOf(wB))
                .compareTo(BigInteger.valueOf(ohB).multiply(BigInteger.valueOf(wA))) > 0;
    }

    @Test
    void equalWeightsOfIntMaxCompareTheOverheadsWhereA64BitProductWouldWrap() {
        int w = Integer.MAX_VALUE;
        long a = 1L << 32;            // 16,777,216 active connections: a * w just below 2^63
        long b = (1L << 32) + 256;    // one more active connection: b * w just above 2^63
        assertThat(a * w).isPositive();
        assertThat(b * w).isNegative(); // what a plain signed multiplication gives
        assertThat(Load.heavier(b, w, a, w)).isTrue();
        assertThat(Load.heavier(a, w, b, w)).isFalse();
    }

    @Test
    void tiesAreNotHeavier() {
        assertThat(Load.heavier(MAX_OVERHEAD, Integer.MAX_VALUE, MAX_OVERHEAD, Integer.MAX_VALUE)).isFalse();
        assertThat(Load.heavier(512, 2, 256, 1)).isFalse();
        assertThat(Load.heavier(0, 0, 0, 0)).isFalse();
    }

    @Test
    void agreesWithArbitraryPrecisionOverTheWholeRange() {
        SplittableRandom rnd = new SplittableRandom(99);
        for (int i = 0; i < 200_000; i++) {
            long ohA = pick(rnd);
            long ohB = rnd.nextInt(4) == 0 ? ohA + rnd.nextInt(-3, 4) : pick(rnd);
            ohB = Math.clamp(ohB, 0, MAX_OVERHEAD);
            int wA = weight(rnd);
            int wB = rnd.nextInt(4) == 0 ? wA : weight(rnd);
            assertThat(Load.heavier(ohA, wA, ohB, wB)).as("%d/%d vs %d/%d", ohA, wA, ohB, wB)
                    .isEqualTo(exact(ohA, wA, ohB, wB));
        }
    }

    private static long pick(SplittableRandom rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextLong(0, 1L << 20);
            case 1 -> rnd.nextLong((1L << 31), (1L << 33));
            default -> rnd.nextLong(0, MAX_OVERHEAD + 1);
        };
    }

    private static int weight(SplittableRandom rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> rnd.nextInt(0, 65536);
            case 1 -> Integer.MAX_VALUE - rnd.nextInt(1000);
            default -> rnd.nextInt(0, Integer.MAX_VALUE) + 1;
        };
    }
}
