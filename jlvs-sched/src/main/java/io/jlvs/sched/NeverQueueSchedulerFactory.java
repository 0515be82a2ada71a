package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code nq} schedulers ({@link NeverQueueScheduler}). */
public final class NeverQueueSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "nq";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new NeverQueueScheduler();
    }
}
