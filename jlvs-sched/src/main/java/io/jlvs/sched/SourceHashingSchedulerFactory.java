package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code sh} schedulers ({@link SourceHashingScheduler}). */
public final class SourceHashingSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new SourceHashingScheduler(options);
    }
}
