package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Weights up to INT_MAX, as IPVS takes them: every scheduler picks as the weights say, nothing overflows. */
class LargeWeightsTest {
    private static final int MAX = Integer.MAX_VALUE;
    /** Active connections whose overhead (x 256) times INT_MAX passes 2^63. */
    private static final int MANY = 1 << 24;

    private final FlowKey flow = new FlowKey();

    private static int[] picks(Scheduler s, TestDestinations d, FlowKey flow, int n) {
        s.update(d);
        int[] counts = new int[d.size()];
        for (int k = 0; k < n; k++) {
            counts[s.select(d, flow)]++;
        }
        return counts;
    }

    @Test
    void wrrStepsDownFromIntMaxWithoutOverflow() {
        WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(MAX, MAX - 1);
        wrr.update(d);
        int[] first = new int[7];
        for (int i = 0; i < first.length; i++) {
            first[i] = wrr.select(d, flow);
        }
        // cw = MAX: A; cw = MAX-1: A B; cw = MAX-2: A B; ...
        assertThat(first).containsExactly(0, 0, 1, 0, 1, 0, 1);
    }

    @Test
    void wrrWithHugeWeightsSharingAFactorGivesTheirRatio() {
        int unit = MAX / 10;                        // 214,748,364
        TestDestinations d = TestDestinations.withWeights(10 * unit, 3 * unit, unit, 0, 6 * unit);
        int[] counts = picks(new WeightedRoundRobinScheduler(), d, flow, 20 * 100);
        assertThat(counts).containsExactly(1000, 300, 100, 0, 600);
    }

    @Test
    void wrrKeepsItsPlaceWhenHugeWeightsChange() {
        WeightedRoundRobinScheduler wrr = new WeightedRoundRobinScheduler();
        TestDestinations d = TestDestinations.withWeights(MAX - 1, (MAX - 1) / 2);
        int[] counts = picks(wrr, d, flow, 7);
        d.weight(0, (MAX - 1) / 2 * 2).weight(1, (MAX - 1) / 2 * 2); // gcd MAX-1: cw realigned, no overflow
        wrr.update(d);
        int[] after = new int[2];
        for (int k = 0; k < 1000; k++) {
            after[wrr.select(d, flow)]++;
        }
        assertThat(counts[0] + counts[1]).isEqualTo(7);
        assertThat(after).containsExactly(500, 500);
    }

    @Test
    void wlcWeighsIntMaxAgainstSmallWeights() {
        // every new connection adds to the chosen server's overhead, as the engine does
        TestDestinations d = TestDestinations.withWeights(MAX, MAX / 2, 1);
        WeightedLeastConnectionScheduler wlc = new WeightedLeastConnectionScheduler();
        int[] counts = new int[3];
        for (int k = 0; k < 3000; k++) {
            int i = wlc.select(d, flow);
            counts[i]++;
            d.active(i, d.activeConns(i) + 1);
        }
        assertThat(counts[2]).isEqualTo(1);
        assertThat(counts[0]).isBetween(1998, 2000);
        assertThat(counts[1]).isBetween(998, 1000);
    }

    @Test
    void wlcAndTheLocalitySchedulersDoNotWrapPast2To63() {
        // equal weights of INT_MAX: the server with one connection more is the more loaded one, although
        // its overhead x weight passes 2^63 and a signed 64-bit product turns negative
        TestDestinations d = TestDestinations.withWeights(MAX, MAX);
        d.active(0, MANY).active(1, MANY + 1);
        assertThat(new WeightedLeastConnectionScheduler().select(d, flow)).isZero();
        assertThat(new LocalityLeastConnectionScheduler().select(d, Flows.v4(1, 1000, 2, 80, 1))).isZero();
        assertThat(new LocalityLeastConnectionReplicationScheduler().select(d, Flows.v4(1, 1000, 2, 80, 1)))
                .isZero();
        d.active(0, MANY + 2);
        assertThat(new WeightedLeastConnectionScheduler().select(d, flow)).isEqualTo(1);
    }

