package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code lc} schedulers ({@link LeastConnectionScheduler}). */
public final class LeastConnectionSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "lc";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new LeastConnectionScheduler();
    }
}
