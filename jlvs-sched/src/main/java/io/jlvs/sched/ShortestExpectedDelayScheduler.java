package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
import io.jlvs.core.sched.Scheduler;

/** sed: the available real server with the least (active+1)/weight, by cross-multiplication; first wins ties. */
public final class ShortestExpectedDelayScheduler implements Scheduler {

    @Override
    public String name() {
        return "sed";
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
            long doh = dests.activeConns(i) + 1L;
            if (least < 0 || Load.heavier(loh, lw, doh, w)) {
                least = i;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }
}
