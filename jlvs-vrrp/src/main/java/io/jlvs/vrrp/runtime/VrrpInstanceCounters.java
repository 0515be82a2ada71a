package io.jlvs.vrrp.runtime;

import io.jlvs.vrrp.codec.VrrpDropReason;
import java.util.Map;

/**
 * An instance's counters at one moment (keepalived's names in brackets): adverts sent [advert_sent] and received
 * [advert_rcvd], priority 0 adverts sent [pri_zero_sent] and received [pri_zero_rcvd], received packets dropped by
 * reason, state changes, and how often it became MASTER [become_master].
 */
public record VrrpInstanceCounters(long advertsSent, long priorityZeroSent, long advertsReceived,
                                   long priorityZeroReceived, Map<VrrpDropReason, Long> drops, long transitions,
                                   long becameMaster) {

    public VrrpInstanceCounters {
        drops = Map.copyOf(drops);
    }

    public long dropped(VrrpDropReason reason) {
        return drops.getOrDefault(reason, 0L);
    }

    public long totalDropped() {
        return drops.values().stream().mapToLong(Long::longValue).sum();
    }
}
