package io.jlvs.vrrp.runtime;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpReceiveResult;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.TrackFile;
import io.jlvs.vrrp.settings.TrackInterface;
import io.jlvs.vrrp.settings.TrackScript;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.Action;
import io.jlvs.vrrp.state.SyncGroup;
import io.jlvs.vrrp.state.SyncStep;
import io.jlvs.vrrp.state.Transition;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.state.VrrpStateMachine;
import io.jlvs.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs VRRP instances (and their sync groups) for real, on one platform thread: receives adverts with bounded
 * polls, runs the state machines' timers against {@code clock} (System.nanoTime in production), and carries out
 * their actions — adverts, virtual addresses, gratuitous ARPs, notify scripts and FIFO lines, log lines in
 * keepalived's words. Tracks the instances' interfaces (link down is FAULT unless dont_track_primary), track
 * scripts (interval, timeout, rise/fall, weight) and track files. {@link #stop()} is graceful: a MASTER sends
 * priority 0 and every instance removes its addresses.
 *
 * <p>The loop's parts ({@code open}, {@code step}, {@code shutdown}) are package-private, for tests that step
 * routers by hand with a fake clock.
 */
public final class VrrpRouter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VrrpRouter.class);
    /**
     * keepalived's detail lines ({@code -D}: "sent 0 priority", "Receive advertisement timeout", ...): at INFO
     * on this logger when it is enabled for INFO ({@code jlvs run -D} enables it; the daemon's logging
     * configuration leaves it at WARN), else at DEBUG on {@link #LOG}.
     */
    public static final String DETAIL_LOGGER = "io.jlvs.vrrp.detail.VrrpRouter";
    private static final Logger DETAIL = LoggerFactory.getLogger(DETAIL_LOGGER);
    /** The longest the loop waits on a socket, so that trackers and stop requests are seen quickly. */
    static final long MAX_WAIT_NANOS = 50_000_000L;
    private static final int MAX_PACKETS_PER_STEP = 64;
    private static final long ERROR_PAUSE_NANOS = 100_000_000L;

    private final List<VrrpInstanceSettings> settings;
    private final List<SyncGroupSettings> groupSettings;
    private final VrrpHost host;
    private final LongSupplier clock;
    private final VrrpRouterListener listener;
    private final ScriptExecutor scripts;
    private final Notifier notifier;
    private final ReportedLinks reportedLinks;
    /** The tracked interfaces' links as last heard (up or not), to act on changes only. Router thread. */
    private final Map<String, Boolean> links = new HashMap<>();
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Map<String, InstanceRuntime> instances = new LinkedHashMap<>();
    private final Map<String, SyncGroup> groupOf = new HashMap<>();
    private final List<SyncGroup> groups = new ArrayList<>();
    private final Map<String, ScriptCheck> scriptChecks = new LinkedHashMap<>();
    private final List<FileCheck> fileChecks = new ArrayList<>();
    /** The instances as {@link #status()} sees them, published once {@link #open()} is done. */
    private volatile Map<String, InstanceRuntime> published = Map.of();
    /** The vrrp_scripts as {@link #scripts()} sees them, published with the instances. */
    private volatile List<ScriptCheck> publishedScripts = List.of();
    private AutoCloseable linkWatch;
    private Thread thread;
    private volatile boolean stopping;
    private boolean opened;
    private boolean shutDown;

    public VrrpRouter(List<VrrpInstanceSettings> settings, List<SyncGroupSettings> groups, VrrpHost host,
                      LongSupplier clock, VrrpRouterListener listener) {
        this(settings, groups, host, clock, listener, new ScriptRunner());
    }

    /** As above, with another way of running track and notify scripts. */
    public VrrpRouter(List<VrrpInstanceSettings> settings, List<SyncGroupSettings> groups, VrrpHost host,
               LongSupplier clock, VrrpRouterListener listener, ScriptExecutor scripts) {
        this(settings, groups, host, clock, listener, scripts, new ReportedLinks());
    }

    /**
     * As above; a link change is logged once for all the routers that share {@code reportedLinks} (the
     * daemon's, one router per unit).
     */
    public VrrpRouter(List<VrrpInstanceSettings> settings, List<SyncGroupSettings> groups, VrrpHost host,
               LongSupplier clock, VrrpRouterListener listener, ScriptExecutor scripts, ReportedLinks reportedLinks) {
        this.reportedLinks = reportedLinks;
        this.settings = List.copyOf(settings);
        this.groupSettings = List.copyOf(groups);
        this.host = host;
        this.clock = clock;
        this.listener = listener;
        this.scripts = scripts;
        this.notifier = new Notifier(scripts);
    }

    /** Opens everything and runs the loop on a platform thread named {@code jlvs-vrrp}. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        open();
        thread = Thread.ofPlatform().name("jlvs-vrrp").start(this::loop);
    }

    /** Graceful stop: priority 0 from a MASTER, addresses removed, notify STOP; returns when done. */
    public void stop() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        if (thread == null && opened) {
            shutdown(clock.getAsLong());
        }
    }

    /**
     * A reload that changed only these instances' priorities, virtual addresses, routes, rules or notify
     * scripts ({@link VrrpInstanceSettings#inPlaceChangeOf}): applied on the loop within its next step, as
     * keepalived applies it, without a stop; the next notification runs the new scripts. A MASTER removes the rules, routes and addresses that are gone, adds the new
     * ones and sends gratuitous ARPs (or unsolicited NAs) for the new addresses, keeping the others in place;
     * adverts carry the new address list and priority. A MASTER stays MASTER unless a peer now outranks it.
     * Any thread.
     */
    public void reconfigure(List<VrrpInstanceSettings> next) {
        inbox.add(() -> {
            long now = clock.getAsLong();
            for (VrrpInstanceSettings s : next) {
                InstanceRuntime rt = instances.get(s.name());
                if (rt != null) {
                    reconfigure(rt, s, now);
                }
            }
        });
    }

    private void reconfigure(InstanceRuntime rt, VrrpInstanceSettings next, long now) {
        VrrpInstanceSettings old = rt.settings;
        boolean interval = old.advertIntervalCentis() != next.advertIntervalCentis();
        if (interval) {
            execute(rt, rt.machine.setAdvertInterval(now, next.advertIntervalCentis()));
        }
        boolean master = rt.machine.state() == VrrpState.MASTER;
        if (master) {
            for (VirtualRule r : old.virtualRules()) {
                if (!next.virtualRules().contains(r)) {
                    hostCall(old, "removing rule " + r, () -> host.removeRule(r));
                }
            }
            for (VirtualRoute r : old.virtualRoutes()) {
                if (!next.virtualRoutes().contains(r)) {
                    hostCall(old, "removing route " + r, () -> host.removeRoute(old.interfaceName(), r));
                }
            }
            for (VirtualIpAddress v : old.virtualAddresses()) {
                if (!next.virtualAddresses().contains(v)) {
                    hostCall(old, "removing " + v.address(), () -> host.removeAddress(v.deviceOr(old.interfaceName()), v));
                    LOG.info("({}) virtual address {} removed by the reload", old.name(), v.address());
                }
            }
        }
        rt.reconfigure(next);
        if (master) {
            for (VirtualIpAddress v : next.virtualAddresses()) {
                if (!old.virtualAddresses().contains(v)) {
                    String dev = v.deviceOr(next.interfaceName());
                    hostCall(next, "adding " + v.address(), () -> host.addAddress(dev, v));
                    LOG.info("({}) virtual address {} added by the reload; sending gratuitous {}", next.name(),
                            v.address(), v.address().isV4() ? "ARPs" : "NAs");
                    int repeat = next.garpMasterRepeat();
                    hostCall(next, "gratuitous ARP for " + v.address(),
                            () -> host.sendGratuitousArp(dev, v.address(), repeat > 0 ? repeat : 1));
                }
            }
            for (VirtualRoute r : next.virtualRoutes()) {
                if (!old.virtualRoutes().contains(r)) {
                    hostCall(next, "adding route " + r, () -> host.addRoute(next.interfaceName(), r));
                }
            }
            for (VirtualRule r : next.virtualRules()) {
                if (!old.virtualRules().contains(r)) {
                    hostCall(next, "adding rule " + r, () -> host.addRule(r));
                }
            }
        }
        if (old.configuredPriority() != next.configuredPriority()) {
            // the machine logs "Changing effective priority from X to Y"
            execute(rt, rt.machine.setBasePriority(now, next.configuredPriority()));
        }
        rt.refresh();
        if (rt.machine.state() == VrrpState.MASTER && (interval || old.configuredPriority() != next.configuredPriority()
                || !old.virtualAddresses().equals(next.virtualAddresses()))) {
            // as keepalived after a reload: the peers hear the new priority, interval and addresses at once
            advert(rt, rt.machine.effectivePriority());
        }
    }

    /** One change to the host; a failure is logged and stops none of the others. */
    private static void hostCall(VrrpInstanceSettings s, String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("({}) {} failed: {}", s.name(), what, e.toString());
        }
    }

    /** Every instance's status, in configuration order (empty before start). Any thread. */
    public List<VrrpInstanceStatus> status() {
        return published.values().stream().map(InstanceRuntime::status).toList();
    }

    /** Every tracked vrrp_script's status, in configuration order (empty before start). Any thread. */
    public List<VrrpScriptStatus> scripts() {
        return publishedScripts.stream().map(c -> new VrrpScriptStatus(c.script.name(), c.good, c.running)).toList();
    }

    public VrrpInstanceStatus status(String instance) {
        InstanceRuntime rt = published.get(instance);
        if (rt == null) {
            throw new IllegalArgumentException("no vrrp_instance " + instance);
        }
        return rt.status();
    }

    private void loop() {
        try {
            while (!stopping) {
                try {
                    step(true);
                } catch (RuntimeException e) {
                    // a socket error (the interface went away...) must not end VRRP; pause so as not to spin
                    LOG.warn("VRRP loop: {}", e.toString());
                    java.util.concurrent.locks.LockSupport.parkNanos(ERROR_PAUSE_NANOS);
                }
            }
        } finally {
            shutdown(clock.getAsLong());
        }
    }

    // ---- setup --------------------------------------------------------------------------------------------

    /** Opens transports, reads the trackers' first states, starts every instance and group. */
    void open() {
        if (opened) {
            throw new IllegalStateException("already open");
        }
        opened = true;
        try {
            long now = clock.getAsLong();
            Map<String, Boolean> initial = new HashMap<>();
            for (VrrpInstanceSettings s : settings) {
                for (TrackScript ts : s.trackScripts()) {
                    scriptChecks.computeIfAbsent(ts.name(), n -> new ScriptCheck(ts, now)).instances.add(s.name());
                    initial.put(VrrpInstanceSettings.scriptTracker(ts.name()), !ts.initFail());
                }
            }
            for (VrrpInstanceSettings s : settings) {
                if (instances.containsKey(s.name())) {
                    throw new IllegalArgumentException("duplicate vrrp_instance " + s.name());
                }
                List<IpAddress> vipAddresses = s.virtualAddresses().stream().map(VirtualIpAddress::address).toList();
                IpAddress primary = s.unicastSource() != null ? s.unicastSource()
                        : host.primaryAddress(s.interfaceName(), vipAddresses, s.family()).orElseThrow(() ->
                                new IllegalArgumentException("(" + s.name() + ") interface " + s.interfaceName()
                                        + (s.family() == AddressFamily.INET ? " has no IPv4 address"
                                                : " has no IPv6 link-local address")));
                Map<String, Integer> contributions = new HashMap<>();
                for (TrackFile f : s.trackFiles()) {
                    FileCheck fc = new FileCheck(s.name(), f, now);
                    fileChecks.add(fc);
                    int v = fc.read();
                    fc.last = v;
                    initial.put(VrrpInstanceSettings.fileTracker(f.name()), !fileFaults(f, v));
                    if (f.weight() != 0) {
                        contributions.put(f.name(), v * f.weight());
                    }
                }
                VrrpInstanceConfig config = s.toConfig(primary, tracker -> {
                    if (tracker.startsWith("interface:")) {
                        return host.linkUp(tracker.substring("interface:".length()));
                    }
                    return initial.getOrDefault(tracker, true);
                });
                // as keepalived does at start: addresses left by an earlier run (a crash) are not ours to keep
                for (VirtualIpAddress v : s.virtualAddresses()) {
                    try {
                        host.removeAddress(v.deviceOr(s.interfaceName()), v);
                    } catch (RuntimeException e) {
                        LOG.debug("({}) removing {} at start: {}", s.name(), v.address(), e.toString());
                    }
                }
                VrrpTransport transport = host.openTransport(s.interfaceName(), s.unicast(), primary);
                InstanceRuntime rt = new InstanceRuntime(s, config, primary, transport);
                rt.fileContributions.putAll(contributions);
                instances.put(s.name(), rt);
                applyFilePriority(rt, now, false);
            }
            for (SyncGroupSettings g : groupSettings) {
                List<VrrpStateMachine> members = new ArrayList<>();
                for (String m : g.members()) {
                    InstanceRuntime rt = instances.get(m);
                    if (rt == null) {
                        throw new IllegalArgumentException("vrrp_sync_group " + g.name() + ": no instance " + m);
                    }
                    if (groupOf.containsKey(m)) {
                        throw new IllegalArgumentException("instance " + m + " is in two sync groups");
                    }
                    members.add(rt.machine);
                }
                SyncGroup group = new SyncGroup(g.name(), members);
                groups.add(group);
                for (String m : g.members()) {
                    groupOf.put(m, group);
                }
            }
            for (VrrpInstanceSettings s : settings) {
                if (!s.dontTrackPrimary()) {
                    links.put(s.interfaceName(), host.linkUp(s.interfaceName()));
                }
                for (TrackInterface t : s.trackInterfaces()) {
                    links.put(t.name(), host.linkUp(t.name()));
                }
            }
            links.forEach(reportedLinks::current);
            if (!links.isEmpty()) {
                linkWatch = host.watchLinks((name, up) -> inbox.add(() -> linkChanged(name, up)));
            }
            for (SyncGroup g : groups) {
                execute(g, g.start(now));
            }
            for (InstanceRuntime rt : instances.values()) {
                if (!groupOf.containsKey(rt.name())) {
                    execute(rt, rt.machine.start(now));
                }
            }
            published = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(instances));
            publishedScripts = List.copyOf(scriptChecks.values());
        } catch (RuntimeException e) {
            closeResources();
            throw e;
        }
    }

    // ---- the loop -----------------------------------------------------------------------------------------

    /**
     * One turn: queued events, due checks, packets (waiting on the first socket when {@code block}), timers. The
     * timers run for the time taken just before the sockets were last read, not for the time after: a thread that
     * lost the CPU (or a GC pause) between the reads and the timers would otherwise find a MASTER_DOWN deadline
     * passed while the master's advert, received before it, was still waiting unread, and take over for nothing.
     */
    void step(boolean block) {
        long now = clock.getAsLong();
        drainInbox();
        runChecks(now);
        List<InstanceRuntime> all = List.copyOf(instances.values());
        if (block && !all.isEmpty()) {
            long wait = Math.clamp(nextWake(now) - now, 0, all.size() > 1 ? MAX_WAIT_NANOS / 5 : MAX_WAIT_NANOS);
            byte[] p = all.getFirst().transport.receive((int) ((wait + 999_999) / 1_000_000));
            if (p != null) {
                handle(all.getFirst(), p, clock.getAsLong());
            }
        }
        // every packet that came before this instant is read below (unless a socket holds more than a step takes)
        long read = clock.getAsLong();
        for (InstanceRuntime rt : all) {
            byte[] p;
            for (int i = 0; i < MAX_PACKETS_PER_STEP && (p = rt.transport.poll()) != null; i++) {
                handle(rt, p, clock.getAsLong());
            }
        }
        runTimers(read);
    }

    private long nextWake(long now) {
        long wake = now + MAX_WAIT_NANOS;
        for (InstanceRuntime rt : instances.values()) {
            if (rt.machine.nextDeadline().isPresent()) {
                wake = Math.min(wake, rt.machine.nextDeadline().getAsLong());
            }
        }
        for (ScriptCheck c : scriptChecks.values()) {
            if (!c.running) {
                wake = Math.min(wake, c.nextAt);
            }
        }
        for (FileCheck f : fileChecks) {
            wake = Math.min(wake, f.nextAt);
        }
        return wake;
    }

    private void drainInbox() {
        for (Runnable r = inbox.poll(); r != null; r = inbox.poll()) {
            r.run();
        }
    }

    private void handle(InstanceRuntime rt, byte[] packet, long now) {
        switch (rt.decode(packet)) {
            case VrrpReceiveResult.Accepted a -> {
                int prio = a.advertisement().priority();
                int interval = a.advertisement().advertIntervalCentis();
                SyncGroup g = groupOf.get(rt.name());
                if (g != null) {
                    execute(g, g.onAdvert(rt.name(), now, prio, a.source(), interval));
                } else {
                    execute(rt, rt.machine.onAdvert(now, prio, a.source(), interval));
                }
            }
            case VrrpReceiveResult.Dropped d -> {
                if (d.config() != null) {
                    log(d.logLine());
                } else {
                    LOG.debug(d.logLine());
                }
            }
        }
    }

    private void runTimers(long now) {
        for (SyncGroup g : groups) {
            if (g.nextDeadline().isPresent() && g.nextDeadline().getAsLong() <= now) {
                execute(g, g.onTimer(now));
            }
        }
        for (InstanceRuntime rt : instances.values()) {
            if (!groupOf.containsKey(rt.name()) && rt.machine.nextDeadline().isPresent()
                    && rt.machine.nextDeadline().getAsLong() <= now) {
                execute(rt, rt.machine.onTimer(now));
            }
        }
    }

    // ---- trackers -----------------------------------------------------------------------------------------

    private void tracker(String instance, String tracker, boolean up) {
        long now = clock.getAsLong();
        InstanceRuntime rt = instances.get(instance);
        SyncGroup g = groupOf.get(instance);
        if (g != null) {
            execute(g, g.onTracker(instance, now, tracker, up));
        } else {
            execute(rt, rt.machine.onTracker(now, tracker, up));
        }
    }

    /**
     * A netlink message about a link. The kernel sends several for one change (flags, then carrier or operstate:
     * {@code ip link set eth0 up} first reports the link up without carrier, which is down here), and other
     * routers of the daemon hear them too: only a change is acted on, and logged once for all of them.
     */
    private void linkChanged(String ifname, boolean up) {
        Boolean known = links.get(ifname);
        if (known == null || known == up) {
            return;
        }
        links.put(ifname, up);
        if (reportedLinks.report(ifname, up)) {
            log("Netlink reports " + ifname + (up ? " up" : " down"));
        }
        for (InstanceRuntime rt : instances.values()) {
            VrrpInstanceSettings s = rt.settings;
            boolean mine = (!s.dontTrackPrimary() && s.interfaceName().equals(ifname))
                    || s.trackInterfaces().stream().map(TrackInterface::name).anyMatch(ifname::equals);
            if (mine) {
                tracker(rt.name(), VrrpInstanceSettings.interfaceTracker(ifname), up);
            }
        }
    }

    private void runChecks(long now) {
        for (ScriptCheck c : scriptChecks.values()) {
            if (!c.running && now >= c.nextAt) {
                c.running = true;
                c.startedAt = now;
                Thread.ofVirtual().name("jlvs-vrrp-script-" + c.script.name()).start(() -> {
                    ScriptResult r = scripts.run(c.script.argv(), c.script.timeoutMillis());
                    inbox.add(() -> scriptDone(c, r));
                });
            }
        }
        for (FileCheck f : fileChecks) {
            if (now >= f.nextAt) {
                f.nextAt = now + f.file.intervalMillis() * 1_000_000L;
                int v = f.read();
                if (v != f.last) {
                    f.last = v;
                    fileChanged(f, v, now);
                }
            }
        }
    }

    private void scriptDone(ScriptCheck c, ScriptResult r) {
        long now = clock.getAsLong();
        c.running = false;
        c.nextAt = Math.max(now, c.startedAt + c.script.intervalMillis() * 1_000_000L);
        if (r.timedOut()) {
            log("VRRP_Script(" + c.script.name() + ") timed_out");
        }
        boolean wasUp = c.state.up();
        if (c.state.record(r.succeeded())) {
            c.good = c.state.up();
            log("VRRP_Script(" + c.script.name() + ") " + (c.state.up() ? "succeeded"
                    : "failed (exited with status " + r.exitCode() + ")"));
            for (String instance : c.instances) {
                tracker(instance, VrrpInstanceSettings.scriptTracker(c.script.name()), !wasUp);
            }
        }
    }

    private void fileChanged(FileCheck f, int value, long now) {
        InstanceRuntime rt = instances.get(f.instance);
        log("VRRP_Track_File(" + f.file.name() + ") value changed to " + value);
        if (f.file.weight() != 0) {
            rt.fileContributions.put(f.file.name(), value * f.file.weight());
            applyFilePriority(rt, now, true);
        }
        tracker(f.instance, VrrpInstanceSettings.fileTracker(f.file.name()), !fileFaults(f.file, value));
    }

    private static boolean fileFaults(TrackFile f, int value) {
        return f.weight() == 0 ? value != 0 : (long) value * f.weight() <= -254;
    }

    /** A weighted track file moves the base priority (an address owner keeps 255). */
    private void applyFilePriority(InstanceRuntime rt, long now, boolean act) {
        int configured = rt.machine.config().priority();
        if (configured == VrrpInstanceConfig.PRIORITY_OWNER || rt.settings.trackFiles().isEmpty()) {
            return;
        }
        int sum = rt.fileContributions.values().stream().mapToInt(Integer::intValue).sum();
        int base = Math.clamp((long) configured + sum, 1, VrrpInstanceConfig.PRIORITY_OWNER - 1);
        if (base != rt.machine.basePriority()) {
            Transition t = rt.machine.setBasePriority(now, base);
            if (act) {
                execute(rt, t);
            } else {
                rt.refresh();
            }
        }
    }

    // ---- actions ------------------------------------------------------------------------------------------

    private void execute(SyncGroup g, SyncStep step) {
        for (Transition t : step.transitions()) {
            execute(instances.get(t.instance()), t);
        }
        for (Action a : step.groupActions()) {
            switch (a) {
                case Action.Log l -> log(l.line());
                case Action.Notify n -> notifier.group(g.name(), g.members().stream()
                        .map(m -> instances.get(m.name()).settings.notifySettings()).toList(), n.event());
                default -> {
                }
            }
        }
    }

    private void execute(InstanceRuntime rt, Transition t) {
        VrrpInstanceSettings s = rt.settings;
        for (Action a : t.actions()) {
            try {
                switch (a) {
                    case Action.SendAdvert adv -> advert(rt, adv.priority());
                    case Action.AddVips ignored -> {
                        for (VirtualIpAddress v : s.virtualAddresses()) {
                            try {
                                host.addAddress(v.deviceOr(s.interfaceName()), v);
                            } catch (RuntimeException e) {
                                LOG.error("({}) adding {}/{} failed: {}", s.name(), v.address(), v.prefixLength(),
                                        e.toString());
                            }
                        }
                        routes(rt, true);
                    }
                    case Action.RemoveVips ignored -> {
                        routes(rt, false);
                        for (VirtualIpAddress v : s.virtualAddresses()) {
                            host.removeAddress(v.deviceOr(s.interfaceName()), v);
                        }
                    }
                    case Action.SendGarp g -> garp(rt, g.repeat());
                    case Action.Notify n -> {
                        notifier.instance(s.name(), s.notifySettings(), n.event(), n.priority());
                    }
                    case Action.Log l when l.detail() -> {
                        if (DETAIL.isInfoEnabled()) {
                            DETAIL.info(l.line());
                        } else {
                            LOG.debug(l.line());
                        }
                        listener.log(l.line());
                    }
                    case Action.Log l -> log(l.line());
                    case Action.SetTimer ignored -> {
                    }
                    case Action.CancelTimer ignored -> {
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("({}) {} failed: {}", s.name(), a, e.toString());
            }
        }
        rt.refresh();
        if (t.changed()) {
            rt.transitioned(t.state());
            listener.transition(t.instance(), t.from(), t.state());
        }
    }

    /**
     * Sends one advert. One that cannot go out (sendto's ENETUNREACH while the link is down) is not an error
     * per advert: a WARN line, once until an advert goes out again, and only a DEBUG line while the link is
     * known to be down (the instance is entering FAULT, which keepalived does quietly).
     */
    private void advert(InstanceRuntime rt, int priority) {
        try {
            rt.sendAdvert(priority);
            rt.advertsFailing = false;
        } catch (RuntimeException e) {
            String ifname = rt.settings.interfaceName();
            if (rt.advertsFailing || Boolean.FALSE.equals(links.get(ifname))) {
                LOG.debug("({}) advert not sent on {}: {}", rt.name(), ifname, e.getMessage());
            } else {
                LOG.warn("({}) cannot send adverts on {}: {}; not logged again until one goes out", rt.name(),
                        ifname, e.getMessage());
            }
            rt.advertsFailing = true;
        }
    }

    /**
     * virtual_routes and virtual_rules follow the addresses: added after them (routes, then rules), removed
     * before them (rules, then routes); one failure stops none.
     */
    private void routes(InstanceRuntime rt, boolean add) {
        VrrpInstanceSettings s = rt.settings;
        if (!add) {
            rules(rt, false);
        }
        for (VirtualRoute r : s.virtualRoutes()) {
            try {
                if (add) {
                    host.addRoute(s.interfaceName(), r);
                } else {
                    host.removeRoute(s.interfaceName(), r);
                }
            } catch (RuntimeException e) {
                LOG.error("({}) {} route {} failed: {}", s.name(), add ? "adding" : "removing", r, e.toString());
            }
        }
        if (add) {
            rules(rt, true);
        }
    }

    private void rules(InstanceRuntime rt, boolean add) {
        VrrpInstanceSettings s = rt.settings;
        for (VirtualRule r : s.virtualRules()) {
            try {
                if (add) {
                    host.addRule(r);
                } else {
                    host.removeRule(r);
                }
            } catch (RuntimeException e) {
                LOG.error("({}) {} rule {} failed: {}", s.name(), add ? "adding" : "removing", r, e.toString());
            }
        }
    }

    private void garp(InstanceRuntime rt, int repeat) {
        if (repeat <= 0) {
            return;
        }
        VrrpInstanceSettings s = rt.settings;
        for (VirtualIpAddress v : s.virtualAddresses()) {
            LOG.info("({}) Sending gratuitous {} on {} for {}", s.name(), v.address().isV4() ? "ARPs" : "NAs",
                    v.deviceOr(s.interfaceName()), v.address());
            host.sendGratuitousArp(v.deviceOr(s.interfaceName()), v.address(), repeat);
        }
    }

    private void log(String line) {
        LOG.info(line);
        listener.log(line);
    }

    // ---- stop ---------------------------------------------------------------------------------------------

    void shutdown(long now) {
        if (shutDown || !opened) {
            return;
        }
        shutDown = true;
        drainInbox();
        for (SyncGroup g : groups) {
            execute(g, g.stop(now));
        }
        for (InstanceRuntime rt : instances.values()) {
            if (!groupOf.containsKey(rt.name())) {
                execute(rt, rt.machine.stop(now));
            }
        }
        closeResources();
    }

    private void closeResources() {
        if (linkWatch != null) {
            try {
                linkWatch.close();
            } catch (Exception e) {
                LOG.debug("link monitor close: {}", e.toString());
            }
        }
        for (InstanceRuntime rt : instances.values()) {
            rt.transport.close();
        }
        notifier.close();
        host.close();
    }

    /** One vrrp_script, shared by the instances that track it. */
    private static final class ScriptCheck {
        final TrackScript script;
        final RiseFall state;
        final List<String> instances = new ArrayList<>();
        long nextAt;
        long startedAt;
        volatile boolean running;
        /** {@code state.up()}, readable from other threads. */
        volatile boolean good;

        ScriptCheck(TrackScript script, long now) {
            this.script = script;
            this.state = new RiseFall(script.rise(), script.fall(), !script.initFail());
            this.good = state.up();
            this.nextAt = now;
        }
    }

    /** One instance's track file. */
    private static final class FileCheck {
        final String instance;
        final TrackFile file;
        long nextAt;
        int last;

        FileCheck(String instance, TrackFile file, long now) {
            this.instance = instance;
            this.file = file;
            this.nextAt = now + file.intervalMillis() * 1_000_000L;
        }

        int read() {
            try {
                String text = Files.readString(file.file()).trim();
                return text.isEmpty() ? 0 : Integer.parseInt(text.split("\\s+")[0]);
            } catch (IOException | NumberFormatException e) {
                return 0;
            }
        }
    }
}
