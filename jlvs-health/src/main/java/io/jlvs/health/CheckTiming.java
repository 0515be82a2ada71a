package io.jlvs.health;

import java.time.Duration;

/**
 * When and how often a checker runs, with keepalived's defaults: connect_timeout 5 s, delay_loop 60 s,
 * warmup = delay_loop (0 disables), retry and delay_before_retry per {@link CheckerKind}.
 *
 * @param retry            extra attempts after a failure of an alive server before the checker fails
 * @param warmup           the first check runs after a random delay in [0, warmup]
 * @param alpha            the checker starts failed (the real server starts down until a first success)
 * @param logAllFailures   log every failed attempt of an alive server, not only the final one
 */
public record CheckTiming(
        Duration connectTimeout,
        int retry,
        Duration delayBeforeRetry,
        Duration delayLoop,
        Duration warmup,
        boolean alpha,
        boolean logAllFailures) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DELAY_LOOP = Duration.ofSeconds(60);

    public CheckTiming {
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect_timeout must be positive");
        }
        if (delayLoop == null || delayLoop.isNegative() || delayLoop.isZero()) {
            throw new IllegalArgumentException("delay_loop must be positive");
        }
        if (retry < 0) {
            throw new IllegalArgumentException("retry must not be negative");
        }
        if (delayBeforeRetry == null || delayBeforeRetry.isNegative()) {
            throw new IllegalArgumentException("delay_before_retry must not be negative");
        }
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("warmup must not be negative");
        }
    }

    /** keepalived's defaults for a checker of this kind. */
    public static CheckTiming defaults(CheckerKind kind) {
        return new CheckTiming(DEFAULT_CONNECT_TIMEOUT, kind.defaultRetry(),
                kind.defaultDelayBeforeRetry(DEFAULT_DELAY_LOOP), DEFAULT_DELAY_LOOP, DEFAULT_DELAY_LOOP,
                false, false);
    }

    public CheckTiming withConnectTimeout(Duration value) {
        return new CheckTiming(value, retry, delayBeforeRetry, delayLoop, warmup, alpha, logAllFailures);
    }

    public CheckTiming withRetry(int value) {
        return new CheckTiming(connectTimeout, value, delayBeforeRetry, delayLoop, warmup, alpha, logAllFailures);
    }

    public CheckTiming withDelayBeforeRetry(Duration value) {
        return new CheckTiming(connectTimeout, retry, value, delayLoop, warmup, alpha, logAllFailures);
    }

    public CheckTiming withDelayLoop(Duration value) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, value, warmup, alpha, logAllFailures);
    }

    public CheckTiming withWarmup(Duration value) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, value, alpha, logAllFailures);
    }

    public CheckTiming withAlpha(boolean value) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, warmup, value, logAllFailures);
    }

    public CheckTiming withLogAllFailures(boolean value) {
        return new CheckTiming(connectTimeout, retry, delayBeforeRetry, delayLoop, warmup, alpha, value);
    }
}
