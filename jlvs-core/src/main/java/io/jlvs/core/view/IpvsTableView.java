package io.jlvs.core.view;

import java.util.List;

/**
 * Everything `ipvsadm -L` can show at one moment: the services in listing order, the connection table
 * size for the banner, the global timeouts, and the global counters (the kernel's /proc/net/ip_vs_stats:
 * what every service ever counted, deleted or individually zeroed ones included; only a zeroing of the whole
 * table resets them).
 */
public record IpvsTableView(int connTableSize, List<VirtualServiceView> services, Timeouts timeouts,
                            io.jlvs.core.stats.StatsSample totals) {
    public IpvsTableView {
        services = List.copyOf(services);
        if (totals == null) {
            io.jlvs.core.stats.StatsSample sum = io.jlvs.core.stats.StatsSample.ZERO;
            for (VirtualServiceView s : services) {
                sum = sum.plus(s.stats());
            }
            totals = sum;
        }
    }

    /** A table whose global counters are the sum of its services'. */
    public IpvsTableView(int connTableSize, List<VirtualServiceView> services, Timeouts timeouts) {
        this(connTableSize, services, timeouts, null);
    }
}
