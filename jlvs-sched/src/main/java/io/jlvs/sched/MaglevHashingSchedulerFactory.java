package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code mh} schedulers ({@link MaglevHashingScheduler}). */
public final class MaglevHashingSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "mh";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new MaglevHashingScheduler(options);
    }
}
