package io.jlvs.vrrp.state;

import static io.jlvs.vrrp.state.Fixtures.LOWER_PEER;
import static io.jlvs.vrrp.state.Fixtures.MS;
import static io.jlvs.vrrp.state.Fixtures.PEER;
import static io.jlvs.vrrp.state.Fixtures.S;
import static io.jlvs.vrrp.state.Fixtures.timer;
import static io.jlvs.vrrp.state.Fixtures.toMaster;
import static io.jlvs.vrrp.state.Fixtures.v2;
import static io.jlvs.vrrp.state.Fixtures.v3;
import static io.jlvs.vrrp.state.Fixtures.visible;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.vrrp.notify.NotifyEvent;
import org.junit.jupiter.api.Test;

class VrrpStateMachineTest {

    @Test
    void startsInBackupAndBecomesMasterAfterTheMasterDownInterval() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        Transition start = m.start(0);
        assertThat(start.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(visible(start)).containsExactly(
                new Action.Log("(VI_1) Entering BACKUP STATE (init)"),
                new Action.Notify(NotifyEvent.BACKUP, 100));
        // v2: 3 * 1 s + (256 - 100) / 256 s = 3.609375 s
        long down = timer(start, VrrpTimer.MASTER_DOWN);
        assertThat(down).isEqualTo(3 * S + 609_375_000L);

        assertThat(m.onTimer(down - 1).actions()).isEmpty();
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);

        Transition master = m.onTimer(down);
        assertThat(master.state()).isEqualTo(VrrpState.MASTER);
        assertThat(visible(master)).containsExactly(
                new Action.Log("(VI_1) Receive advertisement timeout", true),
                new Action.SendAdvert(100),
                new Action.Log("(VI_1) Entering MASTER STATE"),
                new Action.AddVips(),
                new Action.SendGarp(5),
                new Action.Notify(NotifyEvent.MASTER, 100));
        assertThat(timer(master, VrrpTimer.ADVERT)).isEqualTo(down + S);
        assertThat(timer(master, VrrpTimer.GARP_DELAY)).isEqualTo(down + 5 * S);
        assertThat(master.actions()).contains(new Action.CancelTimer(VrrpTimer.MASTER_DOWN));

        Transition tick = m.onTimer(down + S);
        assertThat(visible(tick)).containsExactly(new Action.SendAdvert(100));
        assertThat(timer(tick, VrrpTimer.ADVERT)).isEqualTo(down + 2 * S);

