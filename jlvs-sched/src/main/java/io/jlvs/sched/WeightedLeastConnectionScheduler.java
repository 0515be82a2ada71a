package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
import io.jlvs.core.sched.Scheduler;

/**
 * wlc (ipvsadm's default): the available real server with the least overhead/weight, compared as the kernel
 * does by cross-multiplication ({@code loh*dw > doh*lw}, exactly: {@link Load}); the first one wins ties.
 */
public final class WeightedLeastConnectionScheduler implements Scheduler {

    @Override
    public String name() {
        return "wlc";
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        return leastWeightedOverhead(dests);
    }

    /** The weighted-least-connection pick over all servers; shared with lblc and lblcr. */
    static int leastWeightedOverhead(Destinations dests) {
        int least = NO_DESTINATION;
        long loh = 0;
        int lw = 0;
        for (int i = 0, n = dests.size(); i < n; i++) {
            int w = dests.weight(i);
            if (w <= 0 || dests.overloaded(i)) {
                continue;
            }
            long doh = dests.overhead(i);
            if (least < 0 || Load.heavier(loh, lw, doh, w)) {
                least = i;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }
}
