package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code rr} schedulers ({@link RoundRobinScheduler}). */
public final class RoundRobinSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new RoundRobinScheduler();
    }
}
