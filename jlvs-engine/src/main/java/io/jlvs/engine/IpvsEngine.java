package io.jlvs.engine;

import io.jlvs.core.IpAddress;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The IPVS table: virtual services, their real servers and schedulers, validated as IPVS validates
 * them. Every change is made under one lock (the engine is the single writer of the table) and then
 * published as a new {@link ForwardingSnapshot} for the data planes. Deleted real servers that still
 * carry connections are kept aside (the kernel's "trash") and revived if added back.
 */
public final class IpvsEngine implements IpvsControl {
    private final EngineSettings settings;
    private final Map<String, SchedulerFactory> schedulers;
    private final RateBook rates = new RateBook();
    private final List<Consumer<ForwardingSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<ConnectionSource> connectionSources = new CopyOnWriteArrayList<>();

    /** Owner: this engine, under {@code this}. Services in ipvsadm order. */
    private final TreeMap<VirtualServiceKey, ServiceRuntime> services = new TreeMap<>();
    /** Owner: this engine, under {@code this}. Removed real servers, kept while connections point at them. */
    private final Map<RealServerKey, DestinationState> trash = new HashMap<>();
    /** Owner: this engine, under {@code this}. */
    private final Map<String, SyncDaemonView> syncDaemons = new LinkedHashMap<>();
    private volatile ForwardingSnapshot snapshot = ForwardingSnapshot.EMPTY;
    private Timeouts timeouts = Timeouts.DEFAULTS;
    /**
     * What deleted and individually zeroed services had counted: the global counters keep it, as the
     * kernel's, which only ipvsadm -Z of the whole table resets (guarded by this).
     */
    private StatsSample retired = StatsSample.ZERO;
    private long version;
    private long seedSequence;

    public IpvsEngine() {
        this(EngineSettings.defaults());
    }

    public IpvsEngine(EngineSettings settings) {
        this(settings, ServiceLoader.load(SchedulerFactory.class).stream().map(ServiceLoader.Provider::get).toList());
    }

    public IpvsEngine(EngineSettings settings, List<SchedulerFactory> factories) {
        this.settings = settings;
        Map<String, SchedulerFactory> m = new HashMap<>();
        for (SchedulerFactory f : factories) {
            m.put(f.name(), f);
        }
        this.schedulers = Map.copyOf(m);
    }

    public EngineSettings settings() {
        return settings;
    }

    /** The current published services. */
    public ForwardingSnapshot snapshot() {
        return snapshot;
    }

    /** Called (on the changing thread, after publishing) for every new snapshot, and once now. */
    public void addSnapshotListener(Consumer<ForwardingSnapshot> listener) {
        listeners.add(listener);
        listener.accept(snapshot);
    }

    public void addConnectionSource(ConnectionSource source) {
        connectionSources.add(source);
    }

    public synchronized Timeouts timeouts() {
        return timeouts;
    }

    /** Scheduler names this engine can use. */
    public java.util.Set<String> schedulerNames() {
        return schedulers.keySet();
    }

    @Override
    public synchronized void execute(IpvsCommand command) throws IpvsException {
        switch (command) {
            case IpvsCommand.AddService c -> addService(c.service());
            case IpvsCommand.EditService c -> editService(c.service());
            case IpvsCommand.DeleteService c -> deleteService(c.key());
            case IpvsCommand.Clear c -> clear();
            case IpvsCommand.AddServer c -> addServer(c.key(), c.server());
            case IpvsCommand.EditServer c -> editServer(c.key(), c.server());
            case IpvsCommand.DeleteServer c -> deleteServer(c.key(), c.address(), c.port());
            case IpvsCommand.Zero c -> zero(c.key());
            case IpvsCommand.SetTimeouts c -> {
                timeouts = timeouts.merge(c.timeouts());
                publish();
            }
            case IpvsCommand.StartDaemon c -> startDaemon(c.daemon());
            case IpvsCommand.StopDaemon c -> stopDaemon(c.state());
        }
    }

    private void addService(VirtualService s) throws IpvsException {
        if (services.containsKey(s.key())) {
            throw new IpvsException(IpvsError.SERVICE_EXISTS, "Service already exists");
        }
        ServiceValidator.checkService(s, schedulers.keySet());
        services.put(s.key(), new ServiceRuntime(s, newScheduler(s)));
        publish();
    }

    private void editService(VirtualService s) throws IpvsException {
        ServiceRuntime rt = requireService(s.key(), "No such service");
        ServiceValidator.checkService(s, schedulers.keySet());
        VirtualService old = rt.config();
        boolean schedulerChanged = !old.scheduler().equals(s.scheduler()) || !old.schedFlags().equals(s.schedFlags());
        rt.reconfigure(s, schedulerChanged ? newScheduler(s) : null);
        publish();
    }

    private void deleteService(VirtualServiceKey key) throws IpvsException {
        ServiceRuntime rt = requireService(key, "No such service");
        services.remove(key);
        retired = retired.plus(rt.counters().sample());
        for (DestinationState d : rt.destinations().asList()) {
            retire(key, d);
        }
        publish();
    }

    private void clear() {
        for (Map.Entry<VirtualServiceKey, ServiceRuntime> e : services.entrySet()) {
            retired = retired.plus(e.getValue().counters().sample());
            for (DestinationState d : e.getValue().destinations().asList()) {
                retire(e.getKey(), d);
            }
        }
        services.clear();
        publish();
    }

    private void addServer(VirtualServiceKey key, RealServer server) throws IpvsException {
        ServiceRuntime rt = requireService(key, "Service not defined");
        RealServer r = ServiceValidator.checkServer(rt.config(), server);
        DestinationSet current = rt.destinations();
        if (current.indexOf(r.address(), r.port()) >= 0) {
            throw new IpvsException(IpvsError.DESTINATION_EXISTS, "Destination already exists");
        }
        DestinationState state = trash.remove(new RealServerKey(key, r.address(), r.port()));
        if (state == null) {
            state = new DestinationState(r);
        } else {
            state.revive(r);
        }
        List<DestinationState> next = new ArrayList<>(current.size() + 1);
        next.add(state);
        next.addAll(current.asList());
        rt.replaceDestinations(new DestinationSet(next));
        publish();
    }

    private void editServer(VirtualServiceKey key, RealServer server) throws IpvsException {
        ServiceRuntime rt = requireService(key, "Service not defined");
        RealServer r = ServiceValidator.checkServer(rt.config(), server);
        int i = rt.destinations().indexOf(r.address(), r.port());
        if (i < 0) {
            throw new IpvsException(IpvsError.NO_SUCH_DESTINATION, "No such destination");
        }
        rt.destinations().get(i).reconfigure(r);
        rt.weightsChanged();
        publish();
    }

    private void deleteServer(VirtualServiceKey key, IpAddress address, int port) throws IpvsException {
        ServiceRuntime rt = requireService(key, "Service not defined");
        int i = rt.destinations().indexOf(address, port);
        if (i < 0) {
            throw new IpvsException(IpvsError.NO_SUCH_DESTINATION, "No such destination");
        }
        List<DestinationState> next = new ArrayList<>(rt.destinations().asList());
        DestinationState removed = next.remove(i);
        rt.replaceDestinations(new DestinationSet(next));
        retire(key, removed);
        publish();
    }

    private void zero(VirtualServiceKey key) throws IpvsException {
        if (key == null) {
            // ipvsadm -Z: the global counters too, as the kernel's ip_vs_zero_all
            retired = StatsSample.ZERO;
            for (ServiceRuntime rt : services.values()) {
                zero(rt);
            }
            return;
        }
        ServiceRuntime rt = requireService(key, "No such service");
        // ipvsadm -Z -t ...: that service only; the global counters keep what it counted
        retired = retired.plus(rt.counters().sample());
        zero(rt);
    }

    private void zero(ServiceRuntime rt) {
        rt.counters().zero();
        rates.reset(rt.counters());
        for (DestinationState d : rt.destinations().asList()) {
            d.counters().zero();
            rates.reset(d.counters());
        }
    }

    private void startDaemon(SyncDaemonView d) throws IpvsException {
        if (syncDaemons.containsKey(d.state())) {
            throw new IpvsException(IpvsError.SERVICE_EXISTS, "Sync daemon already running");
        }
        syncDaemons.put(d.state(), d);
    }

    private void stopDaemon(String state) throws IpvsException {
        if (syncDaemons.remove(state) == null) {
            throw new IpvsException(IpvsError.NO_SUCH_SERVICE, "No " + state + " sync daemon is running");
        }
    }

    private ServiceRuntime requireService(VirtualServiceKey key, String message) throws IpvsException {
        ServiceRuntime rt = services.get(key);
        if (rt == null) {
            throw new IpvsException(IpvsError.NO_SUCH_SERVICE, message);
        }
        return rt;
    }

    /** A real server left its service: connections to it go on; it is kept while they do. */
    private void retire(VirtualServiceKey key, DestinationState d) {
        d.markRemoved();
        if (d.activeConns() + d.inactiveConns() + d.persistConns() > 0) {
            trash.put(new RealServerKey(key, d.config().address(), d.config().port()), d);
        }
        trash.values().removeIf(t -> t.activeConns() + t.inactiveConns() + t.persistConns() == 0);
    }

    private Scheduler newScheduler(VirtualService s) {
        SchedulerFactory f = schedulers.get(s.scheduler());
        return f.create(new SchedulerOptions(s.schedFlags(), SchedulerOptions.DEFAULT_MH_TABLE_SIZE,
                0x6a6c7673L + (seedSequence++)));
    }

    private void publish() {
        ForwardingSnapshot next = new ForwardingSnapshot(++version, services, timeouts);
        snapshot = next;
        for (Consumer<ForwardingSnapshot> l : listeners) {
            l.accept(next);
        }
    }

    /** Steps the 2-second rate estimators; the daemon calls this every 2 s. */
    public synchronized void estimateRates() {
        for (ServiceRuntime rt : services.values()) {
            rates.step(rt.counters());
            for (DestinationState d : rt.destinations().asList()) {
                rates.step(d.counters());
            }
        }
    }

    @Override
    public synchronized IpvsTableView table() {
        List<VirtualServiceView> out = new ArrayList<>(services.size());
        for (ServiceRuntime rt : services.values()) {
            List<RealServerView> rs = new ArrayList<>();
            for (DestinationState d : rt.destinations().asList()) {
                rs.add(new RealServerView(d.config(), d.activeConns(), d.inactiveConns(), d.persistConns(),
                        d.counters().sample(), rates.rate(d.counters())));
            }
            out.add(new VirtualServiceView(rt.config(), rt.counters().sample(), rates.rate(rt.counters()), rs));
        }
        StatsSample totals = retired;
        for (VirtualServiceView v : out) {
            totals = totals.plus(v.stats());
        }
        return new IpvsTableView(settings.connTableSize(), out, timeouts, totals);
    }

    @Override
    public List<ConnectionView> connections() {
        List<ConnectionView> out = new ArrayList<>();
        for (ConnectionSource s : connectionSources) {
            s.collect(out);
        }
        return out;
    }

    @Override
    public synchronized List<SyncDaemonView> syncDaemons() {
        return List.copyOf(syncDaemons.values());
    }
}
