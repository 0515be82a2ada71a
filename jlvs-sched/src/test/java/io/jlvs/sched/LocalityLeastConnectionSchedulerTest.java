package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LocalityLeastConnectionSchedulerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int CACHE_A = 0xc0a80001;
    private static final int CACHE_B = 0xc0a80002;

    private static FlowKey to(int dst, long now) {
        return Flows.v4(0x0a000001 + (int) (now % 1000), 40000, dst, 80, now);
    }

    @Test
    void aDestinationIpSticksToItsServerWhileOthersAreLessLoaded() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        int first = s.select(d, to(CACHE_A, 0));
        assertThat(first).isZero(); // wlc: all idle, the first
        d.active(0, 4);            // busier than the others, but active <= weight
        for (int k = 1; k < 50; k++) {
            assertThat(s.select(d, to(CACHE_A, k * SECOND))).isEqualTo(0);
        }
        assertThat(s.select(d, to(CACHE_B, 51 * SECOND))).isEqualTo(1);
        assertThat(s.cachedEntries()).isEqualTo(2);
    }

    @Test
    void leavesAServerWithMoreActiveThanWeightWhenAnotherIsBelowHalf() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        assertThat(s.select(d, to(CACHE_A, 0))).isZero();
        d.active(0, 5).active(1, 2).active(2, 1); // server 2: 1*2 < 4
        int moved = s.select(d, to(CACHE_A, SECOND));
        assertThat(moved).isEqualTo(2);
        d.active(0, 0);                           // the entry now names server 2
        assertThat(s.select(d, to(CACHE_A, 2 * SECOND))).isEqualTo(2);
    }

    @Test
    void staysWhenNoServerIsBelowHalfLoad() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4);
        s.update(d);
        assertThat(s.select(d, to(CACHE_A, 0))).isZero();
        d.active(0, 9).active(1, 2);              // 2*2 is not < 4
        assertThat(s.select(d, to(CACHE_A, SECOND))).isZero();
    }

    @Test
    void anUnavailableServerIsReplaced() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4);
        s.update(d);
        assertThat(s.select(d, to(CACHE_A, 0))).isZero();
        d.overloaded(0, true);
        assertThat(s.select(d, to(CACHE_A, SECOND))).isEqualTo(1);
        d.overloaded(0, false);
        assertThat(s.select(d, to(CACHE_A, 2 * SECOND))).isEqualTo(1);
        d.weight(1, 0);
        assertThat(s.select(d, to(CACHE_A, 3 * SECOND))).isEqualTo(0);
    }

    @Test
    void entriesExpireByPacketTime() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler(64, 60 * SECOND);
        TestDestinations d = TestDestinations.withWeights(1, 1);
        s.update(d);
        assertThat(s.select(d, to(CACHE_A, 0))).isZero();
        d.active(0, 1); // wlc would now pick server 1
        assertThat(s.select(d, to(CACHE_A, 59 * SECOND))).isZero();  // used: lives on
        assertThat(s.select(d, to(CACHE_A, 118 * SECOND))).isZero(); // 59 s idle
        assertThat(s.select(d, to(CACHE_A, 178 * SECOND))).isEqualTo(1); // 60 s idle: forgotten
    }

    @Test
    void theCacheIsBoundedAndAFullCacheStillSchedules() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler(16, 3600 * SECOND);
        TestDestinations d = TestDestinations.withWeights(1, 2, 3);
        s.update(d);
        SplittableRandom rnd = new SplittableRandom(8);
        for (int k = 0; k < 1000; k++) {
            int pick = s.select(d, to(rnd.nextInt(), k));
            assertThat(pick).isBetween(0, 2);
            assertThat(s.cachedEntries()).isLessThanOrEqualTo(16);
        }
        assertThat(s.cachedEntries()).isEqualTo(16);
        // entries idle for six minutes make room for new ones
        long later = 7 * 60 * SECOND;
        for (int k = 0; k < 64; k++) {
            s.select(d, to(0x0b000000 + k, later + k));
        }
        assertThat(s.select(d, to(0x0b000000, later + 100))).isNotEqualTo(Scheduler.NO_DESTINATION);
        assertThat(s.cachedEntries()).isBetween(1, 16);
    }

    @Test
    void entriesFollowTheirServerAcrossListChanges() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(1, 1, 1);
        s.update(d);
        s.select(d, to(CACHE_A, 0));           // -> server 0
        d.active(0, 1);
        assertThat(s.select(d, to(CACHE_B, 1))).isEqualTo(1);
        TestDestinations smaller = d.without(0); // old server 1 is now index 0
        s.update(smaller);
        smaller.active(0, 1);                    // wlc would pick index 1 now
        assertThat(smaller.endpoint(s.select(smaller, to(CACHE_B, 2)))).isEqualTo(d.endpoint(1));
        // CACHE_A's server left: rescheduled by wlc
        assertThat(s.select(smaller, to(CACHE_A, 3))).isEqualTo(1);
    }

    @Test
    void ipv6DestinationsAreKeyedByTheWholeAddress() {
        LocalityLeastConnectionScheduler s = new LocalityLeastConnectionScheduler();
        TestDestinations d = TestDestinations.withWeights(1, 1);
        s.update(d);
        FlowKey f = new FlowKey();
        assertThat(s.select(d, f.set(true, 6, 0x20010db8L << 32, 1, 1000, 0x20010db8L << 32, 5, 80, 0))).isZero();
        d.active(0, 1);
        assertThat(s.select(d, f.set(true, 6, 0x20010db8L << 32, 2, 1000, 0x20010db8L << 32, 5, 80, 1))).isZero();
        assertThat(s.select(d, f.set(true, 6, 0x20010db8L << 32, 2, 1000, 0x20010db9L << 32, 5, 80, 2))).isEqualTo(1);
        assertThat(s.cachedEntries()).isEqualTo(2);
    }
}
