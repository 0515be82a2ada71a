package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinSchedulerTest {
    private final FlowKey flow = new FlowKey();

    @Test
    void cyclesThroughAvailableServersInOrder() {
        RoundRobinScheduler rr = new RoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(1, 5, 0, 1);
        rr.update(d);
        int[] picks = new int[6];
        for (int i = 0; i < picks.length; i++) {
            picks[i] = rr.select(d, flow);
        }
        assertThat(picks).containsExactly(0, 1, 3, 0, 1, 3);
    }

    @Test
    void equalSharesRegardlessOfWeightAndLoad() {
        SplittableRandom rnd = new SplittableRandom(21);
        RoundRobinScheduler rr = new RoundRobinScheduler();
        TestDestinations d = TestDestinations.of(7);
        for (int i = 0; i < 7; i++) {
            d.weight(i, 1 + rnd.nextInt(100)).active(i, rnd.nextInt(1000));
        }
        rr.update(d);
        int[] counts = new int[7];
        for (int k = 0; k < 7 * 1000; k++) {
            counts[rr.select(d, flow)]++;
        }
        assertThat(counts).containsOnly(1000);
    }

    @Test
    void skipsAnOverloadedServerAndComesBackToIt() {
        RoundRobinScheduler rr = new RoundRobinScheduler();
        TestDestinations d = TestDestinations.of(3);
        rr.update(d);
        assertThat(rr.select(d, flow)).isEqualTo(0);
        d.overloaded(1, true);
        assertThat(rr.select(d, flow)).isEqualTo(2);
        assertThat(rr.select(d, flow)).isEqualTo(0);
        d.overloaded(1, false);
        assertThat(rr.select(d, flow)).isEqualTo(1);
    }

    @Test
    void survivesTheListShrinking() {
        RoundRobinScheduler rr = new RoundRobinScheduler();
        TestDestinations d = TestDestinations.of(4);
        rr.update(d);
        for (int i = 0; i < 4; i++) {
            rr.select(d, flow);
        }
        TestDestinations smaller = TestDestinations.of(2);
        rr.update(smaller);
        assertThat(rr.select(smaller, flow)).isIn(0, 1);
    }
}
