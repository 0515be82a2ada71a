package io.jlvs.packet.sync;

import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.packet.Dataplane;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sync daemons of one director (at most one master and one backup, as IPVS allows), started and
 * stopped by --start-daemon / --stop-daemon, over the packet data plane's workers. Thread-safe.
 */
public final class SyncDaemons implements AutoCloseable {
    private final Supplier<List<Dataplane>> dataplanes;
    private final SyncStats stats = new SyncStats();
    private final boolean multicastLoop;
    private SyncMaster master;
    private SyncBackup backup;
    /** What the running daemons were started with, to start them again over new workers. */
    private SyncDaemonView masterView;
    private SyncDaemonView backupView;

    /**
     * @param dataplanes    the packet data plane's workers at the time a daemon starts (may be empty)
     * @param multicastLoop deliver our own multicast to local listeners (off, as the kernel; on for tests
     *                      pairing two directors on one host)
     */
    public SyncDaemons(Supplier<List<Dataplane>> dataplanes, boolean multicastLoop) {
        this.dataplanes = dataplanes;
        this.multicastLoop = multicastLoop;
    }

    /**
     * {@code d} as the kernel's start_sync_thread completes it, which is what {@code ipvsadm -L --daemon} then
     * shows: group 224.0.0.81 when none is given, port 8848, TTL 1, and the message size limit from
     * {@code --sync-maxlen} or the interface's MTU ({@link SyncProtocol#maxLength}).
     */
    public static SyncDaemonView asStarted(SyncDaemonView d, int interfaceMtu) {
        String group = d.group() == null ? SyncProtocol.DEFAULT_GROUP : d.group();
        boolean v6 = group.indexOf(':') >= 0;
        return new SyncDaemonView(d.state(), d.mcastInterface(), d.syncId(),
                SyncProtocol.maxLength("master".equals(d.state()), d.maxLen(), interfaceMtu, v6), group,
                d.port() == 0 ? SyncProtocol.DEFAULT_PORT : d.port(), d.ttl() == 0 ? SyncProtocol.DEFAULT_TTL : d.ttl());
    }

    /** Starts the daemon {@code d} describes; IOException with one line when the interface or socket fails. */
    public synchronized void start(SyncDaemonView d) throws IOException {
        NetworkInterface nif = NetworkInterface.getByName(d.mcastInterface());
        if (nif == null) {
            throw new IOException("Unknown mcast interface: " + d.mcastInterface());
        }
        InetAddress groupAddress = InetAddress.getByName(d.group() == null ? SyncProtocol.DEFAULT_GROUP : d.group());
        int port = d.port() == 0 ? SyncProtocol.DEFAULT_PORT : d.port();
        int ttl = d.ttl() == 0 ? SyncProtocol.DEFAULT_TTL : d.ttl();
        boolean v6 = groupAddress instanceof Inet6Address;
        InetSocketAddress group = new InetSocketAddress(groupAddress, port);
        if ("master".equals(d.state())) {
            if (master != null) {
                throw new IOException("a master sync daemon is already running");
            }
            int maxLength = SyncProtocol.maxLength(true, d.maxLen(), nif.getMTU(), v6);
            MulticastOutput out = new MulticastOutput(group, nif, ttl, multicastLoop);
            master = new SyncMaster(dataplanes.get(), d.syncId(), maxLength, out, stats, System::nanoTime,
                    SyncProtocol.FLUSH_NANOS).start();
            masterView = d;
        } else {
            if (backup != null) {
                throw new IOException("a backup sync daemon is already running");
            }
            int maxLength = SyncProtocol.maxLength(false, d.maxLen(), nif.getMTU(), v6);
            backup = new SyncBackup(dataplanes.get(), d.syncId(), stats).start(group, nif, maxLength);
            backupView = d;
        }
    }

    /**
     * The packet data plane started (or its workers changed): running daemons took the workers they found
     * when they started, none before the data plane ran, so each starts again over the workers there are now.
     */
    public synchronized void dataPlaneStarted() throws java.io.UncheckedIOException {
        for (SyncDaemonView d : new SyncDaemonView[] {masterView, backupView}) {
            if (d != null) {
                stop(d.state());
                try {
                    start(d);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException("sync daemon " + d.state() + " not restarted: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Stops the master or backup daemon ("master"/"backup"); nothing when it does not run. */
    public synchronized void stop(String state) {
        if ("master".equals(state) && master != null) {
            master.close();
            master = null;
            masterView = null;
        } else if ("backup".equals(state) && backup != null) {
            backup.close();
            backup = null;
            backupView = null;
        }
    }

    public SyncStats stats() {
        return stats;
    }

    /**
     * Every counter for /metrics: {@link SyncStats#asMap}, plus the records the workers could not queue
     * (sync_ring_full) and could not apply (added to sync_drop_&lt;reason&gt;) and applied (sync_conns_applied).
     */
    public synchronized Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(stats.asMap());
        List<Dataplane> planes = dataplanes.get();
        long applied = 0;
        for (Dataplane d : planes) {
            applied += d.syncApplied();
            for (SyncDropReason r : SyncDropReason.values()) {
                m.merge("sync_drop_" + r.name().toLowerCase(Locale.ROOT), d.syncDrops(r), Long::sum);
            }
        }
        m.put("sync_conns_applied", applied);
        m.put("sync_ring_full", master == null ? 0 : master.ringDrops());
        return m;
    }

    @Override
    public synchronized void close() {
        stop("master");
        stop("backup");
    }
}
