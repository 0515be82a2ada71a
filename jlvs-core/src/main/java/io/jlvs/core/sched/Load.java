package io.jlvs.core.sched;

/**
 * Compares real servers' load per weight ({@code overhead / weight}) without dividing, as the kernel's
 * schedulers do, by cross-multiplying. Overheads ({@link Destinations#overhead}: active * 256 + inactive) reach
 * 2^40 and weights 2^31 - 1, so a product can pass 2^63: the comparison is exact over the whole range rather
 * than wrapping (the kernel's {@code (__u64)loh * weight} wraps past 2^64).
 */
public final class Load {
    private Load() {
    }

    /**
     * True when {@code ohA / wA > ohB / wB}, that is {@code ohA * wB > ohB * wA}, exactly. Overheads and
     * weights must not be negative.
     */
    public static boolean heavier(long ohA, int wA, long ohB, int wB) {
        if (((ohA | ohB) >>> 32) == 0) {
            // both products are below 2^32 * 2^31 = 2^63
            return ohA * wB > ohB * wA;
        }
        long hiA = Math.multiplyHigh(ohA, wB);
        long hiB = Math.multiplyHigh(ohB, wA);
        if (hiA != hiB) {
            return hiA > hiB;
        }
        return Long.compareUnsigned(ohA * wB, ohB * wA) > 0;
    }
}
