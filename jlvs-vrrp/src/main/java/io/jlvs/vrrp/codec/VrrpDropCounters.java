package io.jlvs.vrrp.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counts received packets: accepted advertisements, priority-0 ones, and each drop reason. Safe to read from any thread. */
public final class VrrpDropCounters {
    private final AtomicLongArray drops = new AtomicLongArray(VrrpDropReason.values().length);
    private final AtomicLongArray accepted = new AtomicLongArray(2);

    public void drop(VrrpDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    void accept(int priority) {
        accepted.incrementAndGet(0);
        if (priority == 0) {
            accepted.incrementAndGet(1);
        }
    }

    public long dropped(VrrpDropReason reason) {
        return drops.get(reason.ordinal());
    }

    public long totalDropped() {
        long n = 0;
        for (int i = 0; i < drops.length(); i++) {
            n += drops.get(i);
        }
        return n;
    }

    /** keepalived's advert_rcvd. */
    public long advertsReceived() {
        return accepted.get(0);
    }

    /** keepalived's pri_zero_rcvd. */
    public long priorityZeroReceived() {
        return accepted.get(1);
    }

    /** Non-zero drop counts by reason. */
    public Map<VrrpDropReason, Long> snapshot() {
        Map<VrrpDropReason, Long> m = new EnumMap<>(VrrpDropReason.class);
        for (VrrpDropReason r : VrrpDropReason.values()) {
            long v = dropped(r);
            if (v != 0) {
                m.put(r, v);
            }
        }
        return m;
    }
}
