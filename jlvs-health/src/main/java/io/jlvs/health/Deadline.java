package io.jlvs.health;

import java.net.SocketTimeoutException;
import java.time.Duration;

/** A point in (monotonic) time that bounds one attempt; read timeouts are taken from what is left of it. */
final class Deadline {

    private final long start;
    private final long end;

    private Deadline(long start, long end) {
        this.start = start;
        this.end = end;
    }

    static Deadline after(Duration timeout) {
        long now = System.nanoTime();
        return new Deadline(now, now + timeout.toNanos());
    }

    /** Milliseconds left (at least 1), or a timeout when none are left. */
    int remainingMillis() throws SocketTimeoutException {
        long left = end - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
