package io.jlvs.engine;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Test scheduler: the first available server; registered under the names the tests use. */
final class FirstAvailableScheduler implements Scheduler {
    private final String name;
    int updates;

    FirstAvailableScheduler(String name) {
        this.name = name;
    }

    static SchedulerFactory factory(String name) {
        return new SchedulerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Scheduler create(SchedulerOptions options) {
                return new FirstAvailableScheduler(name);
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void update(Destinations dests) {
        updates++;
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        for (int i = 0; i < dests.size(); i++) {
            if (dests.available(i)) {
                return i;
            }
        }
        return NO_DESTINATION;
    }
}
