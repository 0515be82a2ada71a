package io.jlvs.vrrp.state;

import static io.jlvs.vrrp.state.Fixtures.MS;
import static io.jlvs.vrrp.state.Fixtures.PEER;
import static io.jlvs.vrrp.state.Fixtures.S;
import static io.jlvs.vrrp.state.Fixtures.timer;
import static io.jlvs.vrrp.state.Fixtures.toMaster;
import static io.jlvs.vrrp.state.Fixtures.v2;
import static io.jlvs.vrrp.state.Fixtures.visible;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.vrrp.notify.NotifyEvent;
import org.junit.jupiter.api.Test;

class TrackerTest {

    @Test
    void positiveWeightIsAddedWhileUpNegativeWhileDown() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100)
                .track(VrrpTracker.weighted("chk_up", 20))
                .track(VrrpTracker.weighted("chk_down", -30)).build());
        assertThat(m.effectivePriority()).isEqualTo(120);
        m.start(0);
        Transition t = m.onTracker(S, "chk_up", false);
        assertThat(visible(t)).containsExactly(new Action.Log("(VI_1) Changing effective priority from 120 to 100"));
        m.onTracker(2 * S, "chk_down", false);
        assertThat(m.effectivePriority()).isEqualTo(70);
        m.onTracker(3 * S, "chk_up", true);
        m.onTracker(3 * S, "chk_down", true);
        assertThat(m.effectivePriority()).isEqualTo(120);
    }

    @Test
    void reverseTrackerCountsTheOtherWay() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100)
                .track(new VrrpTracker("maint", 20, true, false)).build());
        assertThat(m.effectivePriority()).as("a reverse tracker that is down takes nothing off").isEqualTo(100);
        m.start(0);
        m.onTracker(S, "maint", true);
        assertThat(m.effectivePriority()).isEqualTo(80);
    }

    @Test
    void priorityIsClampedTo1Through254AndTheOwnerNeverMoves() {
        assertThat(new VrrpStateMachine(v2("A", 250).track(VrrpTracker.weighted("x", 20)).build())
                .effectivePriority()).isEqualTo(254);
        VrrpStateMachine low = new VrrpStateMachine(v2("B", 10).track(VrrpTracker.weighted("x", -30)).build());
        low.start(0);
        low.onTracker(S, "x", false);
        assertThat(low.effectivePriority()).isEqualTo(1);
        VrrpStateMachine owner = new VrrpStateMachine(v2("C", 255).track(VrrpTracker.weighted("x", -30)).build());
        owner.start(0);
        assertThat(owner.onTracker(S, "x", false).actions()).isEmpty();
        assertThat(owner.effectivePriority()).isEqualTo(255);
    }

    @Test
    void aPriorityChangeInBackupMovesTheDownTimerBySkewDifference() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).track(VrrpTracker.weighted("x", 100)).build());
        long down = timer(m.start(0), VrrpTimer.MASTER_DOWN);
        // 200: skew 56/256 s = 218750 us
        assertThat(down).isEqualTo(3 * S + 218_750_000L);
        Transition t = m.onTracker(S, "x", false);
        // 100: skew 156/256 s = 609375 us: the deadline moves 390625 us later
        assertThat(timer(t, VrrpTimer.MASTER_DOWN)).isEqualTo(3 * S + 609_375_000L);
    }

    @Test
    void weightedPriorityDropLetsAPeerPreempt() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).track(VrrpTracker.weighted("nginx", 60)).build());
        long t = toMaster(m, 0);
        m.onTracker(t + 100 * MS, "nginx", false);
        Transition adv = m.onTimer(t + S);
        assertThat(adv.actions(Action.SendAdvert.class)).containsExactly(new Action.SendAdvert(100));
        // the peer (150) now wins: it becomes master and we hear it
        assertThat(m.onAdvert(t + S + 500 * MS, 150, PEER, 100).state()).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void priorityChangesAreNotifiedWhenAskedFor() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).notifyPriorityChanges()
                .track(VrrpTracker.weighted("x", 10)).build());
        long t = toMaster(m, 0);
        assertThat(m.onTracker(t, "x", false).actions(Action.Notify.class))
                .containsExactly(new Action.Notify(NotifyEvent.MASTER_PRIORITY, 100));
    }

    @Test
    void unweightedFailureFaultsAMasterAndRecoveryComesBackThroughBackup() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).track(VrrpTracker.unweighted("chk_haproxy")).build());
        long t = toMaster(m, 0);
        Transition fault = m.onTracker(t + 200 * MS, "chk_haproxy", false);
        assertThat(fault.state()).isEqualTo(VrrpState.FAULT);
        assertThat(visible(fault)).containsExactly(
                new Action.Log("(VI_1) Entering FAULT STATE"),
                new Action.SendAdvert(0),
                new Action.RemoveVips(),
                new Action.Notify(NotifyEvent.FAULT, 100));
        assertThat(m.nextDeadline()).isEmpty();
        assertThat(m.onAdvert(t + S, 50, PEER, 100).actions()).as("FAULT ignores adverts").isEmpty();

        long up = t + 5 * S;
        Transition back = m.onTracker(up, "chk_haproxy", true);
        assertThat(back.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(visible(back)).containsExactly(new Action.Log("(VI_1) Entering BACKUP STATE"),
                new Action.Notify(NotifyEvent.BACKUP, 100));
        long down = timer(back, VrrpTimer.MASTER_DOWN);
        assertThat(down).isEqualTo(up + 3 * S + 609_375_000L);
        assertThat(m.onTimer(down).state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void aTrackerDownAtStartupStartsInFault() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100)
                .track(new VrrpTracker("chk", 0, false, false)).build());
        Transition t = m.start(0);
        assertThat(t.state()).isEqualTo(VrrpState.FAULT);
        assertThat(visible(t)).containsExactly(new Action.Log("(VI_1) Entering FAULT STATE (init)"),
                new Action.Notify(NotifyEvent.FAULT, 100));
        assertThat(m.onTracker(S, "chk", true).state()).isEqualTo(VrrpState.BACKUP);
    }
}
