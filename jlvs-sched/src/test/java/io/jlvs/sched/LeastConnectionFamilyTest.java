package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** lc, wlc, sed and nq: the kernel's load comparisons. */
class LeastConnectionFamilyTest {
    private final FlowKey flow = new FlowKey();

    @Test
    void lcComparesActiveTimes256PlusInactiveAndIgnoresWeight() {
        TestDestinations d = TestDestinations.withWeights(1, 100);
        d.active(0, 1).inactive(0, 0);   // 256
        d.active(1, 0).inactive(1, 200); // 200
        assertThat(new LeastConnectionScheduler().select(d, flow)).isEqualTo(1);
        d.inactive(1, 256);              // tie: the first wins
        assertThat(new LeastConnectionScheduler().select(d, flow)).isEqualTo(0);
    }

    @Test
    void wlcDividesOverheadByWeight() {
        TestDestinations d = TestDestinations.withWeights(1, 3);
        d.active(0, 1);                  // 256 / 1
        d.active(1, 2);                  // 512 / 3
        assertThat(new WeightedLeastConnectionScheduler().select(d, flow)).isEqualTo(1);
        assertThat(new LeastConnectionScheduler().select(d, flow)).isEqualTo(0);
        d.active(1, 3);                  // 768 / 3 == 256 / 1: the first wins
        assertThat(new WeightedLeastConnectionScheduler().select(d, flow)).isEqualTo(0);
    }

    @Test
    void sedCountsOnlyActiveConnectionsPlusOne() {
        TestDestinations d = TestDestinations.withWeights(1, 2);
        d.active(0, 0).inactive(0, 1000); // (0+1)/1 = 1
        d.active(1, 1).inactive(1, 0);    // (1+1)/2 = 1: tie, the first wins
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isEqualTo(0);
        assertThat(new WeightedLeastConnectionScheduler().select(d, flow)).isEqualTo(1);
        d.weight(1, 3);                    // 2/3 < 1
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isEqualTo(1);
    }

    @Test
    void nqSendsToAnIdleServerFirstElseAsSed() {
        TestDestinations d = TestDestinations.withWeights(10, 1, 1);
        d.active(0, 1).active(1, 0).active(2, 0);
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isEqualTo(0); // 2/10 < 1/1
        assertThat(new NeverQueueScheduler().select(d, flow)).isEqualTo(1);            // idle first
        d.active(1, 5).active(2, 1);
        assertThat(new NeverQueueScheduler().select(d, flow)).isEqualTo(0);
        d.overloaded(0, true).weight(1, 0);
        assertThat(new NeverQueueScheduler().select(d, flow)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wlc", "sed", "nq"})
    void connectionsEndUpProportionalToWeight(String name) {
        SplittableRandom rnd = new SplittableRandom(99);
        int[] weights = {1, 2, 3, 4, 10};
        TestDestinations d = TestDestinations.withWeights(weights);
        Scheduler s = Schedulers.create(name, null);
        s.update(d);
        int total = 20_000;
        for (int k = 0; k < total; k++) {
            int pick = s.select(d, flow);
            d.active(pick, d.activeConns(pick) + 1);
            if (rnd.nextInt(4) == 0) { // a random connection ends
                int i = rnd.nextInt(weights.length);
                if (d.activeConns(i) > 0) {
                    d.active(i, d.activeConns(i) - 1);
                }
            }
        }
        long active = 0;
        for (int i = 0; i < weights.length; i++) {
            active += d.activeConns(i);
        }
        for (int i = 0; i < weights.length; i++) {
            double share = d.activeConns(i) / (double) active;
            assertThat(share).as("%s server weight %d", name, weights[i]).isCloseTo(weights[i] / 20.0,
                    org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void lcEqualisesConnectionCounts() {
        TestDestinations d = TestDestinations.withWeights(1, 7, 3);
        LeastConnectionScheduler lc = new LeastConnectionScheduler();
        for (int k = 0; k < 3000; k++) {
            int pick = lc.select(d, flow);
            d.inactive(pick, d.inactiveConns(pick) + 1);
        }
        assertThat(new int[] {d.inactiveConns(0), d.inactiveConns(1), d.inactiveConns(2)}).containsOnly(1000);
    }
}
