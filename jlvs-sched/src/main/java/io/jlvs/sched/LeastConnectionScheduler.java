package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/** lc: the available real server with the least overhead (active*256 + inactive); the first one wins ties. */
public final class LeastConnectionScheduler implements Scheduler {

    @Override
    public String name() {
        return "lc";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int least = NO_DESTINATION;
        long loh = 0;
        for (int i = 0, n = dests.size(); i < n; i++) {
            if (!dests.available(i)) {
                continue;
            }
            long doh = dests.overhead(i);
            if (least < 0 || doh < loh) {
                least = i;
                loh = doh;
            }
        }
        return least;
    }
}
