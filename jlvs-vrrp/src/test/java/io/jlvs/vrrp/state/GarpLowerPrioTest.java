package io.jlvs.vrrp.state;

import static io.jlvs.vrrp.state.Fixtures.LOWER_PEER;
import static io.jlvs.vrrp.state.Fixtures.PEER;
import static io.jlvs.vrrp.state.Fixtures.S;
import static io.jlvs.vrrp.state.Fixtures.toMaster;
import static io.jlvs.vrrp.state.Fixtures.v2;
import static io.jlvs.vrrp.state.Fixtures.visible;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** garp_lower_prio_repeat / garp_lower_prio_delay and lower_prio_no_advert, on a fake clock. */
class GarpLowerPrioTest {

    @Test
    void masterHearingALowerPriorityAdvertSendsGarpsNowAndAgainAfterTheDelay() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).garpMasterDelayNanos(0)
                .garpLowerPrio(3, 2 * S).build());
        long t0 = toMaster(m, 0);
        long heard = t0 + S / 2;
        Transition tr = m.onAdvert(heard, 100, PEER, 100);
        assertThat(tr.state()).isEqualTo(VrrpState.MASTER);
        // keepalived answers with an advert (forcing a new election), then the gratuitous ARPs
        assertThat(tr.actions(Action.SendAdvert.class)).containsExactly(new Action.SendAdvert(150));
        assertThat(tr.actions(Action.SendGarp.class)).containsExactly(new Action.SendGarp(3));
        assertThat(m.deadline(VrrpTimer.GARP_LOWER_PRIO)).hasValue(heard + 2 * S);

        assertThat(m.onTimer(heard + 2 * S - 1).actions(Action.SendGarp.class)).isEmpty();
        assertThat(m.onTimer(heard + 2 * S).actions(Action.SendGarp.class)).containsExactly(new Action.SendGarp(3));
        assertThat(m.deadline(VrrpTimer.GARP_LOWER_PRIO)).isEmpty();
    }

    @Test
    void noSecondRoundWithoutDelayAndNoneAfterLeavingMaster() {
        VrrpStateMachine once = new VrrpStateMachine(v2("VI_1", 150).garpMasterDelayNanos(0)
                .garpLowerPrio(2, 0).build());
        long t0 = toMaster(once, 0);
        assertThat(once.onAdvert(t0 + 1, 100, PEER, 100).actions(Action.SendGarp.class))
                .containsExactly(new Action.SendGarp(2));
        assertThat(once.deadline(VrrpTimer.GARP_LOWER_PRIO)).isEmpty();

        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).garpMasterDelayNanos(0)
                .garpLowerPrio(2, 2 * S).build());
        long t1 = toMaster(m, 0);
        m.onAdvert(t1 + 1, 100, PEER, 100);
        Transition down = m.onAdvert(t1 + 2, 200, LOWER_PEER, 100);
        assertThat(down.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(m.deadline(VrrpTimer.GARP_LOWER_PRIO)).isEmpty();
        assertThat(visible(m.onTimer(t1 + 3 * S))).doesNotContain(new Action.SendGarp(2));
    }

    @Test
    void strictSettingsNeitherAdvertNorGarpOnALowerPriorityAdvert() {
        VrrpStateMachine m = new VrrpStateMachine(v2("VI_1", 150).garpMasterDelayNanos(0)
                .lowerPrioNoAdvert().build());
        long t0 = toMaster(m, 0);
        Transition tr = m.onAdvert(t0 + 1, 100, PEER, 100);
        assertThat(tr.actions(Action.SendAdvert.class)).isEmpty();
        assertThat(tr.actions(Action.SendGarp.class)).isEmpty();
        assertThat(tr.actions(Action.Log.class).getFirst().line()).doesNotContain("forcing new election");
    }
}
