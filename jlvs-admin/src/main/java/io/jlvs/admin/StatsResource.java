package io.jlvs.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.control.IpvsJson;
import java.io.IOException;

/** GET /stats: totals over all services (as /proc/net/ip_vs_stats), and each service's counters and rates. */
final class StatsResource implements ApiResource {
    private final IpvsControl control;

    StatsResource(IpvsControl control) {
        this.control = control;
    }

    @Override
    public void handle(ApiExchange ex) throws IOException {
        if (ex.path().size() != 1) {
            throw ApiException.notFound("no resource under /stats");
        }
        ex.allow("GET");
        IpvsTableView table = control.table();
        long cps = 0;
        long inPps = 0;
        long outPps = 0;
        long inBps = 0;
        long outBps = 0;
        ObjectNode o = ex.mapper().createObjectNode();
        o.put("connTableSize", table.connTableSize());
        ArrayNode services = ex.mapper().createArrayNode();
        for (VirtualServiceView v : table.services()) {
            RateSample r = v.rates();
            cps += r.cps();
            inPps += r.inPps();
            outPps += r.outPps();
            inBps += r.inBps();
            outBps += r.outBps();
            ObjectNode s = services.addObject();
            s.put("id", ServiceId.of(v.service().key()));
            s.set("stats", IpvsJson.write(v.stats()));
            s.set("rates", IpvsJson.write(r));
        }
        // the global counters: deleted and individually zeroed services' counts stay in them
        o.set("stats", IpvsJson.write(table.totals()));
        o.set("rates", IpvsJson.write(new RateSample(cps, inPps, outPps, inBps, outBps)));
        o.set("services", services);
        ex.json(200, o);
    }
}
