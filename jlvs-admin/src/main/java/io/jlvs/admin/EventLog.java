package io.jlvs.admin;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The recent events the status page shows: checker transitions, failovers, reloads, configuration
 * changes. A ring buffer of the last {@code capacity} events; older ones are forgotten. Thread-safe.
 */
public final class EventLog {
    /** Well-known kinds. */
    public static final String CHECKER = "checker";
    public static final String FAILOVER = "failover";
    public static final String RELOAD = "reload";
    public static final String CONFIG = "config";

    private final InstantSource clock;
    private final AdminEvent[] ring;
    /** Owner: this log, under {@code this}. Seq of the last event recorded (0 = none yet). */
    private long last;

    public EventLog(int capacity, InstantSource clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.ring = new AdminEvent[capacity];
        this.clock = clock;
    }

    public EventLog() {
        this(256, InstantSource.system());
    }

    /** Records an event and returns it. */
    public synchronized AdminEvent record(String kind, String message) {
        AdminEvent e = new AdminEvent(++last, clock.instant(), kind, message);
        ring[(int) ((e.seq() - 1) % ring.length)] = e;
        return e;
    }

    /** The events with seq greater than {@code afterSeq} still held, oldest first. */
    public synchronized List<AdminEvent> since(long afterSeq) {
        long first = Math.max(Math.max(afterSeq, 0) + 1, last - ring.length + 1);
        List<AdminEvent> out = new ArrayList<>((int) Math.max(0, last - first + 1));
        for (long seq = first; seq <= last; seq++) {
            out.add(ring[(int) ((seq - 1) % ring.length)]);
        }
        return out;
    }

    /** The seq of the newest event, 0 when none was recorded. */
    public synchronized long lastSeq() {
        return last;
    }
}
