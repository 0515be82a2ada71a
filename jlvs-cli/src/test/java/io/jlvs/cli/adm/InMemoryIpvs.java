package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An IPVS table in memory that applies commands as the kernel does (and refuses them with the kernel's errno),
 * records every command, and lists services and real servers in insertion order (so that jlvsadm's own sorting
 * and --nosort are visible). Counters are set by tests.
 */
final class InMemoryIpvs implements IpvsControl {
    static final Set<String> SCHEDULERS = Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
            "fo", "ovf", "mh", "twos");

    private static final class Dest {
        RealServer server;
        int active;
        int inactive;
        int persist;
        StatsSample stats = StatsSample.ZERO;
        RateSample rates = RateSample.ZERO;
    }

    private static final class Svc {
        VirtualService service;
        StatsSample stats = StatsSample.ZERO;
        RateSample rates = RateSample.ZERO;
        final List<Dest> dests = new ArrayList<>();
    }

    private final Map<VirtualServiceKey, Svc> services = new LinkedHashMap<>();
    private final Map<String, SyncDaemonView> daemons = new LinkedHashMap<>();
    private final List<IpvsCommand> executed = new ArrayList<>();
    private List<ConnectionView> connections = List.of();
    private Timeouts timeouts = Timeouts.DEFAULTS;
    private int connTableSize = 4096;

    List<IpvsCommand> executed() {
        return executed;
    }

    void connections(List<ConnectionView> conns) {
        this.connections = List.copyOf(conns);
    }

    void connTableSize(int size) {
        this.connTableSize = size;
    }

    void serviceCounters(VirtualServiceKey key, StatsSample stats, RateSample rates) {
        Svc s = services.get(key);
        s.stats = stats;
        s.rates = rates;
    }

    void serverCounters(VirtualServiceKey key, IpAddress address, int port, int active, int inactive, int persist,
                        StatsSample stats, RateSample rates) {
        Dest d = find(services.get(key), address, port);
        d.active = active;
        d.inactive = inactive;
        d.persist = persist;
        d.stats = stats;
        d.rates = rates;
    }

    void apply(IpvsCommand... commands) {
        for (IpvsCommand c : commands) {
            try {
                execute(c);
            } catch (IpvsException e) {
                throw new IllegalStateException(c + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void execute(IpvsCommand command) throws IpvsException {
        executed.add(command);
        if (command instanceof IpvsCommand.AddService a) {
            if (services.containsKey(a.service().key())) {
                throw new IpvsException(IpvsError.SERVICE_EXISTS, "exists");
            }
            checkScheduler(a.service());
            Svc s = new Svc();
            s.service = a.service();
            services.put(a.service().key(), s);
        } else if (command instanceof IpvsCommand.EditService e) {
            Svc s = service(e.service().key());
            checkScheduler(e.service());
            s.service = e.service();
        } else if (command instanceof IpvsCommand.DeleteService d) {
            service(d.key());
            services.remove(d.key());
        } else if (command instanceof IpvsCommand.Clear) {
            services.clear();
        } else if (command instanceof IpvsCommand.AddServer a) {
            Svc s = service(a.key());
            if (find(s, a.server().address(), a.server().port()) != null) {
                throw new IpvsException(IpvsError.DESTINATION_EXISTS, "exists");
            }
            Dest d = new Dest();
            d.server = a.server();
            s.dests.add(d);
        } else if (command instanceof IpvsCommand.EditServer e) {
            Dest d = dest(service(e.key()), e.server().address(), e.server().port());
            d.server = e.server();
        } else if (command instanceof IpvsCommand.DeleteServer d) {
            Svc s = service(d.key());
            s.dests.remove(dest(s, d.address(), d.port()));
        } else if (command instanceof IpvsCommand.Zero z) {
            for (Svc s : z.key() == null ? List.copyOf(services.values()) : List.of(service(z.key()))) {
                s.stats = StatsSample.ZERO;
                s.rates = RateSample.ZERO;
                for (Dest d : s.dests) {
                    d.stats = StatsSample.ZERO;
                    d.rates = RateSample.ZERO;
                }
            }
        } else if (command instanceof IpvsCommand.SetTimeouts t) {
            timeouts = timeouts.merge(t.timeouts());
        } else if (command instanceof IpvsCommand.StartDaemon s) {
            if (daemons.containsKey(s.daemon().state())) {
                throw new IpvsException(IpvsError.SERVICE_EXISTS, "daemon exists");
            }
            daemons.put(s.daemon().state(), s.daemon());
        } else if (command instanceof IpvsCommand.StopDaemon s) {
            if (daemons.remove(s.state()) == null) {
                throw new IpvsException(IpvsError.NO_SUCH_SERVICE, "no daemon");
            }
        }
    }

    private static void checkScheduler(VirtualService s) throws IpvsException {
        if (!SCHEDULERS.contains(s.scheduler())
                || (s.persistenceEngine() != null && !s.persistenceEngine().equals("sip"))) {
            throw new IpvsException(IpvsError.SCHEDULER_NOT_FOUND, "no scheduler");
        }
    }

    private Svc service(VirtualServiceKey key) throws IpvsException {
        Svc s = services.get(key);
        if (s == null) {
            throw new IpvsException(IpvsError.NO_SUCH_SERVICE, "no service");
        }
        return s;
    }

    private static Dest find(Svc s, IpAddress address, int port) {
        for (Dest d : s.dests) {
            if (d.server.sameEndpoint(address, port)) {
                return d;
            }
        }
        return null;
    }

    private static Dest dest(Svc s, IpAddress address, int port) throws IpvsException {
        Dest d = find(s, address, port);
        if (d == null) {
            throw new IpvsException(IpvsError.NO_SUCH_DESTINATION, "no destination");
        }
        return d;
    }

    @Override
    public IpvsTableView table() {
        List<VirtualServiceView> views = new ArrayList<>();
        for (Svc s : services.values()) {
            List<RealServerView> rs = new ArrayList<>();
            for (Dest d : s.dests) {
                rs.add(new RealServerView(d.server, d.active, d.inactive, d.persist, d.stats, d.rates));
            }
            views.add(new VirtualServiceView(s.service, s.stats, s.rates, rs));
        }
        return new IpvsTableView(connTableSize, views, timeouts);
    }

    @Override
    public List<ConnectionView> connections() {
        return connections;
    }

    @Override
    public List<SyncDaemonView> syncDaemons() {
        return List.copyOf(daemons.values());
    }
}
