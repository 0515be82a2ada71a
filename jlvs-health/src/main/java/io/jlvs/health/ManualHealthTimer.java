package io.jlvs.health;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * A timer that only moves when told: {@link #advance(Duration)} runs every task that falls due, in time order,
 * on the calling thread. An advance from inside a task (a fake check "taking" time) only moves the clock; the
 * outer advance then runs what fell due. For tests and simulations; not thread-safe beyond one driving thread.
 */
public final class ManualHealthTimer implements HealthTimer {

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private boolean advancing;

    private static final class Entry implements Comparable<Entry> {
        final long due;
        final long seq;
        final Runnable task;
        boolean cancelled;

        Entry(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(long delayNanos, Runnable task) {
        Entry e = new Entry(now + Math.max(0, delayNanos), sequence++, task);
        queue.add(e);
        return () -> {
            synchronized (ManualHealthTimer.this) {
                e.cancelled = true;
            }
        };
    }

    /** Tasks waiting (not cancelled). */
    public synchronized int pending() {
        return (int) queue.stream().filter(e -> !e.cancelled).count();
    }

    public void advance(Duration d) {
        Entry next;
        long target;
        synchronized (this) {
            if (advancing) {
                now += d.toNanos();
                return;
            }
            advancing = true;
            target = now + d.toNanos();
        }
        try {
            while (true) {
                synchronized (this) {
                    next = queue.peek();
                    if (next == null || next.due > Math.max(target, now)) {
                        now = Math.max(now, target);
                        return;
                    }
                    queue.poll();
                    now = Math.max(now, next.due);
                    if (next.cancelled) {
                        continue;
                    }
                }
                next.task.run();
            }
        } finally {
            synchronized (this) {
                advancing = false;
            }
        }
    }
}
