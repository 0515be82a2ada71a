package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's {@code last_weight}: the latest non-zero weight of each real server. The hashing schedulers
 * (sh, mh) build their tables from it, so quiescing a server (weight 0) does not move anybody else's flows.
 * A server added with weight 0 has last weight 0. Owner: the scheduler that holds it (update() only).
 */
final class LastWeights {
    private Map<Endpoint, Integer> last = new HashMap<>();

    /** Last non-zero weight per index of {@code dests}; forgets servers no longer present. */
    int[] refresh(Destinations dests) {
        int n = dests.size();
        int[] out = new int[n];
        Map<Endpoint, Integer> next = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            Endpoint ep = Endpoint.of(dests, i);
            int w = dests.weight(i);
            int lw = w > 0 ? w : last.getOrDefault(ep, 0);
            out[i] = lw;
            next.put(ep, lw);
        }
        last = next;
        return out;
    }
}
