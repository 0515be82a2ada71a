package io.jlvs.cli.vrrp;

import io.jlvs.admin.VrrpInstanceView;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.vrrp.runtime.LinuxVrrpHost;
import io.jlvs.vrrp.runtime.ReportedLinks;
import io.jlvs.vrrp.runtime.ScriptExecutor;
import io.jlvs.vrrp.runtime.ScriptRunner;
import io.jlvs.vrrp.runtime.VrrpHost;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.runtime.VrrpRouter;
import io.jlvs.vrrp.runtime.VrrpRouterListener;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's VRRP: the {@code vrrp_instance} blocks of keepalived.conf run by {@link VrrpRouter}s. Each sync
 * group, and each instance in no group, is one unit with a router (and thread) of its own, so that a reload
 * restarts only what changed: an unchanged unit keeps running in its state, one whose priorities, virtual
 * addresses, routes, rules or notify scripts changed takes them while running (as keepalived), any other changed one is stopped
 * gracefully and started again, a removed one is stopped gracefully (a MASTER sends priority 0), an added one is started.
 * State changes go to the event sink in keepalived's words ({@code (VI_1) Entering MASTER STATE}); what the
 * runtime cannot honour is logged once as a warning. A unit that fails to start is logged and left out; the
 * others run. With a sync-daemon control, global_defs {@code lvs_sync_daemon} drives the IPVS sync daemons from
 * the named instance's state ({@link LvsSyncDaemons}). Thread-safe.
 */
