package io.jlvs.health;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** How late checks start compared with when they were due: a histogram in 1 ms buckets up to 10 s. */
public final class ScheduleLag {

    private static final int BUCKETS = 10_001;

    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong maxNanos = new AtomicLong();

    void record(long lagNanos) {
        long lag = Math.max(0, lagNanos);
        buckets.incrementAndGet((int) Math.min(BUCKETS - 1, lag / 1_000_000));
        count.incrementAndGet();
        maxNanos.accumulateAndGet(lag, Math::max);
    }

    public long count() {
        return count.get();
    }

    public double maxMillis() {
        return maxNanos.get() / 1e6;
    }

    /** The upper bound (ms) of the bucket holding this percentile (0..100), 0 when nothing was recorded. */
    public long percentileMillis(double percentile) {
        long total = count.get();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percentile / 100.0);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += buckets.get(i);
            if (seen >= rank) {
                return i + 1;
            }
        }
        return BUCKETS;
    }

    @Override
    public String toString() {
        return "checks=" + count() + " lag p50<=" + percentileMillis(50) + "ms p99<=" + percentileMillis(99)
                + "ms max=" + String.format(java.util.Locale.ROOT, "%.1f", maxMillis()) + "ms";
    }
}
