package io.jlvs.cli.vrrp;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.LvsSyncDaemonDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.vrrp.state.VrrpState;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * global_defs {@code lvs_sync_daemon} at run time, as keepalived 2.2.7 drives the kernel's sync daemons: while the
 * named vrrp_instance is MASTER the master daemon runs, in any other state (INIT at start, BACKUP, FAULT) the
 * backup daemon, and on stop neither. Without an instance both run until the service closes. The syncid defaults
 * to the instance's virtual_router_id (0 without an instance). The daemons are started and stopped with the same
 * commands as {@code jlvsadm --start-daemon/--stop-daemon}, so {@code jlvsadm -L --daemon} lists them; a failed
 * command is logged in keepalived's words and the rest goes on. A reload that changes the daemons' settings
 * restarts them, one that removes the keyword (or names an instance that does not exist) stops them. Thread-safe.
 */
public final class LvsSyncDaemons {
    private static final Logger LOG = LoggerFactory.getLogger(LvsSyncDaemons.class);
    /** The kernel's IP_VS_SO_SET_STARTDAEMON and IP_VS_SO_SET_STOPDAEMON, as keepalived prints them. */
    private static final int SET_STARTDAEMON = 1162;
    private static final int SET_STOPDAEMON = 1163;

    private final IpvsControl control;
    private final Consumer<String> events;
    /** What the keyword asks for; null = nothing. Guarded by {@code this}. */
    private Target target;
    /** The followed instance's last known state; null before it reports one. Guarded by {@code this}. */
    private VrrpState state;
    /** The daemons this class started and has not stopped, by state ("master", "backup"). Guarded by {@code this}. */
    private final Map<String, SyncDaemonView> running = new LinkedHashMap<>();
    private boolean closed;

    /** The keyword resolved against the configuration: the instance followed (null = none) and both daemons. */
    private record Target(String instance, SyncDaemonView master, SyncDaemonView backup) {
        SyncDaemonView daemon(String which) {
            return which.equals("master") ? master : backup;
        }
    }

    /**
     * @param control where the start/stop commands go (the director, as the control socket would send them)
     * @param events  where failures go for users to see, besides the log
     */
    public LvsSyncDaemons(IpvsControl control, Consumer<String> events) {
        this.control = control;
        this.events = events;
    }

    /**
     * Applies a (re)loaded configuration; {@code stateOf} gives a running instance's current state, or null.
     */
    public synchronized void configure(KeepalivedConfig config, Function<String, VrrpState> stateOf) {
        if (closed) {
            return;
        }
        Target next = resolve(config.globalDefs().lvsSyncDaemon(), config.vrrpInstances());
        state = next == null || next.instance() == null ? null : stateOf.apply(next.instance());
        apply(next);
    }

    /** A VRRP instance changed state. */
    public synchronized void transition(String instance, VrrpState to) {
        if (closed || target == null || !instance.equals(target.instance())) {
            return;
        }
        state = to;
        apply(target);
    }

    /** Stops the daemons still running (keepalived's shutdown). */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        apply(null);
    }

    /** The daemons this class runs now, in the order they were started. */
    public synchronized List<SyncDaemonView> running() {
        return List.copyOf(running.values());
    }

    private Target resolve(LvsSyncDaemonDef d, List<VrrpInstanceDef> instances) {
        if (d == null) {
            return null;
        }
        int syncId = d.syncId() == null ? 0 : d.syncId();
        if (d.vrrpInstance() != null) {
            VrrpInstanceDef found = instances.stream().filter(i -> i.name().equals(d.vrrpInstance()))
                    .findFirst().orElse(null);
            if (found == null) {
                String line = "Unable to find vrrp instance " + d.vrrpInstance()
                        + " for lvs_syncd - clearing lvs_syncd config";
                LOG.warn(line);
                events.accept(line);
                return null;
            }
            syncId = d.syncId() == null ? found.virtualRouterId() : d.syncId();
        }
        String group = d.group() == null ? null : d.group().toString();
        return new Target(d.vrrpInstance(),
                new SyncDaemonView("master", d.iface(), syncId, d.maxLen(), group, d.port(), d.ttl()),
                new SyncDaemonView("backup", d.iface(), syncId, d.maxLen(), group, d.port(), d.ttl()));
    }

    /** Which daemons should run: both without an instance, else master in MASTER, none once stopped, else backup. */
    private List<String> wanted(Target t) {
        if (t == null) {
            return List.of();
        }
        if (t.instance() == null) {
            return List.of("master", "backup");
        }
        if (state == VrrpState.MASTER) {
            return List.of("master");
        }
        return state == VrrpState.STOP ? List.of() : List.of("backup");
    }

    /** Stops first what must go (keepalived stops the other daemon before it starts the new one), then starts. */
    private void apply(Target next) {
        List<String> wanted = wanted(next);
        for (Map.Entry<String, SyncDaemonView> e : List.copyOf(running.entrySet())) {
            if (!wanted.contains(e.getKey()) || !e.getValue().equals(next.daemon(e.getKey()))) {
                stop(e.getKey());
            }
        }
        target = next;
        for (String which : wanted) {
            if (!running.containsKey(which)) {
                start(next.daemon(which));
            }
        }
    }

    private void start(SyncDaemonView d) {
        try {
            control.execute(new IpvsCommand.StartDaemon(d));
            running.put(d.state(), d);
            LOG.info("lvs_sync_daemon: {} sync daemon started on {} (syncid {})", d.state(), d.mcastInterface(),
                    d.syncId());
        } catch (IpvsException | IOException e) {
            failed("IP_VS_SO_SET_STARTDAEMON", SET_STARTDAEMON, d.state(), e);
        }
    }

    private void stop(String which) {
        running.remove(which);
        try {
            control.execute(new IpvsCommand.StopDaemon(which));
            LOG.info("lvs_sync_daemon: {} sync daemon stopped", which);
        } catch (IpvsException | IOException e) {
            failed("IP_VS_SO_SET_STOPDAEMON", SET_STOPDAEMON, which, e);
        }
    }

    private void failed(String cmd, int code, String which, Exception e) {
        String line = "IPVS cmd " + cmd + "(" + code + ") error: " + e.getMessage() + " (" + which + ")";
        LOG.warn(line);
        events.accept(line);
    }
}
