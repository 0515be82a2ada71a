package io.jlvs.health.bfd;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counts discarded control packets by reason; safe to read from any thread. */
public final class BfdDrops {
    private final AtomicLongArray counts = new AtomicLongArray(BfdDropReason.values().length);

    public void count(BfdDropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long get(BfdDropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    /** The non-zero counts. */
    public Map<BfdDropReason, Long> snapshot() {
        Map<BfdDropReason, Long> out = new EnumMap<>(BfdDropReason.class);
        for (BfdDropReason r : BfdDropReason.values()) {
            long v = get(r);
            if (v != 0) {
                out.put(r, v);
            }
        }
        return out;
    }
}
