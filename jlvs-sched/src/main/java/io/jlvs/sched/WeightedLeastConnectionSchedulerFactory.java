package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code wlc} schedulers ({@link WeightedLeastConnectionScheduler}). */
public final class WeightedLeastConnectionSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "wlc";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new WeightedLeastConnectionScheduler();
    }
}
