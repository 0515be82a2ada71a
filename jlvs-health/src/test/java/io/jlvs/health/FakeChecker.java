package io.jlvs.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A checker whose attempt n (from 0) passes or fails as {@code script} says; a failed attempt "takes"
 * connect_timeout on the manual timer, as a real timeout would.
 */
final class FakeChecker implements HealthChecker {

    private final CheckerKind kind;
    private final IntFunction<Boolean> script;
    private final ManualHealthTimer timer;
    private final Duration failureTakes;
    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean serverUp = true;

    FakeChecker(CheckerKind kind, ManualHealthTimer timer, Duration failureTakes, IntFunction<Boolean> script) {
        this.kind = kind;
        this.timer = timer;
        this.failureTakes = failureTakes;
        this.script = script;
    }

    /** Up while {@link #serverUp} is true. */
    static FakeChecker following(ManualHealthTimer timer, Duration failureTakes) {
        FakeChecker[] self = new FakeChecker[1];
        self[0] = new FakeChecker(CheckerKind.TCP_CHECK, timer, failureTakes, n -> self[0].serverUp);
        return self[0];
    }

    @Override
    public CheckerKind kind() {
        return kind;
    }

    @Override
    public CheckOutcome check() {
        int n = attempts.getAndIncrement();
        if (script.apply(n)) {
            return CheckOutcome.up("TCP connection to fake success.", Duration.ZERO);
        }
        if (timer != null) {
            timer.advance(failureTakes);
        }
        return CheckOutcome.down("TCP connection to fake timeout.", failureTakes);
    }
}
