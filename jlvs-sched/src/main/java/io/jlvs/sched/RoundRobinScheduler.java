package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/** rr: the next available real server after the one chosen last, wrapping around. */
public final class RoundRobinScheduler implements Scheduler {
    /** Owner: the caller serializing select/update. Index chosen last, -1 before the first pick. */
    private int last = -1;

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public void update(Destinations dests) {
        if (last >= dests.size()) {
            last = -1;
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int n = dests.size();
        int i = last;
        for (int step = 0; step < n; step++) {
            i = i + 1 >= n ? 0 : i + 1;
            if (dests.available(i)) {
                last = i;
                return i;
            }
        }
        return NO_DESTINATION;
    }
}
