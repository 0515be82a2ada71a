package io.jlvs.admin;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.VirtualServiceView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real engine's table with made-up, smoothly varying counters and rates, so the docs screenshot has
 * graphs to draw (an engine without a data plane sees no traffic). Deterministic: the n-th read of the
 * table always shows the same numbers.
 */
final class SyntheticTraffic implements IpvsControl {
    private final IpvsControl engine;
    private long reads;

    SyntheticTraffic(IpvsControl engine) {
        this.engine = engine;
    }

    @Override
    public void execute(IpvsCommand command) throws IpvsException, IOException {
        engine.execute(command);
    }

    @Override
    public synchronized IpvsTableView table() throws IOException {
        long t = reads++;
        IpvsTableView real = engine.table();
        List<VirtualServiceView> services = new ArrayList<>();
        int si = 0;
        for (VirtualServiceView s : real.services()) {
            List<RealServerView> servers = new ArrayList<>();
            long sumCps = 0;
            long sumConns = 0;
            long sumPps = 0;
            int ri = 0;
            for (RealServerView r : s.realServers()) {
                long cps = r.server().weight() == 0 ? 0
                        : Math.round((si == 0 ? 120 : 40) * r.server().weight() * (1.2 + Math.sin((t + ri * 3) / 3.0)));
                long conns = 5000L * (r.server().weight() + 1) + 300 * t;
                long pps = Math.round(cps * 8 * (1.3 + 0.6 * Math.cos((t + ri) / 5.0)));
                sumCps += cps;
                sumPps += pps;
                sumConns += conns;
                servers.add(new RealServerView(r.server(), (int) (cps * 3), (int) (cps * 11), 0,
                        new StatsSample(conns, conns * 9, conns * 8, conns * 900, conns * 12000),
                        new RateSample(cps, pps, pps * 8 / 10, pps * 100, pps * 1200)));
                ri++;
            }
            services.add(new VirtualServiceView(s.service(),
                    new StatsSample(sumConns, sumConns * 9, sumConns * 8, sumConns * 900, sumConns * 12000),
                    new RateSample(sumCps, sumPps, sumPps * 8 / 10, sumPps * 100, sumPps * 1200), servers));
            si++;
        }
        return new IpvsTableView(real.connTableSize(), services, real.timeouts());
    }

    @Override
    public List<ConnectionView> connections() throws IOException {
        return engine.connections();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() throws IOException {
        return engine.syncDaemons();
    }
}
