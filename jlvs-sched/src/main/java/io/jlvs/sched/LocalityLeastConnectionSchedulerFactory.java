package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code lblc} schedulers ({@link LocalityLeastConnectionScheduler}). */
public final class LocalityLeastConnectionSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "lblc";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new LocalityLeastConnectionScheduler();
    }
}
