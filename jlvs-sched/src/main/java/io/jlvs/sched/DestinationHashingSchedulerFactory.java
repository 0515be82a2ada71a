package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code dh} schedulers ({@link DestinationHashingScheduler}). */
public final class DestinationHashingSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new DestinationHashingScheduler();
    }
}
