package io.jlvs.config.model;

import io.jlvs.core.IpAddress;
import java.time.Duration;

/**
 * The keywords every connecting checker shares. Null / 0 means "not set here" (inherited from the real
 * server or virtual server, or keepalived's default); {@code alpha} null: not set here (the real server's, then
 * the virtual server's applies; {@code alpha no} is {@code FALSE} and overrides an {@code alpha} above it).
 */
public record CheckerOptions(
        IpAddress connectIp,
        int connectPort,
        IpAddress bindTo,
        int bindPort,
        String bindIf,
        Duration connectTimeout,
        int fwmark,
        Integer retry,
        Duration delayBeforeRetry,
        Duration warmup,
        Duration delayLoop,
        Boolean alpha,
        boolean logAllFailures) {

    public static CheckerOptions none() {
        return new CheckerOptions(null, 0, null, 0, null, null, 0, null, null, null, null, null, false);
    }
}
