package io.jlvs.core.view;

import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import java.util.List;

/** One virtual service as listed, with its real servers sorted by address then port. */
public record VirtualServiceView(
        VirtualService service,
        StatsSample stats,
        RateSample rates,
        List<RealServerView> realServers) {

    public VirtualServiceView {
        realServers = List.copyOf(realServers);
    }
}
