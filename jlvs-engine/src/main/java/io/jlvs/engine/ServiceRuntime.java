package io.jlvs.engine;

import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
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
        // The retry path runs when connecting to a real server fails, e.g. once the process is out of file
        // descriptors: loading its class then could not open a class file (a class-directory class path).
        loadNow(ExcludingDestinations.class);
    }

    private static void loadNow(Class<?> type) {
        type.getName();
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

    /**
     * Picks a real server other than {@code exclude} (a retry after it refused or timed out): the
     * scheduler sees {@code exclude} as overloaded; if it finds none (a hashing scheduler whose bucket is
     * the failed server) the least loaded other server is taken. Null when no other server can take it.
     */
    public DestinationState schedule(FlowKey flow, DestinationState exclude) {
        synchronized (lock) {
            DestinationSet d = destinations;
            int skip = -1;
            for (int i = 0; i < d.size(); i++) {
                if (d.get(i) == exclude) {
                    skip = i;
                }
            }
            Destinations view = skip < 0 ? d : new ExcludingDestinations(d, skip);
            int i = scheduler.select(view, flow);
            if (i < 0) {
                // hashing schedulers (dh, sh, mh without fallback) only know the hashed server
                i = leastLoaded(view);
            }
            return i < 0 ? null : d.get(i);
        }
    }

    /** wlc's choice: the available server with the least overhead per weight, or -1. */
    private static int leastLoaded(Destinations d) {
        int best = -1;
        for (int i = 0; i < d.size(); i++) {
            if (d.available(i) && (best < 0 || Load.heavier(d.overhead(best), d.weight(best), d.overhead(i), d.weight(i)))) {
                best = i;
            }
        }
        return best;
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
