package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.Arrays;

/**
 * sh: a 256-bucket table, tiled by each server's last non-zero weight (a server takes that many consecutive
 * buckets, servers in address/port order, repeating until the table is full), indexed by a hash of the
 * client's source address (plus its source port with sh-port). The bucket's server takes the flow if it is
 * available; otherwise none does, unless sh-fallback is set: then the table is probed from there on.
 * Call {@link #update} before the first {@link #select} and after every change.
 */
public final class SourceHashingScheduler implements Scheduler {
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;

    private final boolean fallback;
    private final boolean usePort;
    /** Owner: the caller serializing select/update. Server index per bucket, -1 when the service is empty. */
    private final int[] buckets = new int[TAB_SIZE];
    private final LastWeights lastWeights = new LastWeights();

    public SourceHashingScheduler(SchedulerOptions options) {
        int bits = SchedFlags.bits(options);
        this.fallback = (bits & SchedFlags.SCHED1) != 0;
        this.usePort = (bits & SchedFlags.SCHED2) != 0;
        Arrays.fill(buckets, NO_DESTINATION);
    }

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public void update(Destinations dests) {
        tile(buckets, Endpoint.sortedIndices(dests), lastWeights.refresh(dests));
    }

    /** Fills the table: each server in {@code order} gets max(1, weight) consecutive buckets, cyclically. */
    static void tile(int[] table, int[] order, int[] weights) {
        if (order.length == 0) {
            Arrays.fill(table, NO_DESTINATION);
            return;
        }
        int p = 0;
        int count = 0;
        for (int b = 0; b < table.length; b++) {
            int dest = order[p];
            table[b] = dest;
            if (++count >= weights[dest]) {
                p = p + 1 == order.length ? 0 : p + 1;
                count = 0;
            }
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int port = usePort && SchedFlags.hasPorts(flow.protocol()) ? flow.srcPort() : 0;
        int key = port + FlowHash.fold(flow.srcHi(), flow.srcLo());
        int ihash = bucket(key, 0);
        int dest = buckets[ihash];
        if (dest < 0 || dest >= dests.size()) {
            return NO_DESTINATION;
        }
        if (dests.available(dest)) {
            return dest;
        }
        if (!fallback) {
            return NO_DESTINATION;
        }
        for (int offset = 0; offset < TAB_SIZE; offset++) {
            dest = buckets[bucket(key, (offset + ihash) & (TAB_SIZE - 1))];
            if (dest >= 0 && dest < dests.size() && dests.available(dest)) {
                return dest;
            }
        }
        return NO_DESTINATION;
    }

    private static int bucket(int key, int offset) {
        return (offset + FlowHash.hash32(key, TAB_BITS)) & (TAB_SIZE - 1);
    }
}
