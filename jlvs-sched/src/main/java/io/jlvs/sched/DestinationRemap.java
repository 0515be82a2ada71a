package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import java.util.HashMap;
import java.util.Map;

/**
 * Carries server indices across {@link io.jlvs.core.sched.Scheduler#update}: remembers which endpoint each
 * index named, and maps an old index to the new index of the same endpoint (-1 when it left the service).
 * Owner: the scheduler that holds it (update() only).
 */
final class DestinationRemap {
    private Endpoint[] known = new Endpoint[0];

    /** The new index of every old index, then remembers {@code dests} as current. */
    int[] refresh(Destinations dests) {
        int n = dests.size();
        Map<Endpoint, Integer> now = HashMap.newHashMap(n);
        Endpoint[] next = new Endpoint[n];
        for (int i = 0; i < n; i++) {
            next[i] = Endpoint.of(dests, i);
            now.put(next[i], i);
        }
        int[] map = new int[known.length];
        for (int i = 0; i < known.length; i++) {
            map[i] = now.getOrDefault(known[i], -1);
        }
        known = next;
        return map;
    }

    static int apply(int[] map, int oldIndex) {
        return oldIndex >= 0 && oldIndex < map.length ? map[oldIndex] : -1;
    }
}
