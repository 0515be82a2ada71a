package io.jlvs.engine;

import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.stats.IpvsCounters;

/**
 * The live side of one virtual service: its configuration, real servers, scheduler and counters.
 * Owner of the fields: the engine (writes under {@link #lock}); data planes call {@link #schedule}
 * from any thread, which serializes on the same lock because schedulers keep state (rr's position).
 */
public final class ServiceRuntime {
    private final Object lock = new Object();
    private final IpvsCounters counters = new IpvsCounters();
    private volatile VirtualService config;
    private volatile DestinationSet destinations = DestinationSet.EMPTY;
    private Scheduler scheduler;

    ServiceRuntime(VirtualService config, Scheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        scheduler.update(destinations);
    }

    public VirtualService config() {
        return config;
    }

    public DestinationSet destinations() {
        return destinations;
    }

    public IpvsCounters counters() {
        return counters;
    }

    /**
     * Picks the real server for a new flow, or null when none can take it (all quiescent, overloaded or
     * none configured). Allocates nothing.
     */
    public DestinationState schedule(FlowKey flow) {
        synchronized (lock) {
            DestinationSet d = destinations;
            int i = scheduler.select(d, flow);
            return i < 0 ? null : d.get(i);
        }
    }

    void reconfigure(VirtualService next, Scheduler nextScheduler) {
        synchronized (lock) {
            config = next;
            if (nextScheduler != null) {
                scheduler = nextScheduler;
                scheduler.update(destinations);
            }
        }
    }

    void replaceDestinations(DestinationSet next) {
        synchronized (lock) {
            destinations = next;
            scheduler.update(next);
        }
    }

    /** Weights changed in place: schedulers with tables (wrr, sh, dh, mh) rebuild them. */
    void weightsChanged() {
        synchronized (lock) {
            scheduler.update(destinations);
        }
    }
}
