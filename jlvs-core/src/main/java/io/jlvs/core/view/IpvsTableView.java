package io.jlvs.core.view;

import java.util.List;

/**
 * Everything `ipvsadm -L` can show at one moment: the services in listing order, the connection table
 * size for the banner, and the global timeouts.
 */
public record IpvsTableView(int connTableSize, List<VirtualServiceView> services, Timeouts timeouts) {
    public IpvsTableView {
        services = List.copyOf(services);
    }
}