    @Test
    void sedAndNqWithIntMaxWeights() {
        TestDestinations d = TestDestinations.withWeights(MAX, 1);
        d.active(0, 2_000_000_000).active(1, 1); // (2e9+1)/INT_MAX < 1 < 2/1
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isZero();
        assertThat(new NeverQueueScheduler().select(d, flow)).isZero();
        d.active(0, MAX - 1);                    // INT_MAX/INT_MAX = 1 < 2
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isZero();
        d.weight(1, 2).active(1, 0);             // 1/2 < 1
        assertThat(new ShortestExpectedDelayScheduler().select(d, flow)).isEqualTo(1);
    }

    @Test
    void twosTakesTheLighterOfTwoServersOfWeightIntMax() {
        TestDestinations d = TestDestinations.withWeights(MAX, MAX);
        d.active(0, MANY + 1).active(1, MANY);
        TwoChoicesScheduler s = new TwoChoicesScheduler(3);
        int toLighter = 0;
        int total = 40_000;
        for (int k = 0; k < total; k++) {
            toLighter += s.select(d, flow) == 1 ? 1 : 0;
        }
        // the heavier one wins only when both draws hit it
        assertThat(toLighter / (double) total).isCloseTo(0.75, offset(0.01));
    }

    @Test
    void twosDrawsInProportionToHugeWeights() {
        TestDestinations d = TestDestinations.withWeights(MAX, MAX / 3, MAX);
        int[] counts = picks(new TwoChoicesScheduler(4), d, flow, 70_000);
        assertThat(counts[1] / 70_000.0).isCloseTo(1 / 7.0, offset(0.01));
        assertThat(counts[0] / 70_000.0).isCloseTo(3 / 7.0, offset(0.01));
    }

    @Test
    void foAndOvfTakeTheHighestWeightUpToIntMax() {
        TestDestinations d = TestDestinations.withWeights(MAX - 1, MAX, 65536);
        assertThat(new WeightedFailoverScheduler().select(d, flow)).isEqualTo(1);
        assertThat(new WeightedOverflowScheduler().select(d, flow)).isEqualTo(1);
        d.active(1, MAX);                         // not more than its weight yet
        assertThat(new WeightedOverflowScheduler().select(d, flow)).isEqualTo(1);
    }

    @Test
    void mhKeepsItsTableSizeAndTheRatiosOfWeightsNearIntMax() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.defaults());
        TestDestinations d = TestDestinations.withWeights(MAX, MAX / 2, 1, MAX / 4);
        mh.update(d);
        int total = 0;
        for (int i = 0; i < 4; i++) {
            total += mh.slotsOf(i);
            assertThat(mh.slotsOf(i)).as("server %d", i).isPositive();
        }
        assertThat(total).isEqualTo(mh.tableSize());
        // shifted to 6 bits as the kernel does: 63 : 31 : 1 (at least one turn) : 15 of 4093 slots
        assertThat(mh.slotsOf(0) / (double) total).isCloseTo(63 / 110.0, offset(0.01));
        assertThat(mh.slotsOf(1) / (double) total).isCloseTo(31 / 110.0, offset(0.01));
        assertThat(mh.slotsOf(3) / (double) total).isCloseTo(15 / 110.0, offset(0.01));
    }

    @Test
    void shGivesAServerOfHugeWeightTheWholeTableAsTheKernelDoes() {
        Scheduler sh = Schedulers.create("sh", new SchedulerOptions(Set.of(), 4093, 5));
        TestDestinations d = TestDestinations.withWeights(MAX, MAX);
        sh.update(d);
        for (int k = 0; k < 1000; k++) {
            assertThat(sh.select(d, Flows.v4(0x0a000000 + k, 1000 + k, 0xc0a8000a, 80, 0))).isZero();
        }
    }
}
