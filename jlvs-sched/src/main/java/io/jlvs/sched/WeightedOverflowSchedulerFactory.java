package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code ovf} schedulers ({@link WeightedOverflowScheduler}). */
public final class WeightedOverflowSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "ovf";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new WeightedOverflowScheduler();
    }
}
