package io.jlvs.proxy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How the FULLNAT proxy runs.
 *
 * @param eventLoops    Netty event loops (one per core is the usual choice)
 * @param transport     the Netty transport to ask for (AUTO: epoll, else NIO; IO_URING on request)
 * @param sweepInterval how often idle connections and expired persistence templates are looked for
 * @param nanoClock     monotonic time in nanoseconds (System::nanoTime outside tests)
 * @param closedLinger  how long a closed connection stays counted (InActConn) and listed as TIME_WAIT, as
 *                      IPVS keeps closed entries; schedulers such as wlc rely on it to spread short
 *                      connections. IPVS keeps 120 s; the default is 10 s to bound memory. Zero: none.
 */
public record ProxySettings(int eventLoops, ProxyTransportKind transport, Duration sweepInterval, LongSupplier nanoClock,
                            Duration closedLinger) {

    public ProxySettings {
        if (eventLoops < 1) {
            throw new IllegalArgumentException("at least one event loop is needed");
        }
        if (sweepInterval == null || sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("sweep interval must be positive");
        }
        if (transport == null) {
            throw new IllegalArgumentException("a transport choice is required");
        }
        if (nanoClock == null) {
            throw new IllegalArgumentException("a clock is required");
        }
        if (closedLinger == null || closedLinger.isNegative()) {
            throw new IllegalArgumentException("closed-connection linger must be zero or positive");
        }
    }

    /** One event loop per available core, epoll, else NIO, a sweep every second, the system clock, 10 s linger. */
    public static ProxySettings defaults() {
        return new ProxySettings(Runtime.getRuntime().availableProcessors(), ProxyTransportKind.AUTO, Duration.ofSeconds(1),
                System::nanoTime, Duration.ofSeconds(10));
    }

    public ProxySettings withEventLoops(int n) {
        return new ProxySettings(n, transport, sweepInterval, nanoClock, closedLinger);
    }

    public ProxySettings withTransport(ProxyTransportKind kind) {
        return new ProxySettings(eventLoops, kind, sweepInterval, nanoClock, closedLinger);
    }

    public ProxySettings withSweepInterval(Duration interval) {
        return new ProxySettings(eventLoops, transport, interval, nanoClock, closedLinger);
    }

    public ProxySettings withClosedLinger(Duration linger) {
        return new ProxySettings(eventLoops, transport, sweepInterval, nanoClock, linger);
    }
}