        // garp_master_delay (5 s): the second round of gratuitous ARPs
        for (long t = down + 2 * S; t < down + 5 * S; t += S) {
            assertThat(visible(m.onTimer(t))).containsExactly(new Action.SendAdvert(100));
        }
        assertThat(visible(m.onTimer(down + 5 * S)))
                .containsExactly(new Action.SendGarp(5), new Action.SendAdvert(100));
    }

    @Test
    void masterStepsDownWhenAHigherPriorityPeerAppears() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        long t = toMaster(m, 0) + 300 * MS;
        Transition tr = m.onAdvert(t, 150, PEER, 100);
        assertThat(tr.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(visible(tr)).containsExactly(
                new Action.Log("(VI_1) Master received advert from 10.0.0.2 with higher priority 150, ours 100"),
                new Action.Log("(VI_1) Entering BACKUP STATE"),
                new Action.RemoveVips(),
                new Action.Notify(NotifyEvent.BACKUP, 100));
        assertThat(timer(tr, VrrpTimer.MASTER_DOWN)).isEqualTo(t + 3 * S + 609_375_000L);
        assertThat(tr.actions()).contains(new Action.CancelTimer(VrrpTimer.ADVERT),
                new Action.CancelTimer(VrrpTimer.GARP_DELAY));
        assertThat(m.masterAddress()).isEqualTo(PEER);
    }

    @Test
    void masterHearingALowerPriorityAnswersAtOnceAndStaysMaster() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        long t = toMaster(m, 0) + 400 * MS;
        Transition tr = m.onAdvert(t, 50, PEER, 100);
        assertThat(tr.state()).isEqualTo(VrrpState.MASTER);
        assertThat(visible(tr)).containsExactly(
                new Action.Log("(VI_1) Received advert from 10.0.0.2 with lower priority 50, ours 100,"
                        + " forcing new election"),
                new Action.SendAdvert(100),
                new Action.Notify(NotifyEvent.MASTER_RX_LOWER_PRI, 100));
        assertThat(timer(tr, VrrpTimer.ADVERT)).isEqualTo(t + S);
    }

    @Test
    void lowerPrioNoAdvertStaysQuiet() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).lowerPrioNoAdvert().build());
        long t = toMaster(m, 0) + 400 * MS;
        Transition tr = m.onAdvert(t, 50, PEER, 100);
        assertThat(tr.actions(Action.SendAdvert.class)).isEmpty();
        assertThat(tr.actions(Action.Log.class).getFirst().line()).doesNotContain("forcing");
    }

    @Test
    void priorityZeroFromTheMasterMakesTheBackupTakeOverAfterSkewTime() {
        VrrpStateMachine m = new VrrpStateMachine(v3("VI_1", 100, 50).build());
        m.start(0);
        m.onAdvert(1 * S, 200, PEER, 50);
        Transition zero = m.onAdvert(1 * S + 200 * MS, 0, PEER, 50);
        assertThat(zero.state()).isEqualTo(VrrpState.BACKUP);
        // v3 skew: (256 - 100) * 50 cs / 256 = 30.46875 cs -> keepalived's integer microseconds 304687
        long at = timer(zero, VrrpTimer.MASTER_DOWN);
        assertThat(at).isEqualTo(1 * S + 200 * MS + 304_687_000L);
        assertThat(m.onTimer(at).state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void masterReceivingPriorityZeroSendsAnAdvertAtOnce() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        long t = toMaster(m, 0) + 100 * MS;
        Transition tr = m.onAdvert(t, 0, PEER, 100);
        assertThat(visible(tr)).containsExactly(new Action.SendAdvert(100));
        assertThat(tr.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void preemptingBackupIgnoresALowerMasterAndTakesOverWhenItsTimerRunsOut() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).build());
        long down = timer(m.start(0), VrrpTimer.MASTER_DOWN);
        // skew for 150: 106/256 s
        assertThat(down).isEqualTo(3 * S + 414_062_000L);
        for (long t = S / 2; t < down; t += S) {
            Transition tr = m.onAdvert(t, 100, PEER, 100);
            assertThat(visible(tr)).containsExactly(
                    new Action.Log("(VI_1) received lower priority (100) advert from 10.0.0.2 - discarding"));
            assertThat(tr.has(Action.SetTimer.class)).isFalse();
        }
        assertThat(m.onTimer(down).state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void nopreemptBackupStaysBackupWhileALowerMasterAdvertises() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).nopreempt().build());
        m.start(0);
        long t = S / 2;
        for (; t < 30 * S; t += S) {
            Transition tr = m.onAdvert(t, 100, PEER, 100);
            assertThat(tr.state()).isEqualTo(VrrpState.BACKUP);
            m.onTimer(t);
        }
        assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        // the lower master goes away: now the down timer does its work
        long last = t - S;
        assertThat(m.onTimer(last + 3 * S + 414_062_000L).state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void preemptDelayHoldsOffPreemptionThenTakesOver() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).preemptDelayNanos(10 * S).build());
        m.start(0);
        long t = S / 2;
        // during the delay (10 s from the first lower advert at 0.5 s) the lower master is accepted
        for (; t < 10 * S + S / 2; t += S) {
            assertThat(m.onAdvert(t, 100, PEER, 100).actions(Action.Log.class)).isEmpty();
            m.onTimer(t);
            assertThat(m.state()).isEqualTo(VrrpState.BACKUP);
        }
        // from 10.5 s on, discarded: the down timer armed by the last accepted advert (9.5 s) takes us over
        assertThat(m.onAdvert(t, 100, PEER, 100).actions(Action.Log.class)).hasSize(1);
        assertThat(m.deadline(VrrpTimer.MASTER_DOWN).getAsLong()).isEqualTo(9 * S + S / 2 + 3 * S + 414_062_000L);
        m.onTimer(9 * S + S / 2 + 3 * S + 414_062_000L);
        assertThat(m.state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void addressOwnerGoesStraightToMaster() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 255).nopreempt().build());
        assertThat(m.config().preempt()).as("nopreempt is dropped for the owner").isTrue();
        Transition tr = m.start(0);
        assertThat(tr.from()).isEqualTo(VrrpState.INIT);
        assertThat(tr.state()).isEqualTo(VrrpState.MASTER);
        assertThat(tr.actions(Action.SendAdvert.class)).containsExactly(new Action.SendAdvert(255));
    }

    @Test
    void stateMasterInTheConfigStillStartsInBackupBelow255() {
        VrrpInstanceConfig cfg = v2("VI_1", 100).state(VrrpState.MASTER).nopreempt().preemptDelayNanos(5 * S).build();
        assertThat(cfg.preempt()).isTrue();
        assertThat(cfg.preemptDelayNanos()).isZero();
        VrrpStateMachine m = new VrrpStateMachine(cfg);
        Transition tr = m.start(0);
        assertThat(tr.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(visible(tr).getFirst()).isEqualTo(new Action.Log("(VI_1) Entering BACKUP STATE (init)"));
        assertThat(timer(tr, VrrpTimer.MASTER_DOWN)).isEqualTo(3 * S + 609_375_000L);
        // without a priority, state MASTER means the owner
        assertThat(VrrpInstanceConfig.builder("VI_2", 2).state(VrrpState.MASTER).primaryAddress(Fixtures.ME).build()
                .priority()).isEqualTo(255);
    }

    @Test
    void equalPriorityIsBrokenByTheHigherPrimaryAddress() {
        VrrpStateMachine lower = new VrrpStateMachine(v2("VI_1", 100).build());
        long t = toMaster(lower, 0) + MS;
        Transition tr = lower.onAdvert(t, 100, PEER, 100);
        assertThat(tr.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(tr.actions(Action.Log.class).getFirst().line()).isEqualTo(
                "(VI_1) Master received advert from 10.0.0.2 with same priority 100 but higher IP address than ours");

        VrrpStateMachine higher = new VrrpStateMachine(v2("VI_1", 100).build());
        t = toMaster(higher, 0) + MS;
        Transition stays = higher.onAdvert(t, 100, LOWER_PEER, 100);
        assertThat(stays.state()).isEqualTo(VrrpState.MASTER);
        assertThat(stays.actions(Action.SendAdvert.class)).containsExactly(new Action.SendAdvert(100));
    }

    @Test
    void v3BackupLearnsTheMastersInterval() {
        VrrpStateMachine m = new VrrpStateMachine(v3("VI_1", 100, 100).build());
        m.start(0);
        Transition tr = m.onAdvert(S, 200, PEER, 25);
        assertThat(m.masterAdvertIntervalCentis()).isEqualTo(25);
        // 3 * 250 ms + (156 * 25 * 625 / 16) us = 750 ms + 152.343 ms
        assertThat(timer(tr, VrrpTimer.MASTER_DOWN)).isEqualTo(S + 750 * MS + 152_343_000L);
        // as master it advertises at its own interval again
        long at = timer(tr, VrrpTimer.MASTER_DOWN);
        Transition master = m.onTimer(at);
        assertThat(timer(master, VrrpTimer.ADVERT)).isEqualTo(at + S);
        assertThat(m.masterAdvertIntervalCentis()).isEqualTo(100);
    }

    @Test
    void v2IgnoresTheIntervalField() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        m.start(0);
        m.onAdvert(S, 200, PEER, 300);
        assertThat(m.masterAdvertIntervalCentis()).isEqualTo(100);
    }

    @Test
    void gracefulStopOfAMasterSendsPriorityZero() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).build());
        long t = toMaster(m, 0);
        Transition tr = m.stop(t + 10 * MS);
        assertThat(tr.state()).isEqualTo(VrrpState.STOP);
        assertThat(visible(tr)).containsExactly(new Action.SendAdvert(0),
                new Action.Log("(VI_1) sent 0 priority", true), new Action.RemoveVips(),
                new Action.Notify(NotifyEvent.STOP, 100));
        assertThat(m.nextDeadline()).isEmpty();

        VrrpStateMachine b = new VrrpStateMachine(v2("VI_2", 100).build());
        b.start(0);
        assertThat(visible(b.stop(S))).containsExactly(new Action.Notify(NotifyEvent.STOP, 100));
    }

    @Test
    void garpMasterRefreshRepeatsOnTheAdvertTicks() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 100).garpMasterDelayNanos(0)
                .garpMasterRefreshNanos(10 * S).garpMasterRefreshRepeat(2).build());
        long t0 = toMaster(m, 0);
        assertThat(m.deadline(VrrpTimer.GARP_DELAY)).isEmpty();
        for (long t = t0 + S; t <= t0 + 10 * S; t += S) {
            assertThat(m.onTimer(t).actions(Action.SendGarp.class)).as("at +%d s", (t - t0) / S).isEmpty();
        }
        // keepalived refreshes on the first advert strictly after the refresh time
        assertThat(m.onTimer(t0 + 11 * S).actions(Action.SendGarp.class)).containsExactly(new Action.SendGarp(2));
        assertThat(m.onTimer(t0 + 12 * S).actions(Action.SendGarp.class)).isEmpty();
    }

    @Test
    void bothOwnersIsAConfigurationErrorThatLowersOurPriority() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 255).build());
        m.start(0);
        Transition tr = m.onAdvert(S / 2, 255, PEER, 100);
        assertThat(tr.actions(Action.Log.class).getFirst().line()).contains("CONFIGURATION ERROR");
        assertThat(m.effectivePriority()).isEqualTo(254);
        assertThat(tr.state()).isEqualTo(VrrpState.BACKUP);
    }
}
