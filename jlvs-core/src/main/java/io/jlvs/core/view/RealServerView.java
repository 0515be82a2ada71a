package io.jlvs.core.view;

import io.jlvs.core.model.RealServer;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;

/** One real server as listed: its configuration, connection counts, counters and rates. */
public record RealServerView(
        RealServer server,
        int activeConns,
        int inactiveConns,
        int persistConns,
        StatsSample stats,
        RateSample rates) {
}
