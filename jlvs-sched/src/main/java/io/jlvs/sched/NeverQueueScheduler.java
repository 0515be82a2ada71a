package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
import io.jlvs.core.sched.Scheduler;

/** nq: the first available real server with no active connection; when none is idle, as sed. */
public final class NeverQueueScheduler implements Scheduler {

    @Override
    public String name() {
        return "nq";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int least = NO_DESTINATION;
        long loh = 0;
        int lw = 0;
        for (int i = 0, n = dests.size(); i < n; i++) {
            int w = dests.weight(i);
            if (w <= 0 || dests.overloaded(i)) {
                continue;
            }
            int active = dests.activeConns(i);
            if (active == 0) {
                return i;
            }
            long doh = active + 1L;
            if (least < 0 || Load.heavier(loh, lw, doh, w)) {
                least = i;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }
}
