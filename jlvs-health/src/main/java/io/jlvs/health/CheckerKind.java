package io.jlvs.health;

import java.time.Duration;

/** The checker types of keepalived, named as keepalived.conf spells them, with their own defaults. */
public enum CheckerKind {
    TCP_CHECK(1, Duration.ofSeconds(1)),
    HTTP_GET(1, Duration.ofSeconds(3)),
    SSL_GET(1, Duration.ofSeconds(3)),
    MISC_CHECK(0, Duration.ofSeconds(1)),
    SMTP_CHECK(1, Duration.ofSeconds(1)),
    /** delay_before_retry defaults to delay_loop for DNS_CHECK (null here). */
    DNS_CHECK(3, null),
    UDP_CHECK(1, Duration.ofSeconds(1)),
    PING_CHECK(1, Duration.ofSeconds(1)),
    FILE_CHECK(0, Duration.ofSeconds(1)),
    /** Follows a bfd_instance's session: never retried, the session's detection time is the retry. */
    BFD_CHECK(0, Duration.ZERO);

    private final int defaultRetry;
    private final Duration defaultDelayBeforeRetry;

    CheckerKind(int defaultRetry, Duration defaultDelayBeforeRetry) {
        this.defaultRetry = defaultRetry;
        this.defaultDelayBeforeRetry = defaultDelayBeforeRetry;
    }

    public int defaultRetry() {
        return defaultRetry;
    }

    /** delay_before_retry when not configured, given the checker's delay_loop. */
    public Duration defaultDelayBeforeRetry(Duration delayLoop) {
        return defaultDelayBeforeRetry == null ? delayLoop : defaultDelayBeforeRetry;
    }
}
