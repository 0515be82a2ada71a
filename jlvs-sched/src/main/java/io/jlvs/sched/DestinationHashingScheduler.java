package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import java.util.Arrays;

/**
 * dh: a static 256-bucket table indexed by a hash of the flow's destination address. As in the kernel, the
 * table gives each server one bucket in turn (servers in address/port order) regardless of weight; the
 * bucket's server takes the flow only if it is available. Call {@link #update} before the first
 * {@link #select} and after every change.
 */
public final class DestinationHashingScheduler implements Scheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;

    /** Owner: the caller serializing select/update. Server index per bucket, -1 when the service is empty. */
    private final int[] buckets = new int[TAB_SIZE];

    public DestinationHashingScheduler() {
        Arrays.fill(buckets, NO_DESTINATION);
    }

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void update(Destinations dests) {
        int[] order = Endpoint.sortedIndices(dests);
        for (int b = 0; b < TAB_SIZE; b++) {
            buckets[b] = order.length == 0 ? NO_DESTINATION : order[b % order.length];
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int dest = buckets[FlowHash.hash32(FlowHash.fold(flow.dstHi(), flow.dstLo()), TAB_BITS)];
        if (dest < 0 || dest >= dests.size() || !dests.available(dest)) {
            return NO_DESTINATION;
        }
        return dest;
    }
}
