package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WeightedRoundRobinSchedulerTest {
    private final FlowKey flow = new FlowKey();

    @Test
    void kernelSequenceForWeightsFourThreeTwo() {
        WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 3, 2);
        wrr.update(d);
        int[] picks = new int[18];
        for (int i = 0; i < picks.length; i++) {
            picks[i] = wrr.select(d, flow);
        }
        // cw = 4: A; cw = 3: A B; cw = 2: A B C; cw = 1: A B C; then again
        assertThat(picks).containsExactly(0, 0, 1, 0, 1, 2, 0, 1, 2, 0, 0, 1, 0, 1, 2, 0, 1, 2);
    }

    @Test
    void everyFullCycleGivesEachServerExactlyItsWeightOverTheGcd() {
        SplittableRandom rnd = new SplittableRandom(1234);
        for (int round = 0; round < 50; round++) {
            int n = 1 + rnd.nextInt(10);
            int unit = 1 + rnd.nextInt(4);
            TestDestinations d = TestDestinations.of(n);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                int w = rnd.nextInt(5) == 0 ? 0 : unit * (1 + rnd.nextInt(8));
                d.weight(i, w);
                sum += w;
            }
            if (sum == 0) {
                continue;
            }
            WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
            wrr.update(d);
            int g = 0;
            for (int i = 0; i < n; i++) {
                g = d.weight(i) > 0 ? java.math.BigInteger.valueOf(g).gcd(java.math.BigInteger.valueOf(d.weight(i))).intValue() : g;
            }
            int cycles = 3;
            int[] counts = new int[n];
            for (long k = 0; k < cycles * sum / g; k++) {
                counts[wrr.select(d, flow)]++;
            }
            for (int i = 0; i < n; i++) {
                assertThat(counts[i]).as("server %d weight %d", i, d.weight(i)).isEqualTo(cycles * d.weight(i) / g);
            }
        }
    }

    @Test
    void weightChangesTakeEffectAfterUpdate() {
        WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(1, 1, 1);
        wrr.update(d);
        wrr.select(d, flow);
        d.weight(0, 0).weight(2, 3);
        wrr.update(d);
        int[] counts = new int[3];
        for (int k = 0; k < 4000; k++) {
            counts[wrr.select(d, flow)]++;
        }
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isBetween(2990, 3010);
        assertThat(counts[1]).isBetween(990, 1010);
    }

    @Test
    void overloadedServerIsPassedOverOthersKeepTheirOrder() {
        WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(2, 1);
        wrr.update(d);
        d.overloaded(0, true);
        for (int k = 0; k < 10; k++) {
            assertThat(wrr.select(d, flow)).isEqualTo(1);
        }
        d.overloaded(1, true);
        assertThat(wrr.select(d, flow)).isEqualTo(Scheduler.NO_DESTINATION);
        d.overloaded(0, false);
        assertThat(wrr.select(d, flow)).isEqualTo(0);
    }
}
