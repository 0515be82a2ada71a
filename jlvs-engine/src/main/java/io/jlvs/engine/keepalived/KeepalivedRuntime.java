package io.jlvs.engine.keepalived;

import io.jlvs.config.ConfigCheck;
import io.jlvs.config.HostInterfaces;
import io.jlvs.config.KeepalivedParser;
import io.jlvs.config.ParseResult;
import io.jlvs.config.Severity;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.SorryServerDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.ServiceRuntime;
import io.jlvs.health.CheckLog;
import io.jlvs.health.CheckScheduler;
import io.jlvs.health.CheckerStats;
import io.jlvs.health.CheckSubject;
import io.jlvs.health.CheckerFactory;
import io.jlvs.health.HealthTimer;
import io.jlvs.health.NotifyCommand;
import io.jlvs.health.NotifyRunner;
import io.jlvs.health.QuorumSettings;
import io.jlvs.health.RealServerHealth;
import io.jlvs.health.ScriptRunner;
import io.jlvs.health.SorryServer;
import io.jlvs.health.SystemHealthTimer;
import io.jlvs.health.VirtualServerHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * keepalived.conf driving the IPVS table: the configured virtual and real servers are applied to the engine
 * through {@link IpvsCommand}s (so the engine validates them as it validates jlvsadm), health checkers run on
 * virtual threads and move real servers in and out of the pool, and {@link #reload()} applies only what
 * changed. Services the file does not name (added with jlvsadm) are left alone.
 * <p>Every change to the table made from here runs on one apply thread, in order: the initial load, reloads,
 * and the pool changes health checking asks for. A health event only triggers a reconciliation of its block
 * (the pool is recomputed from the block's health state and the engine edited where it differs), so a late
 * or repeated event does no harm.
 */
public final class KeepalivedRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KeepalivedRuntime.class);
    private static final Logger checkLogger = LoggerFactory.getLogger("io.jlvs.health");
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(60);

    private final IpvsEngine engine;
    private final Path file;
    private final Function<Path, ParseResult> parser;
    /** The ERROR problems' messages of the configuration running now: a reload may keep them (applier thread). */
    private java.util.Set<String> acceptedErrors = java.util.Set.of();
    private final HealthTimer timer;
    private final KeepalivedEvents events;
    private final RandomGenerator random;
    private final CheckLog checkLog;
    private final ExecutorService applier;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
    private final CheckScheduler scheduler;
    /** Written by the checkers' threads, read by /metrics. */
    private final CheckerStats checkerStats = new CheckerStats();
    private final AtomicLong reloads = new AtomicLong();
    /** Reloads refused (the running configuration kept), and whether the last load or reload was. */
    private final AtomicLong refusedReloads = new AtomicLong();
    private volatile boolean lastReloadRefused;
    private final BfdWiring bfd;

    // Owner: the apply thread (replaced whole, never changed in place: volatile for checkedRealServers()).
    private volatile Map<String, BlockRuntime> blocks = new LinkedHashMap<>();
    private final Set<VirtualServiceKey> owned = new HashSet<>();
    private HealthSetup health;
    private volatile KeepalivedConfig config = KeepalivedConfig.empty();
    private Changes changes = new Changes();

    /**
     * @param parser reads {@code file} (a {@link KeepalivedParser} in production)
     * @param timer  when checkers run ({@link SystemHealthTimer} in production)
     * @param random seeds warmup delays, DNS ids, UDP payloads
     */
    public KeepalivedRuntime(IpvsEngine engine, Path file, Function<Path, ParseResult> parser, HealthTimer timer,
                             RandomGenerator random, KeepalivedEvents events) {
        this.engine = engine;
        this.file = file;
        this.parser = parser;
        this.timer = timer;
        this.random = random;
        this.events = events;
        this.checkLog = new CheckLog(line -> {
            checkLogger.info(line);
            events.checker(line);
        });
        this.applier = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("jlvs-keepalived-apply").factory());
        this.scheduler = new CheckScheduler(timer, checks, random, checkerStats);
        this.bfd = BfdWiring.create(random.nextLong(), line -> {
            checkLogger.info(line);
            events.checker(line);
        });
    }

    /** The production runtime: this host's parser ({@code configId} null = the host name), the system clock. */
    public static KeepalivedRuntime create(IpvsEngine engine, Path file, String configId, KeepalivedEvents events) {
        KeepalivedParser parser = configId == null ? KeepalivedParser.forHost()
                : new KeepalivedParser(configId, HostInterfaces.system(), System.nanoTime());
        return new KeepalivedRuntime(engine, file, parser::parse, new SystemHealthTimer(),
                new SplittableRandom(), events);
    }

    public Path file() {
        return file;
    }

    /** The running session of bfd_instance {@code name}, if any. */
    public java.util.Optional<io.jlvs.health.bfd.BfdSession> bfdSession(String name) {
        io.jlvs.health.bfd.BfdSessions s = bfd.sessions();
        return s == null ? java.util.Optional.empty() : s.session(name);
    }

    /** The configuration now applied. */
    public KeepalivedConfig config() {
        return config;
    }

    /** Reloads applied since start. */
    /** Attempts, failures and last latency of every running checker, for /metrics. */
    public List<CheckerStats.Sample> checkerStats() {
        return checkerStats.samples();
    }

    /**
     * Every real_server of every running virtual_server block with its checkers' verdict, in file order, for the
     * keepalived.data dump. Any thread.
     */
    public List<CheckedRealServer> checkedRealServers() {
        List<CheckedRealServer> out = new ArrayList<>();
        for (BlockRuntime b : blocks.values()) {
            for (VirtualServiceKey key : b.block.keys()) {
                for (BlockRuntime.Member m : b.members) {
                    RealServerDef rs = m.def();
                    out.add(new CheckedRealServer(key, rs.address(), rs.port(),
                            b.block.realServer(key, rs, rs.weight()), m.health().weight(), rs.inhibitOnFailure(),
                            m.health().isAlive(), m.health().failedCheckers()));
                }
            }
        }
        return out;
    }

    /** Reloads refused since start: the file had a problem, the running configuration was kept. */
    public long refusedReloads() {
        return refusedReloads.get();
    }

    /** False when the last reload was refused (an alert: the file on disk is not what runs). */
    public boolean lastReloadSuccessful() {
        return !lastReloadRefused;
    }

    public long reloads() {
        return reloads.get();
    }

    /**
     * Loads the file and applies it. As keepalived, errors in the file are logged and what could be read is
     * applied; only a fatal problem (file missing, unreadable) refuses to start.
     */
    public ReloadResult start() {
        return onApplier(() -> load(true));
    }

    /**
     * Re-reads the file. When it has any error the running configuration is kept (and every problem logged);
     * otherwise only the differences are applied: unchanged services and real servers are not touched, and
     * checker state carries over for real servers whose checkers did not change.
     */
    public ReloadResult reload() {
        return onApplier(() -> load(false));
    }

    /** {@link #reload()} without waiting (for a signal handler). */
    public CompletableFuture<ReloadResult> reloadAsync() {
        return CompletableFuture.supplyAsync(() -> load(false), applier);
    }

    private ReloadResult onApplier(java.util.function.Supplier<ReloadResult> task) {
        try {
            return CompletableFuture.supplyAsync(task, applier).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + file, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("loading " + file + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** keepalived's corrections that keep what the file means: they never refuse a reload. */
    static boolean harmlessCorrection(String message) {
        return message.startsWith("Warning: Virtual server ")
                && message.endsWith(": protocol specified for fwmark - protocol will be ignored")
                || message.startsWith("WARNING - fwmark virtual server ") && message.endsWith(" has port specified - clearing")
                || message.startsWith("WARNING - virtual server ") && message.endsWith(" ports don't match - resetting");
    }

    private ReloadResult load(boolean initial) {
        ParseResult parsed = parser.apply(file);
        List<String> lines = ConfigCheck.lines(parsed);
        // a reload is refused for an error the running configuration did not have (a typo in the edit, a lost
        // brace, an unknown protocol that would turn a TCP service into a UDP one). Not for one it was accepted
        // with, nor for the corrections keepalived makes that leave what the file means as it is (a fwmark
        // block's protocol ignored, a DR real server's port cleared or reset): either would refuse every later
        // reload of a file the daemon runs, as keepalived's own examples are written
        java.util.function.Predicate<io.jlvs.config.ConfigProblem> refuses = p -> p.severity() == Severity.FATAL
                || !initial && p.severity() == Severity.ERROR && !acceptedErrors.contains(p.message())
                && !harmlessCorrection(p.message());
        boolean refused = parsed.problems().stream().anyMatch(refuses);
        for (io.jlvs.config.ConfigProblem p : parsed.problems()) {
            String line = p.format(true);
            // a located line names its file already ("(keepalived.conf: Line 5) ..."), as keepalived logs it
            String text = line.startsWith("(") ? line : file + ": " + line;
            if (refused && refuses.test(p)) {
                // why the file is refused, at the level of the refusal, so that filtering on errors shows it
                log.error("{}", text);
            } else {
                log.warn("{}", text);
            }
            events.config(line);
        }
        if (refused) {
            String summary = initial
                    ? "Not starting: " + file + " cannot be used (" + lines.size() + " problem(s))"
                    : "Reload of " + file + " refused (" + lines.size()
                    + " problem(s)); keeping the running configuration";
            log.error(summary);
            events.reload(summary);
            if (!initial) {
                refusedReloads.incrementAndGet();
                lastReloadRefused = true;
            }
            return new ReloadResult(false, parsed.problems(), summary);
        }
        changes = new Changes();
        try {
            apply(parsed.config());
        } catch (RuntimeException e) {
            log.error("applying {} failed part way", file, e);
        }
        config = parsed.config();
        acceptedErrors = parsed.problems().stream().filter(p -> p.severity() == Severity.ERROR)
                .map(io.jlvs.config.ConfigProblem::message).collect(java.util.stream.Collectors.toUnmodifiableSet());
        long n = initial ? reloads.get() : reloads.incrementAndGet();
        lastReloadRefused = false;
        String summary = (initial ? "Loaded " : "Reloaded ") + file + ": " + blocks.size() + " virtual server(s); "
                + changes + (initial ? "" : " (reload " + n + ")");
        log.info(summary);
        events.reload(summary);
        return new ReloadResult(true, parsed.problems(), summary);
    }

    // ---- applying a configuration (apply thread) -------------------------------------------------------------

    private void apply(KeepalivedConfig next) {
        bfd.apply(next);
        if (next.globalDefs().lvsTimeouts() != null) {
            // as keepalived sets them at start and on reload (ipvsadm --set; 0 leaves one as it is)
            execute(new IpvsCommand.SetTimeouts(next.globalDefs().lvsTimeouts()));
        }
        HealthSetup setup = new HealthSetup(next);
        boolean sameHealth = setup.sameAs(health);
        List<ServiceBlock> nextBlocks = ConfigMapping.blocks(next, this::warn);
        Set<VirtualServiceKey> nextKeys = new HashSet<>();
        Set<String> nextIds = new HashSet<>();
        for (ServiceBlock b : nextBlocks) {
            nextKeys.addAll(b.keys());
            nextIds.add(b.id());
        }
        for (BlockRuntime old : blocks.values()) {
            if (!nextIds.contains(old.block.id())) {
                retire(old);
                old.block.keys().stream().filter(k -> !nextKeys.contains(k)).forEach(this::deleteService);
            }
        }
        Map<String, BlockRuntime> running = new LinkedHashMap<>();
        for (ServiceBlock b : nextBlocks) {
            BlockRuntime old = blocks.get(b.id());
            if (old != null && sameHealth && setup.logAllFailures == health.logAllFailures && old.block.equals(b)) {
                running.put(b.id(), old);
                continue;
            }
            if (old != null) {
                retire(old);
                old.block.keys().stream().filter(k -> !nextKeys.contains(k)).forEach(this::deleteService);
                removeDropped(old, b);
            }
            for (VirtualService vs : b.services()) {
                ensureService(vs);
            }
            BlockRuntime br = build(b, old, setup, sameHealth);
            running.put(b.id(), br);
            br.health.start(setup.rsInitNotifies ? br.firstConfigured : List.of());
            br.members.forEach(m -> scheduler.add(m.health()));
            reconcile(br, true);
        }
        blocks = running;
        health = setup;
    }

    /** Real servers (and a sorry server) the old block managed that the new one no longer has. */
    private void removeDropped(BlockRuntime old, ServiceBlock next) {
        boolean first = true;
        for (VirtualServiceKey key : old.block.keys()) {
            if (!next.keys().contains(key)) {
                continue;
            }
            boolean log = first;
            first = false;
            Set<Endpoint> keep = new HashSet<>();
            next.def().realServers().forEach(rs -> keep.add(next.endpoint(key, rs)));
            RealServer nextSorry = next.sorryServer(key, 0);
            if (nextSorry != null) {
                keep.add(new Endpoint(nextSorry.address(), nextSorry.port()));
            }
            List<Endpoint> managed = new ArrayList<>();
            old.block.def().realServers().forEach(rs -> managed.add(old.block.endpoint(key, rs)));
            RealServer oldSorry = old.block.sorryServer(key, 0);
            if (oldSorry != null) {
                managed.add(new Endpoint(oldSorry.address(), oldSorry.port()));
            }
            for (Endpoint e : managed) {
                if (!keep.contains(e)) {
                    place(key, e, null, log, next.label());
                }
            }
        }
    }

    private BlockRuntime build(ServiceBlock b, BlockRuntime old, HealthSetup setup, boolean sameHealth) {
        VirtualServerDef def = b.def();
        VirtualServiceKey first = b.keys().getFirst();
        BlockRuntime br = new BlockRuntime(b);
        SorryServerDef sorry = def.sorryServer();
        br.health = new VirtualServerHealth(first, b.label(),
                new QuorumSettings(Integer.toUnsignedLong(def.quorum()), Integer.toUnsignedLong(def.hysteresis()),
                        setup.notify(def.quorumUp()),
                        setup.notify(def.quorumDown())),
                sorry == null ? null : new SorryServer(sorry.address(), sorry.port(), sorry.inhibit()),
                def.omega(), event -> onHealthEvent(br), setup.notifier, checkLog);
        Set<Endpoint> stored = new HashSet<>();
        for (RealServerDef rs : def.realServers()) {
            Endpoint id = new Endpoint(rs.address(), rs.port());
            // DR/TUN real servers are stored with the service's port (0 in a fwmark block): two that differ only
            // in their configured port are one table entry, which two health states must not both drive
            if (br.member(id) != null || !stored.add(b.endpoint(first, rs))) {
                warn("real server " + CheckSubject.pair(rs.address(), rs.port()) + " listed twice in virtual server "
                        + b.id() + " - ignoring the second one");
                continue;
            }
            Boolean startDown = null;
            BlockRuntime.Member previous = old == null ? null : old.member(id);
            if (previous != null && sameHealth && previous.def().checkers().equals(rs.checkers())) {
                startDown = !previous.health().isAlive();
            }
            CheckSubject subject = new CheckSubject(first, rs.address(), rs.port());
            RealServerHealth h = br.health.addRealServer(rs.address(), rs.port(), rs.weight(), rs.inhibitOnFailure(),
                    setup.notify(rs.notifyUp()), setup.notify(rs.notifyDown()),
                    setup.checkers.specs(def, rs, subject, startDown));
            br.members.add(new BlockRuntime.Member(rs, id, h));
            if (previous == null) {
                br.firstConfigured.add(h);
            }
        }
        return br;
    }

    private void retire(BlockRuntime old) {
        old.active = false;
        old.members.forEach(m -> {
            scheduler.remove(m.health());
            checkerStats.forget(m.health());
        });
    }

    private void onHealthEvent(BlockRuntime br) {
        try {
            applier.execute(() -> {
                if (br.active) {
                    reconcile(br, false);
                }
            });
        } catch (RejectedExecutionException e) {
            // closing: the table is no longer maintained
        }
    }

    /**
     * Makes the engine's pool of every service of the block what its health state says: live real servers
     * with their current weight, failed ones absent (weight 0 with inhibit_on_failure), the sorry server while
     * it stands in for them (weight 1; with sorry_server_inhibit, weight 0 while it does not), as keepalived puts
     * it in IPVS, whatever the method (FULLNAT too: the proxy then sends new connections there).
     */
    private void reconcile(BlockRuntime br, boolean logChanges) {
        ServiceBlock b = br.block;
        boolean sorryMode = br.health.isSorryServerActive();
        String vsLabel = b.label();
        boolean first = true;
        for (VirtualServiceKey key : b.keys()) {
            if (engine.snapshot().service(key) == null) {
                continue;
            }
            // one line per block, as keepalived logs a group's change once, under the group's name
            boolean log = logChanges && first;
            first = false;
            for (BlockRuntime.Member m : br.members) {
                RealServerHealth h = m.health();
                RealServer want = !sorryMode && h.isAlive() ? b.realServer(key, m.def(), h.weight())
                        : m.def().inhibitOnFailure() ? b.realServer(key, m.def(), 0) : null;
                place(key, b.endpoint(key, m.def()), want, log, vsLabel);
            }
            SorryServerDef sorry = b.def().sorryServer();
            if (sorry != null) {
                RealServer want = sorryMode ? b.sorryServer(key, 1) : sorry.inhibit() ? b.sorryServer(key, 0) : null;
                RealServer any = b.sorryServer(key, 0);
                place(key, new Endpoint(any.address(), any.port()), want, log, vsLabel);
            }
        }
    }

    /** Puts {@code want} in the service (add or edit), or takes the endpoint out when {@code want} is null. */
    private void place(VirtualServiceKey key, Endpoint e, RealServer want, boolean logChanges, String vsLabel) {
        ServiceRuntime rt = engine.snapshot().service(key);
        if (rt == null) {
            return;
        }
        int i = rt.destinations().indexOf(e.address(), e.port());
        DestinationState current = i < 0 ? null : rt.destinations().get(i);
        String rsLabel = new CheckSubject(key, e.address(), e.port()).realServerLabel();
        if (want == null) {
            if (current != null && execute(new IpvsCommand.DeleteServer(key, e.address(), e.port()))) {
                changes.serversRemoved++;
                if (logChanges) {
                    checkLog.realServerAlive(false, false, rsLabel, vsLabel);
                }
            }
        } else if (current == null) {
            if (execute(new IpvsCommand.AddServer(key, want))) {
                changes.serversAdded++;
                if (logChanges) {
                    checkLog.realServerAlive(true, false, rsLabel, vsLabel);
                }
            }
        } else if (!current.config().equals(want)) {
            int from = current.config().weight();
            if (execute(new IpvsCommand.EditServer(key, want))) {
                changes.serversEdited++;
                if (logChanges && from != want.weight()) {
                    checkLog.weightChanged(from, want.weight(), true, rsLabel, vsLabel);
                }
            }
        }
    }

    private void ensureService(VirtualService vs) {
        ServiceRuntime rt = engine.snapshot().service(vs.key());
        if (rt == null) {
            if (execute(new IpvsCommand.AddService(vs))) {
                owned.add(vs.key());
                changes.servicesAdded++;
            }
        } else {
            if (!owned.contains(vs.key())) {
                log.info("virtual server {} already in the table: keepalived.conf takes it over", vs.key());
            }
            owned.add(vs.key());
            if (!rt.config().equals(vs) && execute(new IpvsCommand.EditService(vs))) {
                changes.servicesEdited++;
            }
        }
    }

    private void deleteService(VirtualServiceKey key) {
        if (owned.remove(key) && engine.snapshot().service(key) != null
                && execute(new IpvsCommand.DeleteService(key))) {
            changes.servicesRemoved++;
            checkLog.line("Removing Virtual Server " + CheckSubject.label(key));
        }
    }

    private boolean execute(IpvsCommand command) {
        try {
            engine.execute(command);
            return true;
        } catch (IpvsException e) {
            warn(command + " refused by the table: " + e.getMessage());
            return false;
        }
    }

    private void warn(String message) {
        log.warn(message);
        events.config(message);
    }

    /** Stops the checkers (omega notify scripts run) and the apply thread. The table is left as it is. */
    @Override
    public void close() {
        try {
            applier.submit(() -> blocks.values().forEach(b -> {
                b.active = false;
                b.health.stop();
            })).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("stopping health checks: {}", e.toString());
        }
        scheduler.close();
        bfd.close();
        applier.shutdownNow();
        checks.shutdownNow();
        if (timer instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("stopping the check timer: {}", e.toString());
            }
        }
    }

    /** What one load changed in the table. */
    private static final class Changes {
        int servicesAdded;
        int servicesEdited;
        int servicesRemoved;
        int serversAdded;
        int serversEdited;
        int serversRemoved;

        @Override
        public String toString() {
            return "services +" + servicesAdded + " ~" + servicesEdited + " -" + servicesRemoved
                    + ", real servers +" + serversAdded + " ~" + serversEdited + " -" + serversRemoved;
        }
    }

    /** What the checkers of one configuration share: scripts, notify runner, track files. */
    private final class HealthSetup {
        final boolean scriptSecurity;
        final String scriptUser;
        final Map<String, TrackFileDef> trackFiles = new LinkedHashMap<>();
        final NotifyRunner notifier;
        final CheckerMapping checkers;
        /** global checker_log_all_failures: a change rebuilds the checkers (their state carries over). */
        final boolean logAllFailures;
        /** global rs_init_notifies: notify_up for real servers that start in the pool when first configured. */
        final boolean rsInitNotifies;

        HealthSetup(KeepalivedConfig c) {
            logAllFailures = c.globalDefs().checkerLogAllFailures();
            rsInitNotifies = c.globalDefs().rsInitNotifies();
            scriptSecurity = c.globalDefs().enableScriptSecurity();
            scriptUser = c.globalDefs().scriptUser();
            c.trackFiles().forEach(t -> trackFiles.put(t.name(), t));
            ScriptRunner scripts = new ScriptRunner(scriptSecurity, scriptUser);
            notifier = NotifyRunner.using(scripts, checks, NOTIFY_TIMEOUT, line -> {
                checkLogger.warn(line);
                events.checker(line);
            });
            checkers = new CheckerMapping(new CheckerFactory(scripts, random), trackFiles, KeepalivedRuntime.this::warn,
                    bfd.sessions(), logAllFailures);
        }

        boolean sameAs(HealthSetup other) {
            return other != null && other.scriptSecurity == scriptSecurity
                    && java.util.Objects.equals(other.scriptUser, scriptUser) && other.trackFiles.equals(trackFiles);
        }

        NotifyCommand notify(String commandLine) {
            return commandLine == null || commandLine.isBlank() ? null : NotifyCommand.of(commandLine);
        }
    }
}
