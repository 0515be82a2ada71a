package io.jlvs.core.view;

import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import java.util.List;

/**
 * One virtual service as listed, with its real servers in the daemon's order (newest first, as IPVS keeps them:
 * what {@code jlvsadm -L --nosort} shows); {@link #realServersInListingOrder()} gives ipvsadm's sorted order.
 */
public record VirtualServiceView(
        VirtualService service,
        StatsSample stats,
        RateSample rates,
        List<RealServerView> realServers) {

    public VirtualServiceView {
        realServers = List.copyOf(realServers);
    }

    /** The real servers as {@code ipvsadm -L} lists them ({@link IpvsadmOrder}). */
    public List<RealServerView> realServersInListingOrder() {
        return IpvsadmOrder.realServers(realServers);
    }
}
