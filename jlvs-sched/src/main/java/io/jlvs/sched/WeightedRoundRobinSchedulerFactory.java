package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code wrr} schedulers ({@link WeightedRoundRobinScheduler}). */
public final class WeightedRoundRobinSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "wrr";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new WeightedRoundRobinScheduler();
    }
}
