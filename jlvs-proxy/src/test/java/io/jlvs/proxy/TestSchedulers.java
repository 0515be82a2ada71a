package io.jlvs.proxy;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerFactory;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.List;

/** Minimal rr and wlc for these tests (the real ones live in jlvs-sched). */
final class TestSchedulers {
    private TestSchedulers() {
    }

    static List<SchedulerFactory> all() {
        return List.of(factory("rr", RoundRobin::new), factory("wlc", WeightedLeastConnection::new));
    }

    private static SchedulerFactory factory(String name, java.util.function.Supplier<Scheduler> s) {
        return new SchedulerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Scheduler create(SchedulerOptions options) {
                return s.get();
            }
        };
    }

    static final class RoundRobin implements Scheduler {
        private int last = -1;

        @Override
        public String name() {
            return "rr";
        }

        @Override
        public int select(Destinations d, FlowKey flow) {
            int n = d.size();
            for (int step = 1; step <= n; step++) {
                int i = (last + step) % n;
                if (d.available(i)) {
                    last = i;
                    return i;
                }
            }
            return NO_DESTINATION;
        }
    }

    static final class WeightedLeastConnection implements Scheduler {
        @Override
        public String name() {
            return "wlc";
        }

        @Override
        public int select(Destinations d, FlowKey flow) {
            int best = NO_DESTINATION;
            for (int i = 0; i < d.size(); i++) {
                if (d.available(i) && (best < 0 || d.overhead(i) * d.weight(best) < d.overhead(best) * d.weight(i))) {
                    best = i;
                }
            }
            return best;
        }
    }
}
