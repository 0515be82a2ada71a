package io.jlvs.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * Runs every checker of the real servers it is given: the first attempt after a random warmup delay in
 * [0, warmup] (from the seeded random), then after delay_loop or delay_before_retry as the retry rule says.
 * Timing comes from the {@link HealthTimer}; attempts run on the executor (virtual threads in production,
 * the calling thread in tests). Attempts of one checker never overlap. Measures how late attempts start.
 */
public final class CheckScheduler implements AutoCloseable {

    private final HealthTimer timer;
    private final Executor executor;
    private final RandomGenerator random;
    private final ScheduleLag lag = new ScheduleLag();
    private final CheckObserver observer;
    private final Map<RealServerHealth, List<Run>> runs = new IdentityHashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    public CheckScheduler(HealthTimer timer, Executor executor, RandomGenerator random) {
        this(timer, executor, random, CheckObserver.NONE);
    }

    public CheckScheduler(HealthTimer timer, Executor executor, RandomGenerator random, CheckObserver observer) {
        this.timer = timer;
        this.executor = executor;
        this.random = random;
        this.observer = observer;
    }

    public ScheduleLag lag() {
        return lag;
    }

    /** Starts checking a real server. */
    public synchronized void add(RealServerHealth rs) {
        if (closed) {
            throw new IllegalStateException("scheduler closed");
        }
        List<Run> list = new ArrayList<>();
        List<CheckerSpec> specs = rs.checkers();
        for (int i = 0; i < specs.size(); i++) {
            Run run = new Run(rs, i);
            list.add(run);
            long warmup = specs.get(i).timing().warmup().toNanos();
            run.scheduleIn(warmup == 0 ? 0 : random.nextLong(warmup + 1));
        }
        runs.put(rs, list);
    }

    /** Stops checking a real server (an attempt in progress finishes, and is not rescheduled). */
    public synchronized void remove(RealServerHealth rs) {
        List<Run> list = runs.remove(rs);
        if (list != null) {
            list.forEach(Run::cancel);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        runs.values().forEach(list -> list.forEach(Run::cancel));
        runs.clear();
    }

    private final class Run {
        private final RealServerHealth rs;
        private final int index;
        private final HealthChecker checker;
        private HealthTimer.Cancellable pending; // guarded by CheckScheduler.this
        private volatile boolean cancelled;
        private long due;

        Run(RealServerHealth rs, int index) {
            this.rs = rs;
            this.index = index;
            this.checker = rs.checkers().get(index).checker();
        }

        void scheduleIn(long delayNanos) {
            synchronized (CheckScheduler.this) {
                if (cancelled) {
                    return;
                }
                due = timer.nanoTime() + delayNanos;
                pending = timer.schedule(delayNanos, this::fire);
            }
        }

        void cancel() {
            cancelled = true;
            if (pending != null) {
                pending.cancel();
            }
        }

        private void fire() {
            if (cancelled) {
                return;
            }
            lag.record(timer.nanoTime() - due);
            executor.execute(this::attempt);
        }

        private void attempt() {
            if (cancelled) {
                return;
            }
            CheckOutcome outcome;
            try {
                outcome = rs.attempt(index);
            } catch (RuntimeException e) {
                outcome = CheckOutcome.down("checker error: " + e, Duration.ZERO);
            }
            if (cancelled) {
                return;
            }
            observer.attempted(rs, index, checker.kind(), outcome);
            Duration next = rs.onOutcome(index, outcome);
            scheduleIn(next.toNanos());
        }
    }
}
