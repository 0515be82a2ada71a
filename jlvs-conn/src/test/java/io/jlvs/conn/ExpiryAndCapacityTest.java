package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.Flows.RS1;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.TcpState.FLAG_ACK;
import static io.jlvs.conn.TcpState.FLAG_RST;
import static io.jlvs.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.state.DestinationState;
import org.junit.jupiter.api.Test;

class ExpiryAndCapacityTest {
    private final DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);

    @Test
    void anEntryExpiresAtItsDeadlineAndNotBefore() {
        ConnTable t = Flows.table(8);
        long t0 = 7 * S + 123_456_789L;
        int id = Flows.conn(t, TCP, 1000, rs, t0);
        t.onPacket(id, INPUT, FLAG_SYN, t0);
        t.expire(t0 + 60 * S - 1, 100);
        assertThat(t.inUse(id)).isTrue();
        assertThat(Flows.lookup(t, TCP, 1000)).isEqualTo(id);
        t.expire(t0 + 60 * S, 100);
        assertThat(t.inUse(id)).isFalse();
        assertThat(Flows.lookup(t, TCP, 1000)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.size()).isZero();
        assertThat(rs.activeConns() + rs.inactiveConns()).isZero();
    }

    @Test
    void aShorterTimeoutTakesEffectAtOnce() {
        ConnTable t = Flows.table(8);
        int id = Flows.conn(t, TCP, 1001, rs, 0);
        t.onPacket(id, INPUT, FLAG_SYN, 0);
        t.onPacket(id, INPUT, FLAG_ACK, 0);
        t.onPacket(id, INPUT, FLAG_RST, 5 * S);
        t.expire(15 * S - 1, 100);
        assertThat(t.inUse(id)).isTrue();
        t.expire(15 * S, 100);
        assertThat(t.inUse(id)).isFalse();
    }

    @Test
    void aNewEntryWithoutPacketsExpiresAfterThreeSeconds() {
        ConnTable t = Flows.table(8);
        int id = Flows.conn(t, TCP, 1002, rs, 0);
        t.expire(3 * S - 1, 100);
        assertThat(t.inUse(id)).isTrue();
        t.expire(3 * S, 100);
        assertThat(t.inUse(id)).isFalse();
    }

    @Test
    void theBudgetBoundsTheWorkOfOneStepAndLaterStepsFinish() {
        ConnTable t = Flows.table(1000);
        for (int i = 0; i < 500; i++) {
            int id = Flows.conn(t, TCP, 2000 + i, rs, i * 1_000_000L);
            t.onPacket(id, INPUT, FLAG_SYN, i * 1_000_000L);
        }
        long later = 100 * S;
        int examined = t.expire(later, 64);
        assertThat(examined).isEqualTo(64);
        assertThat(t.size()).isEqualTo(500 - 64);
        // entries created while a step is paused are still found
        int late = Flows.conn(t, TCP, 9999, rs, later - 10 * S);
        int rounds = 0;
        while (t.expire(later, 64) == 64) {
            rounds++;
            assertThat(rounds).isLessThan(100);
        }
        assertThat(t.size()).isZero();
        assertThat(t.inUse(late)).isFalse();
    }

    @Test
    void aClockJumpOfHoursExpiresEverything() {
        ConnTable t = Flows.table(100);
        for (int i = 0; i < 50; i++) {
            int id = Flows.conn(t, TCP, 3000 + i, rs, 0);
            t.onPacket(id, INPUT, FLAG_SYN, 0);
            t.onPacket(id, INPUT, FLAG_ACK, 0);
        }
        t.expire(899 * S, 1000);
        assertThat(t.size()).isEqualTo(50);
        t.expire(5 * 3600 * S, 1000);
        assertThat(t.size()).isZero();
    }

    @Test
    void deadlinesBeyondOneTurnOfTheWheelWaitTheirTurn() {
        ConnTable t = Flows.table(8);
        IpAddress d = RS1;
        int tpl = t.createTemplate(TCP, false, 0, Flows.CLIENT.lo(), 0, Flows.VIP.lo(), 80,
                false, d.hi(), d.lo(), 80, rs, 3 * 3600, 0);
        for (long s = 0; s < 3 * 3600; s += 37) {
            t.expire(s * S, 1000);
        }
        assertThat(t.inUse(tpl)).isTrue();
        t.expire(3 * 3600 * S, 1000);
        assertThat(t.inUse(tpl)).isFalse();
        assertThat(rs.persistConns()).isZero();
    }

    @Test
    void aFullTableRefusesCountsTheDropAndKeepsWorking() {
        ConnTable t = Flows.table(4);
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = Flows.conn(t, TCP, 4000 + i, rs, 0);
            assertThat(ids[i]).isNotNegative();
        }
        assertThat(Flows.conn(t, TCP, 4004, rs, 0)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(Flows.conn(t, TCP, 4005, rs, 0)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.drops()).isEqualTo(2);
        assertThat(rs.inactiveConns()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(Flows.lookup(t, TCP, 4000 + i)).isEqualTo(ids[i]);
        }
        assertThat(t.expireNow(ids[1], 0)).isTrue();
        int again = Flows.conn(t, TCP, 4004, rs, 0);
        assertThat(again).isNotNegative();
        assertThat(Flows.lookup(t, TCP, 4004)).isEqualTo(again);
        assertThat(Flows.lookup(t, TCP, 4001)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.drops()).isEqualTo(2);
        assertThat(t.size()).isEqualTo(4);
    }
}
