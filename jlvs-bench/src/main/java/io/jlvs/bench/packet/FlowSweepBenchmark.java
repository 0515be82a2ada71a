package io.jlvs.bench.packet;

import io.jlvs.sys.XdpFlowMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The XDP fast path's once-a-second sweep: reading the counts of {@code directions} offloaded flow
 * directions from the BPF flow map, one {@code bpf()} lookup per key (how the worker read them until
 * 2026-11-27) against {@link XdpFlowMap#readAll} (BPF_MAP_LOOKUP_BATCH). Root (CAP_BPF) only:
 * {@code bench/jmh.sh FlowSweep}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FlowSweepBenchmark {
    private static final int TCP = 6;
    private static final int CLIENTS = 0x0a000000;
    private static final int VIP = 0x0a4d0064;

    @Param({"1000", "100000"})
    int directions;

    private XdpFlowMap flows;
    private final long[] counts = new long[2];
    private long frames;

    @Setup(Level.Trial)
    public void fill() {
        flows = XdpFlowMap.create(directions);
        for (int i = 0; i < directions; i++) {
            if (!flows.put(TCP, CLIENTS + i, 1024 + (i & 0x7fff), VIP, 80, CLIENTS + i, 1024 + (i & 0x7fff),
                    0x0a4d010b, 80, 1, 0x020000000001L, 0x020000000002L, i << 1)) {
                throw new IllegalStateException("the flow map refused entry " + i);
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        flows.close();
    }

    @Benchmark
    public long perKey() {
        long sum = 0;
        for (int i = 0; i < directions; i++) {
            flows.counters(TCP, CLIENTS + i, 1024 + (i & 0x7fff), VIP, 80, counts);
            sum += counts[0];
        }
        return sum;
    }

    @Benchmark
    public long batch() {
        frames = 0;
        int read = flows.readAll((owner, f, bytes) -> frames += f);
        if (read != directions) {
            throw new IllegalStateException("read " + read + " of " + directions);
        }
        return frames;
    }
}
