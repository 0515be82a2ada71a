package io.jlvs.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-checker attempt counts, failures and last latency, fed by {@link CheckScheduler} through
 * {@link CheckObserver}. Safe for the checkers' threads to write and a scraper to read.
 */
public final class CheckerStats implements CheckObserver {

    /** One checker of one real server, as the metrics show it. */
    public record Sample(String realServer, CheckerKind kind, int index, boolean lastUp, long attempts,
                         long failures, double lastLatencySeconds) {
    }

    private static final class Entry {
        final String realServer;
        final CheckerKind kind;
        final int index;
        final AtomicLong attempts = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        volatile boolean lastUp;
        volatile long lastLatencyNanos;

        Entry(String realServer, CheckerKind kind, int index) {
            this.realServer = realServer;
            this.kind = kind;
            this.index = index;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void attempted(RealServerHealth realServer, int checkerIndex, CheckerKind kind, CheckOutcome outcome) {
        record(realServer.address().withPort(realServer.port()), checkerIndex, kind, outcome);
    }

    /** One attempt of checker {@code checkerIndex} of the real server {@code rs} ({@code addr:port}). */
    public void record(String rs, int checkerIndex, CheckerKind kind, CheckOutcome outcome) {
        Entry e = entries.computeIfAbsent(rs + "#" + checkerIndex + "#" + kind,
                k -> new Entry(rs, kind, checkerIndex));
        e.attempts.incrementAndGet();
        if (!outcome.up()) {
            e.failures.incrementAndGet();
        }
        e.lastUp = outcome.up();
        e.lastLatencyNanos = outcome.latency().toNanos();
    }

    /** Forgets the checkers of a real server that is no longer checked. */
    public void forget(RealServerHealth realServer) {
        forget(realServer.address().withPort(realServer.port()));
    }

    /** Forgets the checkers of the real server {@code rs} ({@code addr:port}). */
    public void forget(String rs) {
        String prefix = rs + "#";
        entries.keySet().removeIf(k -> k.startsWith(prefix));
    }

    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) {
            out.add(new Sample(e.realServer, e.kind, e.index, e.lastUp, e.attempts.get(), e.failures.get(),
                    e.lastLatencyNanos / 1e9));
        }
        out.sort(java.util.Comparator.comparing(Sample::realServer).thenComparingInt(Sample::index));
        return out;
    }
}
