package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import org.junit.jupiter.api.Test;

/** fo and ovf: highest weight first. */
class FailoverOverflowTest {
    private final FlowKey flow = new FlowKey();

    @Test
    void foTakesTheHighestWeightFirstOfEqualsAndFailsOverInWeightOrder() {
        WeightedFailoverScheduler fo = new WeightedFailoverScheduler();
        TestDestinations d = TestDestinations.withWeights(5, 10, 10, 3);
        d.active(1, 1000);
        assertThat(fo.select(d, flow)).isEqualTo(1);
        d.overloaded(1, true);
        assertThat(fo.select(d, flow)).isEqualTo(2);
        d.weight(2, 0);
        assertThat(fo.select(d, flow)).isEqualTo(0);
        d.overloaded(0, true);
        assertThat(fo.select(d, flow)).isEqualTo(3);
        d.overloaded(3, true);
        assertThat(fo.select(d, flow)).isEqualTo(Scheduler.NO_DESTINATION);
    }

    @Test
    void ovfFillsTheHeaviestServerUntilActiveExceedsWeightThenOverflows() {
        WeightedOverflowScheduler ovf = new WeightedOverflowScheduler();
        TestDestinations d = TestDestinations.withWeights(2, 5);
        StringBuilder seq = new StringBuilder();
        for (int k = 0; k < 12; k++) {
            int pick = ovf.select(d, flow);
            seq.append(pick < 0 ? "-" : pick == 0 ? "A" : "B");
            if (pick >= 0) {
                d.active(pick, d.activeConns(pick) + 1);
            }
        }
        // B is eligible while active <= 5 (6 flows), then A while active <= 2 (3 flows), then nobody
        assertThat(seq.toString()).isEqualTo("BBBBBBAAA---");
        d.active(1, 4);
        assertThat(ovf.select(d, flow)).isEqualTo(1);
    }

    @Test
    void ovfIgnoresInactiveConnections() {
        WeightedOverflowScheduler ovf = new WeightedOverflowScheduler();
        TestDestinations d = TestDestinations.withWeights(1, 3);
        d.inactive(1, 10_000);
        assertThat(ovf.select(d, flow)).isEqualTo(1);
        d.overloaded(1, true);
        assertThat(ovf.select(d, flow)).isEqualTo(0);
    }
}
