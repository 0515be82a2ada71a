package io.jlvs.core.sched;

import io.jlvs.core.SchedFlag;
import java.util.Set;

/**
 * What a scheduler is created with.
 *
 * @param flags       the service's -b flags
 * @param mhTableSize mh lookup table size, a prime (kernel default 4093)
 * @param seed        for the randomized schedulers (twos); fixed in tests
 */
public record SchedulerOptions(Set<SchedFlag> flags, int mhTableSize, long seed) {
    public static final int DEFAULT_MH_TABLE_SIZE = 4093;

    public SchedulerOptions {
        flags = flags == null ? Set.of() : Set.copyOf(flags);
        if (mhTableSize <= 0) {
            mhTableSize = DEFAULT_MH_TABLE_SIZE;
        }
    }

    public static SchedulerOptions defaults() {
        return new SchedulerOptions(Set.of(), DEFAULT_MH_TABLE_SIZE, 0x4a4c5653L);
    }

    public boolean has(SchedFlag flag) {
        return flags.contains(flag);
    }
}
