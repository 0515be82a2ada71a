package io.jlvs.health;

import io.jlvs.core.model.VirtualServiceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A virtual server's side of health checking, as keepalived's ipwrapper does it: real servers enter and leave the
 * pool (or drop to weight 0 with inhibit_on_failure), the quorum (sum of live weights) is tracked with hysteresis
 * (gained at {@code >= quorum + hysteresis}, lost below {@code quorum - hysteresis}), quorum_up/quorum_down run once
 * per crossing, and the sorry_server replaces the real servers while the quorum is lost.
 * All state is guarded by {@link #lock}; events go to the listener under it, in order.
 */
public final class VirtualServerHealth {

    final ReentrantLock lock = new ReentrantLock();

    private final VirtualServiceKey key;
    private final String label;
    private final QuorumSettings quorum;
    private final SorryServer sorry;
    private final boolean omega;
    private final HealthListener listener;
    private final NotifyRunner notifier;
    private final CheckLog log;
    private final List<RealServerHealth> realServers = new ArrayList<>(); // guarded by lock
    private boolean quorumUp; // guarded by lock
    private boolean sorryAlive; // guarded by lock
    private boolean started; // guarded by lock

    public VirtualServerHealth(VirtualServiceKey key, QuorumSettings quorum, SorryServer sorry, boolean omega,
                               HealthListener listener, NotifyRunner notifier, CheckLog log) {
        this(key, CheckSubject.label(key), quorum, sorry, omega, listener, notifier, log);
    }

    /**
     * @param label how log lines name the virtual server (keepalived's FMT_VS: {@code [G1]:0} for a
     *              virtual_server_group, whose services {@code key} is the first of)
     */
    public VirtualServerHealth(VirtualServiceKey key, String label, QuorumSettings quorum, SorryServer sorry,
                               boolean omega, HealthListener listener, NotifyRunner notifier, CheckLog log) {
        this.key = key;
        this.label = label;
        this.quorum = quorum == null ? QuorumSettings.DEFAULT : quorum;
        this.sorry = sorry;
        this.omega = omega;
        this.listener = listener;
        this.notifier = notifier;
        this.log = log;
    }

    public VirtualServiceKey key() {
        return key;
    }

    CheckLog log() {
        return log;
    }

    /** Adds a real server (before {@link #start()}). */
    public RealServerHealth addRealServer(io.jlvs.core.IpAddress address, int port, int weight,
                                          boolean inhibitOnFailure, NotifyCommand notifyUp, NotifyCommand notifyDown,
                                          List<CheckerSpec> checkers) {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("add real servers before start()");
            }
            RealServerHealth rs = new RealServerHealth(this, new CheckSubject(key, address, port), weight,
                    inhibitOnFailure, notifyUp, notifyDown, checkers);
            realServers.add(rs);
            return rs;
        } finally {
            lock.unlock();
        }
    }

    public List<RealServerHealth> realServers() {
        lock.lock();
        try {
            return List.copyOf(realServers);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Emits the initial pool: every real server that starts alive (no alpha checker) goes up, an inhibited one
     * that starts down goes in with weight 0; then the quorum is evaluated (the sorry server goes in if it is
     * not met).
     */
    public void start() {
        start(List.of());
    }

    /**
     * {@link #start()}, then notify_up of each of {@code initNotifies} that starts alive: keepalived's
     * {@code init_service_rs} with the global {@code rs_init_notifies}, for real servers it configures for the first
     * time (at start, or new in a reload). A server that starts failed (alpha) gets nothing here.
     */
    public void start(java.util.Collection<RealServerHealth> initNotifies) {
        lock.lock();
        try {
            started = true;
            quorumUp = liveWeight() >= quorum.quorum() + quorum.hysteresis();
            for (RealServerHealth rs : realServers) {
                if (rs.aliveLocked()) {
                    if (quorumUp || sorry == null) {
                        listener.onEvent(new RealServerUp(key, rs.address(), rs.port(), rs.weightLocked(), false));
                    }
                } else if (rs.inhibitOnFailure()) {
                    listener.onEvent(new RealServerDown(key, rs.address(), rs.port(), true, false));
                }
            }
            for (RealServerHealth rs : initNotifies) {
                if (rs.aliveLocked() && rs.notifyUp() != null) {
                    notifier.run(rs.notifyUp());
                }
            }
            updateQuorum(true);
        } finally {
            lock.unlock();
        }
    }

    /** Shutting down: with omega, the down notifiers run (real servers still alive, then quorum down). */
    public void stop() {
        lock.lock();
        try {
            for (RealServerHealth rs : realServers) {
                if (rs.aliveLocked()) {
                    log.realServerShutdown(false, rs.subject().realServerLabel(), label);
                    if (omega && rs.notifyDown() != null) {
                        notifier.run(rs.notifyDown());
                    }
                }
            }
            if (omega && quorumUp && quorum.quorumDown() != null) {
                notifier.run(quorum.quorumDown());
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isQuorumUp() {
        lock.lock();
        try {
            return quorumUp;
        } finally {
            lock.unlock();
        }
    }

    public boolean isSorryServerActive() {
        lock.lock();
        try {
            return sorryAlive;
        } finally {
            lock.unlock();
        }
    }

    /** Sum of the weights of the live real servers. */
    public long liveWeight() {
        lock.lock();
        try {
            long sum = 0;
            for (RealServerHealth rs : realServers) {
                if (rs.aliveLocked()) {
                    sum += rs.weightLocked();
                }
            }
            return sum;
        } finally {
            lock.unlock();
        }
    }

    private boolean poolFollowsRealServers() {
        return quorumUp || sorry == null || !sorryAlive;
    }

    void realServerAliveLocked(RealServerHealth rs, boolean alive) {
        String rsLabel = rs.subject().realServerLabel();
        log.realServerAlive(alive, rs.inhibitOnFailure(), rsLabel, label);
        if (poolFollowsRealServers()) {
            listener.onEvent(alive
                    ? new RealServerUp(key, rs.address(), rs.port(), rs.weightLocked(), false)
                    : new RealServerDown(key, rs.address(), rs.port(), rs.inhibitOnFailure(), false));
        }
        rs.setAliveLocked(alive);
        NotifyCommand script = alive ? rs.notifyUp() : rs.notifyDown();
        if (script != null) {
            notifier.run(script);
        }
        if (started) {
            updateQuorum(false);
        }
    }

    /**
     * An alpha checker's first attempt failed: the server stays out, and its notify_down runs (keepalived's
     * {@code update_svr_checker_state} on a checker that has not run yet).
     */
    void initialFailureLocked(RealServerHealth rs) {
        if (!rs.aliveLocked() && rs.notifyDown() != null) {
            notifier.run(rs.notifyDown());
        }
    }

    void weightChangedLocked(RealServerHealth rs, int from, int to) {
        boolean active = rs.aliveLocked();
        log.weightChanged(from, to, active, rs.subject().realServerLabel(), label);
        if (active && poolFollowsRealServers()) {
            listener.onEvent(new RealServerWeightChanged(key, rs.address(), rs.port(), from, to));
        }
        if (started) {
            updateQuorum(false);
        }
    }

    private void updateQuorum(boolean init) {
        long weightSum = liveWeight();
        long threshold = quorum.quorum() + (quorumUp ? -1 : 1) * quorum.hysteresis();
        if (!quorumUp && weightSum >= threshold) {
            quorumUp = true;
            log.quorumGained(quorum.quorum(), quorum.hysteresis(), threshold, weightSum, label);
            if (sorry != null && sorryAlive) {
                String sorryLabel = new CheckSubject(key, sorry.address(), sorry.port()).realServerLabel();
                log.sorryServer(false, sorry.inhibit(), sorryLabel, label);
                listener.onEvent(new RealServerDown(key, sorry.address(), sorry.port(), sorry.inhibit(), true));
                sorryAlive = false;
                moveAliveServers(true);
            }
            if (quorum.quorumUp() != null) {
                notifier.run(quorum.quorumUp());
            }
        } else if ((quorumUp && (weightSum == 0 || weightSum < threshold))
                || (init && !quorumUp && sorry != null && !sorryAlive)) {
            quorumUp = false;
            log.quorumLost(init, quorum.quorum(), quorum.hysteresis(), threshold, weightSum, label);
            if (sorry != null && !sorryAlive) {
                String sorryLabel = new CheckSubject(key, sorry.address(), sorry.port()).realServerLabel();
                log.sorryServer(true, sorry.inhibit(), sorryLabel, label);
                if (!init) {
                    moveAliveServers(false);
                }
                listener.onEvent(new RealServerUp(key, sorry.address(), sorry.port(), 1, true));
                sorryAlive = true;
            }
            if (quorum.quorumDown() != null) {
                notifier.run(quorum.quorumDown());
            }
        }
    }

    private void moveAliveServers(boolean add) {
        log.line((add ? "Adding alive servers to" : "Removing alive servers from") + " the pool for VS " + label);
        for (RealServerHealth rs : realServers) {
            if (rs.aliveLocked()) {
                listener.onEvent(add ? new RealServerUp(key, rs.address(), rs.port(), rs.weightLocked(), false)
                        : new RealServerDown(key, rs.address(), rs.port(), rs.inhibitOnFailure(), false));
            }
        }
    }
}
