package io.jlvs.core.sched;

/** Creates a scheduler by its ipvsadm name; implementations are found with ServiceLoader. */
public interface SchedulerFactory {

    String name();

    Scheduler create(SchedulerOptions options);
}
