package io.jlvs.health;

/** The clock and timer the checks are scheduled on: the system's in production, a manual one in tests. */
public interface HealthTimer {

    /** Monotonic time in nanoseconds. */
    long nanoTime();

    /** Runs {@code task} once, {@code delayNanos} from now. The task must be short (it hands work off). */
    Cancellable schedule(long delayNanos, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
