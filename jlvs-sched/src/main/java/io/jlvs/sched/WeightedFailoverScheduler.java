package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/** fo: the available real server with the highest weight; the first one wins ties. */
public final class WeightedFailoverScheduler implements Scheduler {

    @Override
    public String name() {
        return "fo";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int best = NO_DESTINATION;
        int hw = 0;
        for (int i = 0, n = dests.size(); i < n; i++) {
            int w = dests.weight(i);
            if (w > hw && !dests.overloaded(i)) {
                best = i;
                hw = w;
            }
        }
        return best;
    }
}
