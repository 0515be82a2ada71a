package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/**
 * lblc: locality-based least-connection. Remembers one real server per destination IP and sends that IP's
 * flows there while it is available and not overloaded in the kernel's sense (more active connections than
 * its weight while some server has fewer than half its weight); otherwise picks by wlc and remembers that.
 * Entries unused for the expiration (kernel default: 24 h, by packet time) are forgotten. The cache has a
 * fixed capacity; when it is full new destinations are scheduled without being cached.
 */
public final class LocalityLeastConnectionScheduler implements Scheduler {
    public static final long DEFAULT_EXPIRATION_NANOS = 24L * 60 * 60 * 1_000_000_000L;
    public static final int DEFAULT_CAPACITY = 16384;

    private final Table table;
    private final DestinationRemap remap = new DestinationRemap();

    public LocalityLeastConnectionScheduler() {
        this(DEFAULT_CAPACITY, DEFAULT_EXPIRATION_NANOS);
    }

    public LocalityLeastConnectionScheduler(int capacity, long expirationNanos) {
        this.table = new Table(capacity, expirationNanos);
    }

    @Override
    public String name() {
        return "lblc";
    }

    /** Destination IPs currently remembered. */
    public int cachedEntries() {
        return table.size();
    }

    @Override
    public void update(Destinations dests) {
        int[] map = remap.refresh(dests);
        for (int s = 0; s < table.slots(); s++) {
            if (table.used(s)) {
                table.dest[s] = DestinationRemap.apply(map, table.dest[s]);
            }
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        long now = flow.nowNanos();
        table.sweep(now);
        boolean v6 = flow.v6();
        int slot = table.find(v6, flow.dstHi(), flow.dstLo(), now);
        if (slot >= 0) {
            int d = table.dest[slot];
            if (d >= 0 && d < dests.size() && dests.available(d)
                    && !DestinationIpTable.overloadedForLocality(dests, d)) {
                return d;
            }
        }
        int d = WeightedLeastConnectionScheduler.leastWeightedOverhead(dests);
        if (d < 0) {
            return NO_DESTINATION;
        }
        if (slot < 0) {
            slot = table.insert(v6, flow.dstHi(), flow.dstLo(), now);
        }
        if (slot >= 0) {
            table.dest[slot] = d;
        }
        return d;
    }

    private static final class Table extends DestinationIpTable {
        /** Server index per slot; -1 when the server left the service. */
        final int[] dest;

        Table(int capacity, long expirationNanos) {
            super(capacity, expirationNanos);
            this.dest = new int[slots()];
        }

        @Override
        void movePayload(int from, int to) {
            dest[to] = dest[from];
        }
    }
}
