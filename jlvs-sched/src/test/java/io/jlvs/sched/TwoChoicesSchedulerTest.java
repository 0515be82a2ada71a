package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.jlvs.core.sched.FlowKey;
import org.junit.jupiter.api.Test;

class TwoChoicesSchedulerTest {
    private final FlowKey flow = new FlowKey();

    @Test
    void idleServersAreDrawnInProportionToWeight() {
        int[] weights = {1, 2, 3, 0, 4};
        TestDestinations d = TestDestinations.withWeights(weights);
        TwoChoicesScheduler s = new TwoChoicesScheduler(1);
        int[] counts = new int[weights.length];
        int total = 100_000;
        for (int k = 0; k < total; k++) {
            counts[s.select(d, flow)]++;
        }
        for (int i = 0; i < weights.length; i++) {
            assertThat(counts[i] / (double) total).as("weight %d", weights[i]).isCloseTo(weights[i] / 10.0, offset(0.01));
        }
    }

    @Test
    void theLessLoadedOfTheTwoDrawsWins() {
        TestDestinations d = TestDestinations.withWeights(1, 1);
        d.active(0, 100);
        TwoChoicesScheduler s = new TwoChoicesScheduler(2);
        int toIdle = 0;
        int total = 40_000;
        for (int k = 0; k < total; k++) {
            toIdle += s.select(d, flow) == 1 ? 1 : 0;
        }
        // the loaded server wins only when both draws hit it: 1/4
        assertThat(toIdle / (double) total).isCloseTo(0.75, offset(0.01));
    }

    @Test
    void loadIsComparedPerUnitOfWeight() {
        TestDestinations d = TestDestinations.withWeights(10, 1);
        d.active(0, 5).active(1, 1); // 5*256/10 < 1*256/1
        TwoChoicesScheduler s = new TwoChoicesScheduler(3);
        int total = 100_000;
        int toBusier = 0;
        for (int k = 0; k < total; k++) {
            toBusier += s.select(d, flow);
        }
        // server 1 (busier per unit of weight) wins only when both draws hit it: (1/11)^2
        assertThat(toBusier / (double) total).isCloseTo(1.0 / 121, offset(0.002));
    }

    @Test
    void theSeedFixesTheSequence() {
        TestDestinations d = TestDestinations.of(50);
        TwoChoicesScheduler a = new TwoChoicesScheduler(77);
        TwoChoicesScheduler b = new TwoChoicesScheduler(77);
        TwoChoicesScheduler c = new TwoChoicesScheduler(78);
        int same = 0;
        for (int k = 0; k < 1000; k++) {
            int pa = a.select(d, flow);
            assertThat(b.select(d, flow)).isEqualTo(pa);
            same += c.select(d, flow) == pa ? 1 : 0;
        }
        assertThat(same).isLessThan(100);
    }
}
