package io.jlvs.core.view;

import io.jlvs.core.model.RealServer;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import java.util.Comparator;

/** One real server as listed: its configuration, connection counts, counters and rates. */
public record RealServerView(
        RealServer server,
        int activeConns,
        int inactiveConns,
        int persistConns,
        StatsSample stats,
        RateSample rates) {

    /**
     * ipvsadm -L's order of real servers (its list_service sorts them unless --nosort): by address, IPv4 before
     * IPv6 and numerically, then by port. jlvsadm's listings and the admin API both list in this order.
     */
    public static final Comparator<RealServerView> LISTING_ORDER = Comparator
            .comparing((RealServerView v) -> v.server().address())
            .thenComparingInt(v -> v.server().port());
}
