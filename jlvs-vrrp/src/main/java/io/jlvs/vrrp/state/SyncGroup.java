package io.jlvs.vrrp.state;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.notify.NotifyEvent;
import io.jlvs.vrrp.notify.VrrpLogLines;
import java.util.ArrayList;
import java.util.List;

/**
 * A vrrp_sync_group: its instances move together, as keepalived 2.2.7 moves them. One member in FAULT puts all
 * in FAULT (and they come back to BACKUP together); one member becoming MASTER takes all to MASTER; a MASTER
 * stepping down to BACKUP takes all to BACKUP. A member whose master-down timer expires only becomes MASTER
 * when every other member also wants to (keepalived prefers BACKUP "to avoid thrashing"), or the group already is.
 * Inputs go through the group, never to the members directly.
 */
public final class SyncGroup {
    private final String name;
    private final List<VrrpStateMachine> members;
    private VrrpState groupState = VrrpState.INIT;

    public SyncGroup(String name, List<VrrpStateMachine> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a sync group needs members");
        }
        this.name = name;
        this.members = List.copyOf(members);
        for (VrrpStateMachine m : this.members) {
            m.setMasterGate(this::mayBecomeMaster);
        }
    }

    public String name() {
        return name;
    }

    public VrrpState state() {
        return groupState;
    }

    public List<VrrpStateMachine> members() {
        return members;
    }

    public VrrpStateMachine member(String instance) {
        for (VrrpStateMachine m : members) {
            if (m.name().equals(instance)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no member " + instance + " in sync group " + name);
    }

    public SyncStep start(long now) {
        List<Transition> out = new ArrayList<>();
        for (VrrpStateMachine m : members) {
            out.add(m.start(now));
        }
        return reconcile(now, out);
    }

    public SyncStep stop(long now) {
        List<Transition> out = new ArrayList<>();
        for (VrrpStateMachine m : members) {
            out.add(m.stop(now));
        }
        List<Action> group = new ArrayList<>();
        if (groupState != VrrpState.STOP) {
            groupState = VrrpState.STOP;
            group.add(new Action.Notify(NotifyEvent.STOP, 0));
        }
        return new SyncStep(out, group, groupState);
    }

    public SyncStep onAdvert(String instance, long now, int priority, IpAddress source, int intervalCentis) {
        List<Transition> out = new ArrayList<>();
        out.add(member(instance).onAdvert(now, priority, source, intervalCentis));
        return reconcile(now, out);
    }

    /** Runs the timers of every member that are due. */
    public SyncStep onTimer(long now) {
        List<Transition> out = new ArrayList<>();
        for (VrrpStateMachine m : members) {
            if (m.nextDeadline().isPresent() && m.nextDeadline().getAsLong() <= now) {
                out.add(m.onTimer(now));
            }
        }
        return reconcile(now, out);
    }

    public SyncStep onTracker(String instance, long now, String tracker, boolean up) {
        List<Transition> out = new ArrayList<>();
        out.add(member(instance).onTracker(now, tracker, up));
        return reconcile(now, out);
    }

    /** The earliest timer of any member. */
    public java.util.OptionalLong nextDeadline() {
        return members.stream().map(VrrpStateMachine::nextDeadline).filter(java.util.OptionalLong::isPresent)
                .mapToLong(java.util.OptionalLong::getAsLong).min();
    }

    private boolean mayBecomeMaster(VrrpStateMachine m) {
        if (groupState == VrrpState.MASTER) {
            return true;
        }
        for (VrrpStateMachine other : members) {
            if (other != m && !other.wantsMaster()) {
                return false;
            }
        }
        return true;
    }

    private SyncStep reconcile(long now, List<Transition> out) {
        List<Action> group = new ArrayList<>();
        boolean anyOwnFault = members.stream().anyMatch(VrrpStateMachine::ownFault);
        if (anyOwnFault) {
            for (VrrpStateMachine m : members) {
                out.add(m.setGroupFault(now, true));
            }
            enter(VrrpState.FAULT, group);
        } else {
            for (VrrpStateMachine m : members) {
                out.add(m.setGroupFault(now, false));
            }
            boolean toMaster = out.stream().anyMatch(t -> t.changed() && t.state() == VrrpState.MASTER);
            boolean toBackup = out.stream().anyMatch(t -> t.changed() && t.state() == VrrpState.BACKUP);
            if (toMaster) {
                for (VrrpStateMachine m : members) {
                    out.add(m.forceMaster(now));
                }
                enter(VrrpState.MASTER, group);
            } else if (toBackup || groupState == VrrpState.INIT || groupState == VrrpState.FAULT) {
                for (VrrpStateMachine m : members) {
                    out.add(m.forceBackup(now));
                }
                if (members.stream().allMatch(m -> m.state() == VrrpState.BACKUP)) {
                    enter(VrrpState.BACKUP, group);
                }
            }
        }
        out.removeIf(t -> t.actions().isEmpty() && !t.changed());
        return new SyncStep(out, group, groupState);
    }

    private void enter(VrrpState s, List<Action> group) {
        if (groupState == s) {
            return;
        }
        if (groupState != VrrpState.INIT) {
            group.add(new Action.Log(VrrpLogLines.syncGroup(name, s.name())));
        }
        groupState = s;
        group.add(new Action.Notify(NotifyEvent.valueOf(s.name()), 0));
    }
}
