package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.sched.FlowKey;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LocalityLeastConnectionReplicationSchedulerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int CACHE = 0xc0a80001;

    private static FlowKey to(int dst, long now) {
        return Flows.v4(0x0a000001, 40000, dst, 80, now);
    }

    private static int[] members(LocalityLeastConnectionReplicationScheduler s, long now) {
        return s.members(false, 0, CACHE & 0xffffffffL, now);
    }

    @Test
    void theSetGrowsWhenItsBestMemberIsOverloaded() {
        LocalityLeastConnectionReplicationScheduler s = new LocalityLeastConnectionReplicationScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        assertThat(s.select(d, to(CACHE, 0))).isZero();
        assertThat(members(s, 0)).containsExactly(0);
        d.active(0, 5).active(1, 3).active(2, 1);
        assertThat(s.select(d, to(CACHE, SECOND))).isEqualTo(2);
        assertThat(members(s, SECOND)).containsExactly(2, 0);
        // now the set's least loaded member serves: server 0 once it calms down
        d.active(0, 0).active(2, 3);
        assertThat(s.select(d, to(CACHE, 2 * SECOND))).isZero();
        d.active(0, 3).active(2, 1);
        assertThat(s.select(d, to(CACHE, 3 * SECOND))).isEqualTo(2);
        // server 1 is never added while a member is fine, although it is idle
        d.active(1, 0);
        assertThat(s.select(d, to(CACHE, 4 * SECOND))).isEqualTo(2);
        assertThat(members(s, 4 * SECOND)).containsExactly(2, 0);
    }

    @Test
    void aSetUnchangedForTheExpirationDropsItsMostLoadedMember() {
        LocalityLeastConnectionReplicationScheduler s = new LocalityLeastConnectionReplicationScheduler(64, 8, 100 * SECOND);
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        s.select(d, to(CACHE, 0));
        d.active(0, 5).active(1, 3).active(2, 1);
        s.select(d, to(CACHE, SECOND));                       // set {2, 0}, modified at 1 s
        d.active(0, 4).active(2, 2);
        s.select(d, to(CACHE, 90 * SECOND));                  // in use, unchanged for 89 s: kept
        assertThat(members(s, 90 * SECOND)).containsExactly(2, 0);
        s.select(d, to(CACHE, 102 * SECOND));                 // 101 s since the change
        assertThat(members(s, 102 * SECOND)).containsExactly(2);
        s.select(d, to(CACHE, 300 * SECOND));                 // a single member is never dropped
        assertThat(members(s, 300 * SECOND)).containsExactly(2);
    }

    @Test
    void unavailableMembersAreSkippedAndAReplacementIsAdded() {
        LocalityLeastConnectionReplicationScheduler s = new LocalityLeastConnectionReplicationScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        s.select(d, to(CACHE, 0));
        d.overloaded(0, true);
        d.active(1, 1);
        assertThat(s.select(d, to(CACHE, SECOND))).isEqualTo(2);
        assertThat(members(s, SECOND)).containsExactly(2, 0);
        d.weight(2, 0);
        assertThat(s.select(d, to(CACHE, 2 * SECOND))).isEqualTo(1);
        assertThat(members(s, 2 * SECOND)).containsExactly(1, 2, 0);
    }

    @Test
    void entriesExpireAndTheCacheIsBounded() {
        LocalityLeastConnectionReplicationScheduler s = new LocalityLeastConnectionReplicationScheduler(8, 2, 60 * SECOND);
        TestDestinations d = TestDestinations.withWeights(1, 1, 1, 1);
        s.update(d);
        SplittableRandom rnd = new SplittableRandom(4);
        for (int k = 0; k < 500; k++) {
            int pick = s.select(d, to(rnd.nextInt(), k));
            assertThat(pick).isBetween(0, 3);
            d.active(pick, d.activeConns(pick) + 1);
            assertThat(s.cachedEntries()).isLessThanOrEqualTo(8);
        }
        assertThat(s.members(false, 0, 0xdeadL, 0)).isEmpty();
        s.select(d, to(CACHE, 1000 * SECOND));
        assertThat(members(s, 1000 * SECOND)).hasSize(1);
        assertThat(members(s, 1061 * SECOND)).isEmpty();
    }

    @Test
    void membersFollowTheirServerAcrossListChanges() {
        LocalityLeastConnectionReplicationScheduler s = new LocalityLeastConnectionReplicationScheduler();
        TestDestinations d = TestDestinations.withWeights(4, 4, 4);
        s.update(d);
        d.active(0, 1);
        assertThat(s.select(d, to(CACHE, 0))).isEqualTo(1);
        TestDestinations smaller = d.without(0);
        s.update(smaller);
        assertThat(members(s, 1)).containsExactly(0);
        assertThat(smaller.endpoint(s.select(smaller, to(CACHE, 2)))).isEqualTo(d.endpoint(1));
    }
}
