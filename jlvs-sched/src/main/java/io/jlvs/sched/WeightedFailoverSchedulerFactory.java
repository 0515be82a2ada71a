package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code fo} schedulers ({@link WeightedFailoverScheduler}). */
public final class WeightedFailoverSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "fo";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new WeightedFailoverScheduler();
    }
}
