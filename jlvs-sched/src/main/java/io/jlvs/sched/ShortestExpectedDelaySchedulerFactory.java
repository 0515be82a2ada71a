package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code sed} schedulers ({@link ShortestExpectedDelayScheduler}). */
public final class ShortestExpectedDelaySchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "sed";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new ShortestExpectedDelayScheduler();
    }
}
