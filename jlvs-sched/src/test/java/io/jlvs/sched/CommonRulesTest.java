package io.jlvs.sched;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules every scheduler keeps, checked on random services. */
class CommonRulesTest {
    private static final Set<String> HASHING = Set.of("sh", "dh", "mh");

    private static Scheduler create(String name) {
        return Schedulers.create(name, new SchedulerOptions(Set.of(), 4093, 42));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void quiescedAndOverloadedServersNeverGetANewFlow(String name) {
        SplittableRandom rnd = new SplittableRandom(0xC0FFEE);
        FlowKey flow = new FlowKey();
        for (int round = 0; round < 200; round++) {
            Scheduler s = create(name);
            int n = 1 + rnd.nextInt(12);
            TestDestinations d = TestDestinations.of(n);
            for (int i = 0; i < n; i++) {
                d.weight(i, rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(10));
                d.overloaded(i, rnd.nextInt(5) == 0);
                d.active(i, rnd.nextInt(20));
                d.inactive(i, rnd.nextInt(50));
            }
            s.update(d);
            boolean anyAvailable = false;
            for (int i = 0; i < n; i++) {
                anyAvailable |= d.available(i);
            }
            for (int k = 0; k < 100; k++) {
                int pick = s.select(d, Flows.random(rnd, flow));
                if (pick != Scheduler.NO_DESTINATION) {
                    assertThat(d.available(pick)).as("%s picked %s", name, d.endpoint(pick)).isTrue();
                    d.active(pick, d.activeConns(pick) + 1);
                } else if (!HASHING.contains(name) && !name.equals("ovf")) {
                    assertThat(anyAvailable).as("%s found nobody although a server was available", name).isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void noAvailableServerMeansNoDestination(String name) {
        SplittableRandom rnd = new SplittableRandom(7);
        FlowKey flow = new FlowKey();
        Scheduler s = create(name);
        TestDestinations d = TestDestinations.withWeights(3, 0, 5, 1);
        d.overloaded(0, true).overloaded(2, true).overloaded(3, true);
        s.update(d);
        for (int k = 0; k < 500; k++) {
            assertThat(s.select(d, Flows.random(rnd, flow))).isEqualTo(Scheduler.NO_DESTINATION);
        }
        TestDestinations empty = TestDestinations.of(0);
        s.update(empty);
        assertThat(s.select(empty, Flows.random(rnd, flow))).isEqualTo(Scheduler.NO_DESTINATION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void aSingleAvailableServerTakesEveryFlowItCan(String name) {
        SplittableRandom rnd = new SplittableRandom(11);
        FlowKey flow = new FlowKey();
        Scheduler s = Schedulers.create(name, new SchedulerOptions(Set.of(SchedFlag.SH_FALLBACK), 4093, 1));
        TestDestinations d = TestDestinations.withWeights(0, 2, 0);
        s.update(d);
        for (int k = 0; k < 300; k++) {
            int pick = s.select(d, Flows.random(rnd, flow));
            if (name.equals("dh")) {
                assertThat(pick).isIn(1, Scheduler.NO_DESTINATION);
            } else {
                assertThat(pick).as(name).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"})
    void selectAllocatesNothing(String name) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(3);
        Scheduler s = create(name);
        TestDestinations d = TestDestinations.of(100);
        for (int i = 0; i < 100; i++) {
            d.weight(i, 1 + rnd.nextInt(5)).active(i, rnd.nextInt(10)).inactive(i, rnd.nextInt(10));
        }
        s.update(d);
        FlowKey flow = new FlowKey();
        long[] srcs = new long[64];
        for (int i = 0; i < srcs.length; i++) {
            srcs[i] = rnd.nextInt() & 0xffffffffL;
        }
        int sink = 0;
        for (int k = 0; k < 50_000; k++) {
            long src = srcs[k & 63];
            flow.set(false, 6, 0, src, 1000 + (k & 7), 0, src ^ 0x5a5a, 80, k);
            sink += s.select(d, flow);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 20_000; k++) {
            long src = srcs[k & 63];
            flow.set(false, 6, 0, src, 1000 + (k & 7), 0, src ^ 0x5a5a, 80, 50_000 + k);
            sink += s.select(d, flow);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("%s allocated %d bytes in 20000 selects (sink %d)", name, allocated, sink)
                .isLessThan(1024);
    }
}
