package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code lblcr} schedulers ({@link LocalityLeastConnectionReplicationScheduler}). */
public final class LocalityLeastConnectionReplicationSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "lblcr";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new LocalityLeastConnectionReplicationScheduler();
    }
}
