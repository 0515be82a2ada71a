package io.jlvs.core.state;

import io.jlvs.core.model.RealServer;
import io.jlvs.core.stats.IpvsCounters;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live state of one real server in one virtual service: its current configuration, connection
 * counts and counters. Counts are changed by whichever data-plane thread owns the connection
 * (atomics, so several may); the configuration is replaced by the engine thread only.
 *
 * <p>Threshold rule (the kernel's): a bound connection that brings active+inactive to the upper
 * threshold sets OVERLOAD; an unbound one clears it when the total falls below the lower threshold,
 * or below 3/4 of the upper one when no lower threshold is set.
 */
public final class DestinationState {
    /** Owner: the engine thread (writes); read by all. */
    private volatile RealServer config;
    /** Owner: the engine thread; true once the server was removed from its service. */
    private volatile boolean removed;
    private volatile boolean overloaded;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger inactive = new AtomicInteger();
    private final AtomicInteger persistent = new AtomicInteger();
    private final IpvsCounters counters = new IpvsCounters();

    public DestinationState(RealServer config) {
        this.config = config;
    }

    public RealServer config() {
        return config;
    }

    /** Engine thread only: -e, weight changes from health checks. Counts and counters carry over. */
    public void reconfigure(RealServer next) {
        this.config = next;
        recheckOverload();
    }

    public int weight() {
        return config.weight();
    }

    public boolean removed() {
        return removed;
    }

    /** Engine thread only: the server left its service; existing connections may still point at it. */
    public void markRemoved() {
        removed = true;
    }

    /** Engine thread only: a removed server was added back while connections still pointed at it. */
    public void revive(RealServer next) {
        this.config = next;
        this.removed = false;
        recheckOverload();
    }

    public boolean overloaded() {
        return overloaded;
    }

    public int activeConns() {
        return active.get();
    }

    public int inactiveConns() {
        return inactive.get();
    }

    public int persistConns() {
        return persistent.get();
    }

    public IpvsCounters counters() {
        return counters;
    }

    /** A new connection (inactive) or template now points here. */
    public void bind(boolean template) {
        if (template) {
            persistent.incrementAndGet();
            return;
        }
        inactive.incrementAndGet();
        int upper = config.upperThreshold();
        if (upper > 0 && active.get() + inactive.get() >= upper) {
            overloaded = true;
        }
    }

    /** A connection or template that pointed here is gone. {@code wasActive}: it was counted active. */
    public void unbind(boolean template, boolean wasActive) {
        if (template) {
            persistent.decrementAndGet();
            return;
        }
        if (wasActive) {
            active.decrementAndGet();
        } else {
            inactive.decrementAndGet();
        }
        recheckOverload();
    }

    /** A connection moved from inactive to active (TCP/SCTP reached ESTABLISHED) or back. */
    public void activate(boolean nowActive) {
        if (nowActive) {
            inactive.decrementAndGet();
            active.incrementAndGet();
        } else {
            active.decrementAndGet();
            inactive.incrementAndGet();
        }
    }

    private void recheckOverload() {
        if (!overloaded) {
            return;
        }
        RealServer c = config;
        int total = active.get() + inactive.get();
        if (c.lowerThreshold() > 0) {
            if (total < c.lowerThreshold()) {
                overloaded = false;
            }
        } else if (c.upperThreshold() > 0) {
            if ((long) total * 4 < (long) c.upperThreshold() * 3) {
                overloaded = false;
            }
        } else {
            overloaded = false;
        }
    }
}
