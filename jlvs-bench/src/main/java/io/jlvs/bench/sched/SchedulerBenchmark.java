package io.jlvs.bench.sched;

import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import io.jlvs.sched.Schedulers;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One scheduling decision over 100 real servers with random weights and connection counts. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SchedulerBenchmark {
    private static final int FLOWS = 1024;

    @Param({"rr", "wlc", "sh", "mh"})
    public String scheduler;

    @Param({"100"})
    public int servers;

    private Scheduler sched;
    private ArrayDestinations dests;
    private final FlowKey[] flows = new FlowKey[FLOWS];
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(2024);
        dests = new ArrayDestinations(servers, rnd);
        sched = Schedulers.create(scheduler, SchedulerOptions.defaults());
        sched.update(dests);
        for (int i = 0; i < FLOWS; i++) {
            flows[i] = new FlowKey().set(false, 6, 0, rnd.nextInt() & 0xffffffffL, 1024 + rnd.nextInt(60000),
                    0, 0xc0a8000aL, 80, i);
        }
    }

    @Benchmark
    public int select() {
        FlowKey f = flows[next++ & (FLOWS - 1)];
        return sched.select(dests, f);
    }
}
