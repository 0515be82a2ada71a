package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/**
 * ovf: the available real server with the highest weight among those whose active connections do not exceed
 * their weight (the kernel skips a server once active &gt; weight); the first one wins ties. Counts only
 * active connections, so it suits TCP rather than UDP.
 */
public final class WeightedOverflowScheduler implements Scheduler {

    @Override
    public String name() {
        return "ovf";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int best = NO_DESTINATION;
        int hw = 0;
        for (int i = 0, n = dests.size(); i < n; i++) {
            int w = dests.weight(i);
            if (w <= 0 || dests.overloaded(i) || dests.activeConns(i) > w) {
                continue;
            }
            if (w > hw) {
                best = i;
                hw = w;
            }
        }
        return best;
    }
}
