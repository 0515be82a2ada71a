package io.jlvs.vrrp.state;

import static io.jlvs.vrrp.state.Fixtures.PEER;
import static io.jlvs.vrrp.state.Fixtures.S;
import static io.jlvs.vrrp.state.Fixtures.v2;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.notify.NotifyEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncGroupTest {

    static SyncGroup group(int prio1, int prio2) {
        VrrpStateMachine a = new VrrpStateMachine(v2("VI_1", prio1).track(VrrpTracker.unweighted("link_a")).build());
        VrrpStateMachine b = new VrrpStateMachine(VrrpInstanceConfig.builder("VI_2", 52).priority(prio2)
                .primaryAddress(IpAddress.parse("192.168.0.1")).virtualAddress(IpAddress.parse("192.168.0.100"))
                .track(VrrpTracker.unweighted("link_b")).build());
        return new SyncGroup("G1", List.of(a, b));
    }

    static List<VrrpState> states(SyncGroup g) {
        return g.members().stream().map(VrrpStateMachine::state).toList();
    }

    @Test
    void membersBecomeMasterTogether() {
        SyncGroup g = group(100, 100);
        SyncStep start = g.start(0);
        assertThat(states(g)).containsOnly(VrrpState.BACKUP);
        assertThat(start.groupActions()).containsExactly(new Action.Notify(NotifyEvent.BACKUP, 0));
        long due = g.nextDeadline().getAsLong();
        SyncStep step = g.onTimer(due);
        assertThat(states(g)).containsOnly(VrrpState.MASTER);
        assertThat(g.state()).isEqualTo(VrrpState.MASTER);
        assertThat(step.groupActions()).containsExactly(
                new Action.Log("VRRP_Group(G1) Syncing instances to MASTER state"),
                new Action.Notify(NotifyEvent.MASTER, 0));
        assertThat(step.of("VI_1").stream().anyMatch(t -> t.has(Action.AddVips.class))).isTrue();
        assertThat(step.of("VI_2").stream().anyMatch(t -> t.has(Action.AddVips.class))).isTrue();
    }

    @Test
    void oneMemberAloneCannotTakeTheGroupToMaster() {
        // VI_1 (200) times out first, but VI_2 (50) still hears a master: the group stays BACKUP
        SyncGroup g = group(200, 50);
        g.start(0);
        long t = S / 2;
        for (; t < 20 * S; t += S) {
            g.onAdvert("VI_2", t, 100, PEER, 100);
            g.onTimer(t);
        }
        assertThat(states(g)).containsOnly(VrrpState.BACKUP);
        assertThat(g.member("VI_1").wantsMaster()).isTrue();
        // the master of VI_2 goes silent: when VI_2 times out, the whole group goes MASTER
        long until = t + 10 * S;
        while (g.state() != VrrpState.MASTER && g.nextDeadline().getAsLong() < until) {
            g.onTimer(g.nextDeadline().getAsLong());
        }
        assertThat(states(g)).containsOnly(VrrpState.MASTER);
    }

    @Test
    void aMemberSteppingDownTakesTheGroupToBackup() {
        SyncGroup g = group(100, 100);
        g.start(0);
        long due = g.nextDeadline().getAsLong();
        g.onTimer(due);
        SyncStep step = g.onAdvert("VI_1", due + S / 2, 200, PEER, 100);
        assertThat(states(g)).containsOnly(VrrpState.BACKUP);
        assertThat(step.of("VI_2").getFirst().actions()).contains(new Action.RemoveVips());
        assertThat(step.groupActions()).contains(new Action.Notify(NotifyEvent.BACKUP, 0));
    }

    @Test
    void oneMemberInFaultTakesAllToFaultAndBackTogether() {
        SyncGroup g = group(100, 100);
        g.start(0);
        long due = g.nextDeadline().getAsLong();
        g.onTimer(due);
        SyncStep fault = g.onTracker("VI_2", due + S, "link_b", false);
        assertThat(states(g)).containsOnly(VrrpState.FAULT);
        assertThat(g.state()).isEqualTo(VrrpState.FAULT);
        assertThat(fault.of("VI_1").getFirst().actions()).contains(new Action.SendAdvert(0), new Action.RemoveVips());
        assertThat(fault.groupActions()).contains(new Action.Log("VRRP_Group(G1) Syncing instances to FAULT state"));
        assertThat(g.nextDeadline()).isEmpty();

        SyncStep back = g.onTracker("VI_2", due + 5 * S, "link_b", true);
        assertThat(states(g)).containsOnly(VrrpState.BACKUP);
        assertThat(back.groupActions()).contains(new Action.Notify(NotifyEvent.BACKUP, 0));
        assertThat(g.nextDeadline()).isPresent();
    }

    @Test
    void stopStopsEveryMemberAndTheGroup() {
        SyncGroup g = group(100, 100);
        g.start(0);
        g.onTimer(g.nextDeadline().getAsLong());
        SyncStep stop = g.stop(10 * S);
        assertThat(states(g)).containsOnly(VrrpState.STOP);
        assertThat(stop.groupActions()).containsExactly(new Action.Notify(NotifyEvent.STOP, 0));
        assertThat(stop.transitions()).allMatch(t -> t.actions().contains(new Action.SendAdvert(0)));
    }
}
