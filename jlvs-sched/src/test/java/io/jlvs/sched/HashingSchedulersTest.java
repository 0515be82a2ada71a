package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.jlvs.core.SchedFlag;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** sh, dh and mh: static tables. */
class HashingSchedulersTest {
    private static final int KEYS = 20_000;

    private static Scheduler create(String name, SchedFlag... flags) {
        return Schedulers.create(name, new SchedulerOptions(Set.of(flags), 4093, 5));
    }

    private static long[] keys(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] k = new long[KEYS];
        for (int i = 0; i < KEYS; i++) {
            k[i] = rnd.nextLong();
        }
        return k;
    }

    /** The key's low 32 bits are the source address, the next 16 the source port; the destination varies too. */
    private static FlowKey flow(FlowKey f, long key) {
        long addr = key & 0xffffffffL;
        return f.set(false, 6, 0, addr, (int) (key >>> 32) & 0xffff, 0, (key >>> 16) & 0xffffffffL, 80, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "dh", "mh"})
    void sameKeySameServerAndIndependentOfInsertionOrder(String name) {
        SplittableRandom rnd = new SplittableRandom(17);
        TestDestinations d = TestDestinations.of(9);
        for (int i = 0; i < 9; i++) {
            d.weight(i, 1 + rnd.nextInt(4));
        }
        int[] perm = {4, 8, 0, 2, 7, 1, 6, 3, 5};
        TestDestinations shuffled = d.permuted(perm);
        Scheduler a = create(name);
        Scheduler b = create(name);
        a.update(d);
        b.update(shuffled);
        FlowKey f = new FlowKey();
        for (long key : keys(1)) {
            int first = a.select(d, flow(f, key));
            assertThat(a.select(d, flow(f, key))).isEqualTo(first);
            assertThat(shuffled.endpoint(b.select(shuffled, flow(f, key)))).isEqualTo(d.endpoint(first));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "mh"})
    void sourceHashingIgnoresDestinationAndPortUnlessAsked(String name) {
        Scheduler plain = create(name);
        Scheduler withPort = create(name, name.equals("sh") ? SchedFlag.SH_PORT : SchedFlag.MH_PORT);
        TestDestinations d = TestDestinations.of(8);
        plain.update(d);
        withPort.update(d);
        FlowKey f = new FlowKey();
        int src = 0x0a010203;
        int plainPick = plain.select(d, Flows.v4(src, 1000, 1, 80, 0));
        boolean[] seen = new boolean[8];
        for (int port = 1000; port < 1400; port++) {
            assertThat(plain.select(d, Flows.v4(src, port, port * 7, 80, 0))).isEqualTo(plainPick);
            seen[withPort.select(d, f.set(false, 6, 0, src, port, 0, 1, 80, 0))] = true;
        }
        for (boolean s : seen) {
            assertThat(s).as("%s with port flag spreads one client's ports over all servers", name).isTrue();
        }
        // for a protocol without ports (ICMP), the port is not used
        int icmp = withPort.select(d, f.set(false, 1, 0, src, 1234, 0, 1, 0, 0));
        assertThat(withPort.select(d, f.set(false, 1, 0, src, 4321, 0, 1, 0, 0))).isEqualTo(icmp);
    }

    @Test
    void dhHashesTheDestinationAddress() {
        Scheduler dh = create("dh");
        TestDestinations d = TestDestinations.of(5);
        dh.update(d);
        SplittableRandom rnd = new SplittableRandom(3);
        int[] counts = new int[5];
        for (int dst = 0; dst < 2000; dst++) {
            int pick = dh.select(d, Flows.v4(rnd.nextInt(), 1, 0xc0a80000 + dst, 80, 0));
            for (int k = 0; k < 5; k++) {
                assertThat(dh.select(d, Flows.v4(rnd.nextInt(), rnd.nextInt(65536), 0xc0a80000 + dst, 80, 0)))
                        .isEqualTo(pick);
            }
            counts[pick]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(300, 500);
        }
    }

    @Test
    void shSharesFollowWeights() {
        int[] weights = {1, 2, 3, 4};
        TestDestinations d = TestDestinations.withWeights(weights);
        Scheduler sh = create("sh");
        sh.update(d);
        int[] counts = new int[weights.length];
        FlowKey f = new FlowKey();
        int none = 0;
        for (long key : keys(2)) {
            int pick = sh.select(d, flow(f, key));
            if (pick < 0) {
                none++;
            } else {
                counts[pick]++;
            }
        }
        assertThat(none).isZero();
        for (int i = 0; i < weights.length; i++) {
            assertThat(counts[i] / (double) KEYS).as("weight %d", weights[i]).isCloseTo(weights[i] / 10.0, offset(0.03));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "mh"})
    void unavailableServerWithoutFallbackDropsOnlyItsOwnFlows(String name) {
        TestDestinations d = TestDestinations.of(6);
        Scheduler s = create(name);
        s.update(d);
        FlowKey f = new FlowKey();
        long[] keys = keys(3);
        int[] before = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            before[i] = s.select(d, flow(f, keys[i]));
        }
        d.overloaded(2, true);
        for (int i = 0; i < KEYS; i++) {
            int now = s.select(d, flow(f, keys[i]));
            assertThat(now).isEqualTo(before[i] == 2 ? Scheduler.NO_DESTINATION : before[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "mh"})
    void fallbackMovesOnlyTheUnavailableServersFlows(String name) {
        TestDestinations d = TestDestinations.of(6);
        Scheduler s = create(name, name.equals("sh") ? SchedFlag.SH_FALLBACK : SchedFlag.MH_FALLBACK);
        s.update(d);
        FlowKey f = new FlowKey();
        long[] keys = keys(4);
        int[] before = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            before[i] = s.select(d, flow(f, keys[i]));
        }
        d.overloaded(2, true).weight(4, 0);
        s.update(d);
        int[] movedTo = new int[6];
        for (int i = 0; i < KEYS; i++) {
            int now = s.select(d, flow(f, keys[i]));
            assertThat(now).isNotIn(2, 4, Scheduler.NO_DESTINATION);
            if (before[i] != 2 && before[i] != 4) {
                assertThat(now).isEqualTo(before[i]);
            } else {
                movedTo[now]++;
            }
        }
        // the moved flows spread over the remaining servers rather than piling onto one (sh probes buckets
        // from a second hash of the flow, so it reaches some of them; mh rehashes, so it reaches all)
        int receivers = 0;
        for (int i : new int[] {0, 1, 3, 5}) {
            receivers += movedTo[i] > 0 ? 1 : 0;
        }
        assertThat(receivers).isGreaterThanOrEqualTo(name.equals("mh") ? 4 : 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "mh"})
    void quiescingAServerKeepsEveryOtherFlowInPlace(String name) {
        TestDestinations d = TestDestinations.withWeights(3, 1, 2, 2, 5);
        Scheduler s = create(name);
        s.update(d);
        FlowKey f = new FlowKey();
        long[] keys = keys(5);
        int[] before = new int[KEYS];
        for (int i = 0; i < KEYS; i++) {
            before[i] = s.select(d, flow(f, keys[i]));
        }
        d.weight(4, 0);
        s.update(d);
        for (int i = 0; i < KEYS; i++) {
            int now = s.select(d, flow(f, keys[i]));
            assertThat(now).isEqualTo(before[i] == 4 ? Scheduler.NO_DESTINATION : before[i]);
        }
        d.weight(4, 5);
        s.update(d);
        for (int i = 0; i < KEYS; i++) {
            assertThat(s.select(d, flow(f, keys[i]))).isEqualTo(before[i]);
        }
    }

    @Test
    void mhEqualWeightsGiveSlotCountsWithinOne() {
        for (int n : new int[] {1, 2, 3, 7, 10, 33, 100}) {
            MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.defaults());
            TestDestinations d = TestDestinations.of(n);
            mh.update(d);
            int min = Integer.MAX_VALUE;
            int max = 0;
            int total = 0;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, mh.slotsOf(i));
                max = Math.max(max, mh.slotsOf(i));
                total += mh.slotsOf(i);
            }
            assertThat(total).isEqualTo(4093);
            assertThat(max - min).as("%d servers", n).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void mhSlotsFollowWeights() {
        int[] weights = {1, 2, 3, 4, 10};
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.defaults());
        TestDestinations d = TestDestinations.withWeights(weights);
        mh.update(d);
        for (int i = 0; i < weights.length; i++) {
            assertThat(mh.slotsOf(i) / 4093.0).as("weight %d", weights[i]).isCloseTo(weights[i] / 20.0, offset(0.005));
        }
    }

    @Test
    void mhLargeWeightsAreShiftedNotTruncatedAway() {
        // weights up to 65535 with gcd 1: the kernel shifts ratios down to 6 bits; every server keeps slots
        MaglevHashingScheduler mh = new MaglevHashingScheduler(SchedulerOptions.defaults());
        TestDestinations d = TestDestinations.withWeights(65535, 1, 30000, 7);
        mh.update(d);
        for (int i = 0; i < 4; i++) {
            assertThat(mh.slotsOf(i)).isPositive();
        }
        assertThat(mh.slotsOf(0)).isGreaterThan(mh.slotsOf(2)).isGreaterThan(mh.slotsOf(3));
    }

    /** Maglev needs a table much larger than the server count (the paper: M &gt;&gt; 100 N) to stay near 1/N. */
    @ParameterizedTest
    @CsvSource({"5, 4093", "10, 4093", "20, 65521", "50, 65521"})
    void mhRemovingOneOfNServersMovesAboutOneNth(int n, int tableSize) {
        TestDestinations d = TestDestinations.of(n);
        MaglevHashingScheduler mh = new MaglevHashingScheduler(new SchedulerOptions(Set.of(), tableSize, 0));
        mh.update(d);
        FlowKey f = new FlowKey();
        long[] keys = keys(6);
        String[] before = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            before[i] = d.endpoint(mh.select(d, flow(f, keys[i])));
        }
        int removed = n / 2;
        String gone = d.endpoint(removed);
        TestDestinations after = d.without(removed);
        mh.update(after);
        int moved = 0;
        int stayedButMoved = 0;
        int stayers = 0;
        for (int i = 0; i < KEYS; i++) {
            String now = after.endpoint(mh.select(after, flow(f, keys[i])));
            if (!now.equals(before[i])) {
                moved++;
            }
            if (!before[i].equals(gone)) {
                stayers++;
                if (!now.equals(before[i])) {
                    stayedButMoved++;
                }
            }
        }
        assertThat(moved / (double) KEYS).as("share of flows moved").isLessThan(1.5 / n);
        // Maglev is near-minimal: a small share of the other servers' flows moves too
        assertThat(stayedButMoved / (double) stayers).as("share of staying servers' flows moved").isLessThan(0.5 / n);
    }

    @Test
    void mhTableSizeComesFromOptions() {
        MaglevHashingScheduler mh = new MaglevHashingScheduler(new SchedulerOptions(Set.of(), 251, 0));
        TestDestinations d = TestDestinations.of(3);
        mh.update(d);
        assertThat(mh.tableSize()).isEqualTo(251);
        assertThat(mh.slotsOf(0) + mh.slotsOf(1) + mh.slotsOf(2)).isEqualTo(251);
    }
}
