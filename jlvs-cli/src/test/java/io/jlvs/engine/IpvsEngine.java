package io.jlvs.engine;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TEST STAND-IN for the lead's engine, so the daemon can be started before the real class is on this
 * branch. Delete this file when io.jlvs.engine.IpvsEngine arrives from jlvs-engine.
 */
public final class IpvsEngine implements IpvsControl {
    private final Map<VirtualServiceKey, VirtualService> services = new TreeMap<>();
    private final Map<VirtualServiceKey, List<RealServer>> servers = new TreeMap<>();
    private Timeouts timeouts = Timeouts.DEFAULTS;

    @Override
    public synchronized void execute(IpvsCommand command) throws IpvsException {
        switch (command) {
            case IpvsCommand.AddService c -> {
                if (services.putIfAbsent(c.service().key(), c.service()) != null) {
                    throw new IpvsException(IpvsError.SERVICE_EXISTS, "Service already exists");
                }
                servers.put(c.service().key(), new ArrayList<>());
            }
            case IpvsCommand.EditService c -> {
                require(c.service().key());
                services.put(c.service().key(), c.service());
            }
            case IpvsCommand.DeleteService c -> {
                require(c.key());
                services.remove(c.key());
                servers.remove(c.key());
            }
            case IpvsCommand.Clear c -> {
                services.clear();
                servers.clear();
            }
            case IpvsCommand.AddServer c -> {
                require(c.key());
                List<RealServer> list = servers.get(c.key());
                if (list.stream().anyMatch(rs -> rs.sameEndpoint(c.server().address(), c.server().port()))) {
                    throw new IpvsException(IpvsError.DESTINATION_EXISTS, "Destination already exists");
                }
                list.add(c.server());
            }
            case IpvsCommand.EditServer c -> {
                require(c.key());
                List<RealServer> list = servers.get(c.key());
                if (!list.removeIf(rs -> rs.sameEndpoint(c.server().address(), c.server().port()))) {
                    throw new IpvsException(IpvsError.NO_SUCH_DESTINATION, "No such destination");
                }
                list.add(c.server());
            }
            case IpvsCommand.DeleteServer c -> {
                require(c.key());
                if (!servers.get(c.key()).removeIf(rs -> rs.sameEndpoint(c.address(), c.port()))) {
                    throw new IpvsException(IpvsError.NO_SUCH_DESTINATION, "No such destination");
                }
            }
            case IpvsCommand.SetTimeouts c -> timeouts = timeouts.merge(c.timeouts());
            case IpvsCommand.Zero c -> { }
            case IpvsCommand.StartDaemon c -> { }
            case IpvsCommand.StopDaemon c -> { }
        }
    }

    private void require(VirtualServiceKey key) throws IpvsException {
        if (!services.containsKey(key)) {
            throw new IpvsException(IpvsError.NO_SUCH_SERVICE, "No such service");
        }
    }

    @Override
    public synchronized IpvsTableView table() {
        List<VirtualServiceView> views = new ArrayList<>();
        services.forEach((key, vs) -> views.add(new VirtualServiceView(vs, StatsSample.ZERO, RateSample.ZERO,
                servers.get(key).stream()
                        .map(rs -> new RealServerView(rs, 0, 0, 0, StatsSample.ZERO, RateSample.ZERO))
                        .toList())));
        return new IpvsTableView(4096, views, timeouts);
    }

    @Override
    public List<ConnectionView> connections() {
        return List.of();
    }

    @Override
    public List<SyncDaemonView> syncDaemons() {
        return List.of();
    }
}
