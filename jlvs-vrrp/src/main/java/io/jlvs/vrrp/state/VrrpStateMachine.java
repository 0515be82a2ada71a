package io.jlvs.vrrp.state;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.notify.NotifyEvent;
import io.jlvs.vrrp.notify.VrrpLogLines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The VRRP state machine of one instance (RFC 3768 / RFC 5798 section 6, with keepalived 2.2.7's choices).
 * Pure: no clock, no I/O, no threads. Every input carries {@code nowNanos} and returns a {@link Transition}
 * whose actions the driver carries out in order; timers are armed and disarmed through actions and
 * {@link #onTimer} is called when the earliest one is due. Not thread-safe: drive it from one thread.
 *
 * <p>Timers follow keepalived (in microseconds, then scaled to nanoseconds): skew time is
 * {@code (256 - priority) / 256} s for VRRPv2 and {@code (256 - priority) * Master_Adver_Interval / 256} for
 * VRRPv3; the master-down interval is {@code down_timer_adverts (3) * Master_Adver_Interval + skew}.
 */
public final class VrrpStateMachine {
    private static final long NOT_ARMED = Long.MIN_VALUE;

    /** Replaced only by {@link #setAdvertInterval} (a reload applied in place). */
    private VrrpInstanceConfig config;
    private final String name;
    private final long[] deadlines = new long[VrrpTimer.values().length];
    private final Map<String, Boolean> trackerUp = new HashMap<>();
    private MasterGate gate = MasterGate.ALWAYS;

    private VrrpState state = VrrpState.INIT;
    private VrrpState wantState;
    private int basePriority;
    private int effectivePriority;
    private int masterAdvertCentis;
    private long msDownMicros;
    private long preemptAtNanos = NOT_ARMED;
    private long garpRefreshAtNanos = NOT_ARMED;
    private boolean vipsSet;
    private boolean ownFault;
    private boolean groupFault;
    private IpAddress masterAddress;
    private int masterPriority;

    private List<Action> actions;
    private long[] before;

    public VrrpStateMachine(VrrpInstanceConfig config) {
        this.config = config;
        this.name = config.name();
        this.wantState = config.initialState();
        this.basePriority = config.priority();
        this.masterAdvertCentis = config.advertIntervalCentis();
        java.util.Arrays.fill(deadlines, NOT_ARMED);
        for (VrrpTracker t : config.trackers()) {
            trackerUp.put(t.name(), t.initiallyUp());
        }
        this.effectivePriority = targetPriority();
        this.ownFault = trackersFault();
    }

    // ---- inputs -------------------------------------------------------------------------------------------

    /** Leaves INIT (or STOP): FAULT if a tracker is down, MASTER at once for the address owner, else BACKUP. */
    public Transition start(long now) {
        VrrpState from = begin();
        if (state != VrrpState.INIT && state != VrrpState.STOP) {
            return end(from);
        }
        wantState = config.initialState();
        masterAdvertCentis = config.advertIntervalCentis();
        msDownMicros = fullDownMicros();
        if (faulted()) {
            state = VrrpState.FAULT;
            wantState = VrrpState.FAULT;
            log(VrrpLogLines.enteringFaultInit(name));
            notify(NotifyEvent.FAULT);
        } else if (basePriority == VrrpInstanceConfig.PRIORITY_OWNER && wantState == VrrpState.MASTER
                && gate.mayBecomeMaster(this)) {
            // keepalived enters BACKUP with a 1us down timer; going to MASTER now is the same, minus the 1us
            state = VrrpState.BACKUP;
            becomeMaster(now);
        } else {
            state = VrrpState.BACKUP;
            log(VrrpLogLines.enteringBackupInit(name));
            notify(NotifyEvent.BACKUP);
            arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
        }
        return end(from);
    }

    /** Graceful stop: a MASTER sends priority 0 and removes its addresses; every state goes to STOP. */
    public Transition stop(long now) {
        VrrpState from = begin();
        if (state == VrrpState.STOP) {
            return end(from);
        }
        if (state == VrrpState.MASTER) {
            actions.add(new Action.SendAdvert(0));
            detail(VrrpLogLines.sentZeroPriority(name));
        }
        if (vipsSet) {
            removeVips();
        }
        disarmAll();
        state = VrrpState.STOP;
        notify(NotifyEvent.STOP);
        return end(from);
    }

    /** A valid advertisement (already through the codec's checks) from {@code source}. */
    public Transition onAdvert(long now, int priority, IpAddress source, int advertIntervalCentis) {
        VrrpState from = begin();
        if (state == VrrpState.BACKUP) {
            backupReceive(now, priority, source, advertIntervalCentis);
        } else if (state == VrrpState.MASTER) {
            masterReceive(now, priority, source, advertIntervalCentis);
        }
        return end(from);
    }

    /** Handles every timer due at {@code now}. Calling it early is harmless. */
    public Transition onTimer(long now) {
        VrrpState from = begin();
        if (due(VrrpTimer.GARP_DELAY, now)) {
            disarm(VrrpTimer.GARP_DELAY);
            if (state == VrrpState.MASTER && vipsSet && hasVips()) {
                actions.add(new Action.SendGarp(config.garpMasterRepeat()));
            }
        }
        if (due(VrrpTimer.GARP_LOWER_PRIO, now)) {
            disarm(VrrpTimer.GARP_LOWER_PRIO);
            if (state == VrrpState.MASTER && vipsSet && hasVips()) {
                actions.add(new Action.SendGarp(config.garpLowerPrioRepeat()));
            }
        }
        if (state == VrrpState.BACKUP && due(VrrpTimer.MASTER_DOWN, now)) {
            detail(VrrpLogLines.receiveTimeout(name));
            gotoMaster(now);
        } else if (state == VrrpState.MASTER && due(VrrpTimer.ADVERT, now)) {
            masterTransmit(now);
        }
        return end(from);
    }

    /** A tracked object went up or down. Unknown names are ignored. */
    public Transition onTracker(long now, String tracker, boolean up) {
        VrrpState from = begin();
        if (trackerUp.containsKey(tracker) && trackerUp.get(tracker) != up) {
            trackerUp.put(tracker, up);
            boolean nowFault = trackersFault();
            if (nowFault != ownFault) {
                ownFault = nowFault;
                if (ownFault) {
                    enterFault(now);
                }
            }
            updatePriority(now);
            if (!nowFault && state == VrrpState.FAULT && !faulted()) {
                leaveFault(now);
            }
        }
        return end(from);
    }

    /** The configured priority changed (a reload); trackers still apply on top. */
    public Transition setBasePriority(long now, int priority) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be 1..255");
        }
        VrrpState from = begin();
        basePriority = priority;
        updatePriority(now);
        return end(from);
    }

    /**
     * A reload's new {@code advert_int}, applied in place as keepalived applies it: a MASTER advertises at the
     * new interval from now on (the caller sends one at once); a BACKUP (VRRPv2, which does not learn the
     * master's) times the master with it from the next advert on.
     */
    public Transition setAdvertInterval(long now, int advertIntervalCentis) {
        VrrpState from = begin();
        VrrpInstanceConfig c = config;
        config = new VrrpInstanceConfig(c.name(), c.version(), c.vrid(), c.priority(), advertIntervalCentis,
                c.initialState(), c.preempt(), c.preemptDelayNanos(), c.primaryAddress(), c.virtualAddresses(),
                c.garpMasterDelayNanos(), c.garpMasterRepeat(), c.garpMasterRefreshNanos(),
                c.garpMasterRefreshRepeat(), c.downTimerAdverts(), c.lowerPrioNoAdvert(), c.higherPrioSendAdvert(),
                c.garpLowerPrioRepeat(), c.garpLowerPrioDelayNanos(), c.notifyPriorityChanges(), c.trackers());
        if (state == VrrpState.MASTER) {
            masterAdvertCentis = advertIntervalCentis;
            arm(VrrpTimer.ADVERT, now + advertNanos());
        } else if (config.version() == VrrpVersion.V2) {
            masterAdvertCentis = advertIntervalCentis;
        }
        return end(from);
    }

    // ---- sync group hooks ---------------------------------------------------------------------------------

    void setMasterGate(MasterGate g) {
        this.gate = g;
    }

    /** The group went MASTER: follow it now. */
    Transition forceMaster(long now) {
        VrrpState from = begin();
        if (state == VrrpState.BACKUP) {
            wantState = VrrpState.MASTER;
            becomeMaster(now);
        }
        return end(from);
    }

    /** The group went BACKUP: follow it now. */
    Transition forceBackup(long now) {
        VrrpState from = begin();
        if (state == VrrpState.MASTER) {
            wantState = VrrpState.BACKUP;
            leaveMaster(now, VrrpState.BACKUP);
        }
        return end(from);
    }

    /** Another member is (or no longer is) in FAULT. */
    Transition setGroupFault(long now, boolean fault) {
        VrrpState from = begin();
        if (fault != groupFault) {
            groupFault = fault;
            if (fault && state != VrrpState.FAULT && state != VrrpState.INIT && state != VrrpState.STOP) {
                enterFault(now);
            } else if (!fault && state == VrrpState.FAULT && !faulted()) {
                leaveFault(now);
            }
        }
        return end(from);
    }

    // ---- queries ------------------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    public VrrpInstanceConfig config() {
        return config;
    }

    public VrrpState state() {
        return state;
    }

    /** True when this instance would be MASTER were it not for its sync group (keepalived's wantstate). */
    public boolean wantsMaster() {
        return wantState == VrrpState.MASTER;
    }

    public int effectivePriority() {
        return effectivePriority;
    }

    public int basePriority() {
        return basePriority;
    }

    /** The advertisement interval in use: ours, or (VRRPv3 BACKUP) the one learned from the master. */
    public int masterAdvertIntervalCentis() {
        return masterAdvertCentis;
    }

    /** Master_Down_Interval as currently armed, in nanoseconds. */
    public long masterDownIntervalNanos() {
        return msDownMicros * 1000;
    }

    /** Skew_Time for our effective priority, in nanoseconds. */
    public long skewNanos() {
        return skewMicros(256 - effectivePriority) * 1000;
    }

    /** Whether our own trackers hold us in FAULT (not counting a sync group's fault). */
    public boolean ownFault() {
        return ownFault;
    }

    public boolean vipsSet() {
        return vipsSet;
    }

    /** The last master heard from while BACKUP, or null. */
    public IpAddress masterAddress() {
        return masterAddress;
    }

    public int masterPriority() {
        return masterPriority;
    }

    /** When {@code timer} is due, or empty when it is not armed. */
    public java.util.OptionalLong deadline(VrrpTimer timer) {
        long d = deadlines[timer.ordinal()];
        return d == NOT_ARMED ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(d);
    }

    /** The earliest armed timer, or empty. */
    public java.util.OptionalLong nextDeadline() {
        long best = NOT_ARMED;
        for (long d : deadlines) {
            if (d != NOT_ARMED && (best == NOT_ARMED || d < best)) {
                best = d;
            }
        }
        return best == NOT_ARMED ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(best);
    }

    // ---- the RFC rules ------------------------------------------------------------------------------------

    private void backupReceive(long now, int priority, IpAddress source, int intervalCentis) {
        if (priority == 0) {
            detail(VrrpLogLines.backupReceivedZero(name));
            msDownMicros = skewMicros(256 - effectivePriority);
            arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
            return;
        }
        boolean inPreemptDelay = config.preemptDelayNanos() > 0
                && (preemptAtNanos == NOT_ARMED || preemptAtNanos > now);
        if (!config.preempt() || priority >= effectivePriority || inPreemptDelay) {
            if (config.version() == VrrpVersion.V3) {
                masterAdvertCentis = intervalCentis;
            }
            msDownMicros = fullDownMicros();
            masterAddress = source;
            masterPriority = priority;
            if (config.preemptDelayNanos() > 0) {
                if (priority >= effectivePriority) {
                    preemptAtNanos = NOT_ARMED;
                } else if (preemptAtNanos == NOT_ARMED) {
                    preemptAtNanos = now + config.preemptDelayNanos();
                }
            }
            wantState = VrrpState.BACKUP;
            arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
        } else {
            // preempting: ignore the lower priority master; our down timer keeps running
            log(VrrpLogLines.backupDiscardsLowerPriority(name, priority, source.toString()));
            masterAddress = source;
        }
    }

    private void masterReceive(long now, int priority, IpAddress source, int intervalCentis) {
        int cmp = Integer.signum(source.compareTo(config.primaryAddress()));
        boolean higher = priority > effectivePriority || (priority == effectivePriority && cmp > 0);
        if (priority == 0 || (config.higherPrioSendAdvert() && higher)) {
            sendAdvertAndRearm(now);
            if (priority == 0) {
                return;
            }
        }
        if (priority == effectivePriority) {
            if (cmp == 0) {
                log(VrrpLogLines.equalPriorityOwnAddress(name));
            } else if (effectivePriority == VrrpInstanceConfig.PRIORITY_OWNER) {
                log(VrrpLogLines.bothOwners(name));
                basePriority = VrrpInstanceConfig.PRIORITY_OWNER - 1;
                effectivePriority = VrrpInstanceConfig.PRIORITY_OWNER - 1;
            }
        }
        if (priority < effectivePriority || (priority == effectivePriority && cmp < 0)) {
            log(VrrpLogLines.masterReceivedLower(name, source.toString(), priority, effectivePriority,
                    !config.lowerPrioNoAdvert()));
            if (!config.lowerPrioNoAdvert()) {
                sendAdvertAndRearm(now);
            }
            if (config.garpLowerPrioRepeat() > 0 && hasVips()) {
                actions.add(new Action.SendGarp(config.garpLowerPrioRepeat()));
                if (config.garpLowerPrioDelayNanos() > 0) {
                    arm(VrrpTimer.GARP_LOWER_PRIO, now + config.garpLowerPrioDelayNanos());
                }
            }
            notify(NotifyEvent.MASTER_RX_LOWER_PRI);
            return;
        }
        if (priority > effectivePriority || (priority == effectivePriority && cmp > 0)) {
            if (priority > effectivePriority) {
                log(VrrpLogLines.masterReceivedHigher(name, source.toString(), priority, effectivePriority));
            } else {
                log(VrrpLogLines.masterReceivedSameHigherIp(name, source.toString(), priority));
            }
            if (config.version() == VrrpVersion.V3) {
                masterAdvertCentis = intervalCentis;
            }
            masterAddress = source;
            masterPriority = priority;
            wantState = VrrpState.BACKUP;
            leaveMaster(now, VrrpState.BACKUP);
        }
    }

    private void gotoMaster(long now) {
        wantState = VrrpState.MASTER;
        if (!gate.mayBecomeMaster(this)) {
            // held back by the sync group: wait another master-down interval, still wanting MASTER
            msDownMicros = fullDownMicros();
            arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
            return;
        }
        becomeMaster(now);
    }

    private void becomeMaster(long now) {
        state = VrrpState.MASTER;
        preemptAtNanos = NOT_ARMED;
        masterAdvertCentis = config.advertIntervalCentis();
        masterAddress = null;
        disarm(VrrpTimer.MASTER_DOWN);
        // the advert goes first so that the old master drops the addresses before our gratuitous ARPs
        actions.add(new Action.SendAdvert(effectivePriority));
        log(VrrpLogLines.enteringMaster(name));
        actions.add(new Action.AddVips());
        vipsSet = true;
        if (hasVips() && config.garpMasterRepeat() > 0) {
            actions.add(new Action.SendGarp(config.garpMasterRepeat()));
        }
        garpRefreshAtNanos = config.garpMasterRefreshNanos() > 0 ? now + config.garpMasterRefreshNanos() : NOT_ARMED;
        notify(NotifyEvent.MASTER);
        if (config.garpMasterDelayNanos() > 0 && hasVips()) {
            arm(VrrpTimer.GARP_DELAY, now + config.garpMasterDelayNanos());
        }
        arm(VrrpTimer.ADVERT, now + advertNanos());
    }

    private void masterTransmit(long now) {
        actions.add(new Action.SendAdvert(effectivePriority));
        if (garpRefreshAtNanos != NOT_ARMED && now > garpRefreshAtNanos) {
            if (hasVips()) {
                actions.add(new Action.SendGarp(config.garpMasterRefreshRepeat()));
            }
            garpRefreshAtNanos = now + config.garpMasterRefreshNanos();
        }
        arm(VrrpTimer.ADVERT, now + advertNanos());
    }

    private void sendAdvertAndRearm(long now) {
        actions.add(new Action.SendAdvert(effectivePriority));
        arm(VrrpTimer.ADVERT, now + advertNanos());
    }

    /** MASTER to BACKUP (a better master) or FAULT (a tracker); FAULT tells the backups with priority 0. */
    private void leaveMaster(long now, VrrpState to) {
        if (to == VrrpState.BACKUP) {
            log(VrrpLogLines.enteringBackup(name));
            preemptAtNanos = NOT_ARMED;
        } else {
            log(VrrpLogLines.enteringFault(name));
            actions.add(new Action.SendAdvert(0));
        }
        removeVips();
        disarm(VrrpTimer.ADVERT);
        disarm(VrrpTimer.GARP_DELAY);
        disarm(VrrpTimer.GARP_LOWER_PRIO);
        garpRefreshAtNanos = NOT_ARMED;
        state = to;
        notify(to == VrrpState.BACKUP ? NotifyEvent.BACKUP : NotifyEvent.FAULT);
        msDownMicros = fullDownMicros();
        if (to == VrrpState.BACKUP) {
            arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
        }
    }

    private void enterFault(long now) {
        wantState = VrrpState.FAULT;
        if (state == VrrpState.MASTER) {
            leaveMaster(now, VrrpState.FAULT);
            return;
        }
        if (state == VrrpState.FAULT || state == VrrpState.INIT || state == VrrpState.STOP) {
            return;
        }
        log(VrrpLogLines.enteringFault(name));
        state = VrrpState.FAULT;
        disarmAll();
        notify(NotifyEvent.FAULT);
    }

    /** keepalived's try_up_instance: back to BACKUP, the master-down timer starting afresh. */
    private void leaveFault(long now) {
        wantState = VrrpState.BACKUP;
        masterAdvertCentis = config.advertIntervalCentis();
        msDownMicros = fullDownMicros();
        log(VrrpLogLines.enteringBackup(name));
        state = VrrpState.BACKUP;
        preemptAtNanos = NOT_ARMED;
        notify(NotifyEvent.BACKUP);
        arm(VrrpTimer.MASTER_DOWN, now + msDownMicros * 1000);
    }

    private void updatePriority(long now) {
        int target = targetPriority();
        if (target == effectivePriority) {
            return;
        }
        log(VrrpLogLines.changingPriority(name, effectivePriority, target));
        long oldDown = msDownMicros;
        effectivePriority = target;
        msDownMicros = fullDownMicros();
        if (state == VrrpState.BACKUP) {
            long d = deadlines[VrrpTimer.MASTER_DOWN.ordinal()];
            if (d != NOT_ARMED) {
                arm(VrrpTimer.MASTER_DOWN, d + (msDownMicros - oldDown) * 1000);
            }
        }
        if (config.notifyPriorityChanges()) {
            notify(state == VrrpState.MASTER ? NotifyEvent.MASTER_PRIORITY : NotifyEvent.BACKUP_PRIORITY);
        }
    }

    /** keepalived: the owner keeps 255; otherwise base plus tracker weights, clamped to 1..254. */
    private int targetPriority() {
        if (basePriority == VrrpInstanceConfig.PRIORITY_OWNER) {
            return VrrpInstanceConfig.PRIORITY_OWNER;
        }
        int total = basePriority;
        for (VrrpTracker t : config.trackers()) {
            total += t.contribution(trackerUp.get(t.name()));
        }
        return Math.clamp(total, 1, VrrpInstanceConfig.PRIORITY_OWNER - 1);
    }

    private boolean trackersFault() {
        for (VrrpTracker t : config.trackers()) {
            if (t.faults(trackerUp.get(t.name()))) {
                return true;
            }
        }
        return false;
    }

    private boolean faulted() {
        return ownFault || groupFault;
    }

    // ---- timing -------------------------------------------------------------------------------------------

    private long skewMicros(int priorityValue) {
        if (config.version() == VrrpVersion.V3) {
            return ((long) priorityValue * masterAdvertCentis * 625L) / 16L;
        }
        return (long) priorityValue * 1_000_000L / 256L;
    }

    private long fullDownMicros() {
        return (long) config.downTimerAdverts() * masterAdvertCentis * 10_000L + skewMicros(256 - effectivePriority);
    }

    private long advertNanos() {
        return config.advertIntervalCentis() * 10_000_000L;
    }

    // ---- plumbing -----------------------------------------------------------------------------------------

    private VrrpState begin() {
        actions = new ArrayList<>();
        before = deadlines.clone();
        return state;
    }

    private Transition end(VrrpState from) {
        for (VrrpTimer t : VrrpTimer.values()) {
            long was = before[t.ordinal()];
            long is = deadlines[t.ordinal()];
            if (was != is) {
                actions.add(is == NOT_ARMED ? new Action.CancelTimer(t) : new Action.SetTimer(t, is));
            }
        }
        Transition tr = new Transition(name, from, state, actions);
        actions = null;
        return tr;
    }

    private void arm(VrrpTimer t, long at) {
        deadlines[t.ordinal()] = at;
    }

    private void disarm(VrrpTimer t) {
        deadlines[t.ordinal()] = NOT_ARMED;
    }

    private void disarmAll() {
        java.util.Arrays.fill(deadlines, NOT_ARMED);
    }

    private boolean due(VrrpTimer t, long now) {
        long d = deadlines[t.ordinal()];
        return d != NOT_ARMED && d <= now;
    }

    private boolean hasVips() {
        return !config.virtualAddresses().isEmpty();
    }

    private void removeVips() {
        actions.add(new Action.RemoveVips());
        vipsSet = false;
    }

    private void notify(NotifyEvent e) {
        actions.add(new Action.Notify(e, effectivePriority));
    }

    private void log(String line) {
        actions.add(new Action.Log(line));
    }

    private void detail(String line) {
        actions.add(new Action.Log(line, true));
    }
}