public final class VrrpService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpService.class);

    private final Consumer<String> events;
    private final Supplier<VrrpHost> hosts;
    private final LongSupplier clock;
    private final ScriptExecutor scripts;
    /** null: lvs_sync_daemon is not acted on (no control given). */
    private final LvsSyncDaemons syncDaemons;
    /** Shared by the units' routers, so that a link change is logged once however many of them track it. */
    private final ReportedLinks reportedLinks = new ReportedLinks();
    /** Guarded by {@code this}. */
    private final Map<String, Unit> units = new LinkedHashMap<>();
    private final Set<String> warned = new HashSet<>();
    /** The units running now, for readers that must not wait for a reload in progress. */
    private volatile List<Unit> live = List.of();
    /** The running instances' names and VIPs in configuration order, replaced on reload. */
    private volatile List<VrrpInstanceSettings> running = List.of();
    private volatile List<String> warnings = List.of();
    private boolean closed;

    private record UnitSpec(String key, List<VrrpInstanceSettings> instances, List<SyncGroupSettings> groups) {
    }

    private record Unit(UnitSpec spec, VrrpRouter router) {
    }

    private VrrpService(Consumer<String> events, Supplier<VrrpHost> hosts, LongSupplier clock,
                        ScriptExecutor scripts, IpvsControl syncControl) {
        this.events = events;
        this.hosts = hosts;
        this.clock = clock;
        this.scripts = scripts;
        this.syncDaemons = syncControl == null ? null : new LvsSyncDaemons(syncControl, events);
    }

    /** Starts the configuration's VRRP instances on this host (raw sockets, rtnetlink); none: nothing runs. */
    public static VrrpService start(KeepalivedConfig config, Consumer<String> eventSink) {
        return start(config, eventSink, LinuxVrrpHost::new, System::nanoTime, new ScriptRunner());
    }

    /** As above; lvs_sync_daemon starts and stops sync daemons through {@code syncControl} (the director). */
    public static VrrpService start(KeepalivedConfig config, Consumer<String> eventSink, IpvsControl syncControl) {
        return start(config, eventSink, LinuxVrrpHost::new, System::nanoTime, new ScriptRunner(), syncControl);
    }

    /**
     * As above with another host (one is asked for per router; the router closes it), clock and script runner.
     */
    public static VrrpService start(KeepalivedConfig config, Consumer<String> eventSink, Supplier<VrrpHost> hosts,
                                    LongSupplier clock, ScriptExecutor scripts) {
        return start(config, eventSink, hosts, clock, scripts, null);
    }

    /** As above, lvs_sync_daemon driving sync daemons through {@code syncControl}; null: not acted on. */
    public static VrrpService start(KeepalivedConfig config, Consumer<String> eventSink, Supplier<VrrpHost> hosts,
                                    LongSupplier clock, ScriptExecutor scripts, IpvsControl syncControl) {
        VrrpService s = new VrrpService(eventSink, hosts, clock, scripts, syncControl);
        s.reload(config);
        return s;
    }

    /**
     * Whether {@code next} may be applied to the running unit {@code now}: the same groups and instances, in
     * order, each changed in its priority, virtual addresses, routes, rules or notify scripts only
     * ({@link VrrpInstanceSettings#inPlaceChangeOf}); anything else restarts the unit.
     */
    private static boolean inPlace(UnitSpec now, UnitSpec next) {
        if (!now.groups().equals(next.groups()) || now.instances().size() != next.instances().size()) {
            return false;
        }
        for (int i = 0; i < now.instances().size(); i++) {
            if (!now.instances().get(i).inPlaceChangeOf(next.instances().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Applies a new configuration; returns when every stop and start is done. */
    public synchronized void reload(KeepalivedConfig config) {
        if (closed) {
            throw new IllegalStateException("VRRP service is closed");
        }
        VrrpMapping mapping = VrrpSettingsMapper.map(config);
        for (String w : mapping.warnings()) {
            if (warned.add(w)) {
                LOG.warn("VRRP: {}", w);
            }
        }
        warnings = mapping.warnings();
        Map<String, UnitSpec> wanted = units(mapping);
        List<String> stopped = new ArrayList<>();
        for (Map.Entry<String, Unit> e : List.copyOf(units.entrySet())) {
            UnitSpec next = wanted.get(e.getKey());
            if (next != null && !e.getValue().spec().equals(next) && inPlace(e.getValue().spec(), next)) {
                // as keepalived reloads it: the running unit takes the new priorities and addresses, no stop,
                // no priority 0, no failover
                LOG.info("VRRP: {}: new priority, addresses, routes, rules or notify scripts, applied without a "
                        + "restart", e.getKey());
                e.getValue().router().reconfigure(next.instances());
                units.put(e.getKey(), new Unit(next, e.getValue().router()));
            } else if (!e.getValue().spec().equals(next)) {
                LOG.info("VRRP: stopping {} ({})", e.getKey(), next == null ? "removed" : "changed");
                e.getValue().router().close();
                units.remove(e.getKey());
                stopped.add(e.getKey());
            }
        }
        Map<String, Unit> next = new LinkedHashMap<>();
        for (UnitSpec spec : wanted.values()) {
            Unit u = units.get(spec.key());
            if (u == null) {
                u = startUnit(spec, stopped.contains(spec.key()));
            }
            if (u != null) {
                next.put(spec.key(), u);
            }
        }
        units.clear();
        units.putAll(next);
        List<VrrpInstanceSettings> order = new ArrayList<>();
        for (VrrpInstanceSettings s : mapping.instances()) {
            if (next.values().stream().anyMatch(u -> u.spec().instances().contains(s))) {
                order.add(s);
            }
        }
        running = List.copyOf(order);
        live = List.copyOf(next.values());
        if (syncDaemons != null) {
            syncDaemons.configure(config, this::stateOf);
        }
    }

    private VrrpState stateOf(String instance) {
        for (Unit u : live) {
            for (VrrpInstanceStatus st : u.router().status()) {
                if (st.name().equals(instance)) {
                    return st.state();
                }
            }
        }
        return null;
    }

    private Unit startUnit(UnitSpec spec, boolean restart) {
        try {
            VrrpRouter router = new VrrpRouter(spec.instances(), spec.groups(), hosts.get(), clock, listener(),
                    scripts, reportedLinks);
            router.start();
            LOG.info("VRRP: {} {}", restart ? "restarted" : "started", spec.key());
            return new Unit(spec, router);
        } catch (RuntimeException e) {
            LOG.error("VRRP: {} cannot start: {}", spec.key(), e.getMessage());
            events.accept("VRRP " + spec.key() + " cannot start: " + e.getMessage());
            return null;
        }
    }

    private VrrpRouterListener listener() {
        return new VrrpRouterListener() {
            @Override
            public void transition(String instance, VrrpState from, VrrpState to) {
                if (syncDaemons != null) {
                    syncDaemons.transition(instance, to);
                }
                if (to == VrrpState.STOP) {
                    events.accept("(" + instance + ") Stopped");
                }
            }

            @Override
            public void log(String line) {
                if (line.contains(") Entering ") || line.startsWith("VRRP_Group(")) {
                    events.accept(line);
                }
            }
        };
    }

    /** Sync groups first claim their members; every other instance is a unit of its own. */
    private static Map<String, UnitSpec> units(VrrpMapping m) {
        Map<String, SyncGroupSettings> groupOf = new LinkedHashMap<>();
        for (SyncGroupSettings g : m.syncGroups()) {
            g.members().forEach(name -> groupOf.put(name, g));
        }
        Map<String, UnitSpec> out = new LinkedHashMap<>();
        for (VrrpInstanceSettings s : m.instances()) {
            SyncGroupSettings g = groupOf.get(s.name());
            if (g == null) {
                out.put("vrrp_instance " + s.name(), new UnitSpec("vrrp_instance " + s.name(), List.of(s), List.of()));
            } else if (!out.containsKey("vrrp_sync_group " + g.name())) {
                List<VrrpInstanceSettings> members = m.instances().stream()
                        .filter(i -> g.members().contains(i.name())).toList();
                out.put("vrrp_sync_group " + g.name(),
                        new UnitSpec("vrrp_sync_group " + g.name(), members, List.of(g)));
            }
        }
        return out;
    }

    /** Every running instance's status, in configuration order. Any thread. */
    public List<VrrpInstanceStatus> statuses() {
        return views().stream().map(VrrpInstanceView::status).toList();
    }

    /**
     * Every tracked vrrp_script's status, in configuration order. Units are separate routers, so a script tracked
     * by instances in two units runs in each; the first one's status is shown. Any thread.
     */
    public List<io.jlvs.vrrp.runtime.VrrpScriptStatus> scripts() {
        Map<String, io.jlvs.vrrp.runtime.VrrpScriptStatus> byName = new LinkedHashMap<>();
        for (Unit u : live) {
            u.router().scripts().forEach(st -> byName.putIfAbsent(st.name(), st));
        }
        return List.copyOf(byName.values());
    }

    /** Every running instance's status with its VIPs, in configuration order: for the admin API. Any thread. */
    public List<VrrpInstanceView> views() {
        Map<String, VrrpInstanceStatus> byName = new LinkedHashMap<>();
        for (Unit u : live) {
            u.router().status().forEach(st -> byName.put(st.name(), st));
        }
        List<VrrpInstanceView> out = new ArrayList<>();
        for (VrrpInstanceSettings s : running) {
            VrrpInstanceStatus st = byName.get(s.name());
            if (st != null) {
                out.add(new VrrpInstanceView(st, s.virtualAddresses()));
            }
        }
        return out;
    }

    /** The warnings of the configuration last applied: keywords the runtime does not honour. */
    public List<String> warnings() {
        return warnings;
    }

    /** Graceful stop of every instance: a MASTER sends priority 0 and every VIP is removed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Unit u : units.values()) {
            try {
                u.router().close();
            } catch (RuntimeException e) {
                LOG.warn("VRRP: stopping {}: {}", u.spec().key(), e.toString());
            }
        }
        units.clear();
        running = List.of();
        live = List.of();
        if (syncDaemons != null) {
            syncDaemons.close();
        }
    }

    /** The sync daemons lvs_sync_daemon runs now (none without the keyword or a sync-daemon control). */
    public List<io.jlvs.core.view.SyncDaemonView> lvsSyncDaemons() {
        return syncDaemons == null ? List.of() : syncDaemons.running();
    }
}
