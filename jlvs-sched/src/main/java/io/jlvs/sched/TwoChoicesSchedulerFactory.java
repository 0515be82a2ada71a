package io.jlvs.sched;

import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;

/** Creates {@code twos} schedulers ({@link TwoChoicesScheduler}). */
public final class TwoChoicesSchedulerFactory implements SchedulerFactory {

    @Override
    public String name() {
        return "twos";
    }

    @Override
    public Scheduler create(SchedulerOptions options) {
        return new TwoChoicesScheduler(options.seed());
    }
}
