package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
import io.jlvs.core.sched.Scheduler;

/**
 * twos: power of two choices. Draws two available real servers at random, each with probability
 * proportional to its weight, and takes the second only if its overhead/weight is strictly lower than the
 * first's. The random source is a splitmix64 sequence seeded from {@link io.jlvs.core.sched.SchedulerOptions#seed()}.
 */
public final class TwoChoicesScheduler implements Scheduler {
    /** Owner: the caller serializing select/update. splitmix64 state. */
    private long state;

    public TwoChoicesScheduler(long seed) {
        this.state = seed;
    }

    @Override
    public String name() {
        return "twos";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int n = dests.size();
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (dests.available(i)) {
                total += dests.weight(i);
            }
        }
        if (total == 0) {
            return NO_DESTINATION;
        }
        long r1 = Math.unsignedMultiplyHigh(nextLong(), total);
        long r2 = Math.unsignedMultiplyHigh(nextLong(), total);
        int choice1 = NO_DESTINATION;
        int choice2 = NO_DESTINATION;
        long seen = 0;
        for (int i = 0; i < n && (choice1 < 0 || choice2 < 0); i++) {
            if (!dests.available(i)) {
                continue;
            }
            seen += dests.weight(i);
            if (choice1 < 0 && r1 < seen) {
                choice1 = i;
            }
            if (choice2 < 0 && r2 < seen) {
                choice2 = i;
            }
        }
        if (choice1 < 0 || choice2 < 0) {
            // a server became overloaded between the two passes
            return choice1 >= 0 ? choice1 : choice2;
        }
        long oh1 = dests.overhead(choice1);
        long oh2 = dests.overhead(choice2);
        if (Load.heavier(oh1, dests.weight(choice1), oh2, dests.weight(choice2))) {
            return choice2;
        }
        return choice1;
    }

    private long nextLong() {
        long z = (state += 0x9e3779b97f4a7c15L);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
