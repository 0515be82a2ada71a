package io.jlvs.bench.conn;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.TcpState;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.Timeouts;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Connection-table lookups at 1,000,000 entries: a forward hit (client packet), a reverse hit (reply),
 * a miss, and a packet's state update. Keys are visited in a random order, so most lookups miss the
 * CPU caches as they would with many flows. Run with {@code -prof gc} to see 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-XX:+UseTransparentHugePages"})
public class ConnTableLookupBenchmark {
    private static final int TCP = 6;
    private static final long VIP = IpAddress.parse("192.168.0.10").lo();
    private static final long RS = IpAddress.parse("10.0.0.11").lo();
    private static final int ORDER = 1 << 20;

    @Param("1000000")
    public int entries;

    private ConnTable table;
    private int[] order;
    private int cursor;

    @Setup(Level.Trial)
    public void fill() {
        DestinationState rs = new DestinationState(RealServer.of(IpAddress.ofV4(0x0a00000b), 80, ForwardingMethod.MASQ, 1));
        table = new ConnTable(entries, ConnTableSettings.DEFAULTS, Timeouts.DEFAULTS, 0x5eed, 0);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < entries; i++) {
            int id = table.create(TCP, false, 0, client(i), port(i), 0, VIP, 80, false, 0, RS, 80, rs,
                    false, ConnTable.NO_ENTRY, 0);
            table.onPacket(id, ConnTable.INPUT, TcpState.FLAG_SYN, 0);
        }
        order = new int[ORDER];
        for (int i = 0; i < ORDER; i++) {
            order[i] = rnd.nextInt(entries);
        }
    }

    /** Client address and port of flow i: computed, so the harness adds no cache misses of its own. */
    private static long client(int i) {
        return 0x64000000L + (i >>> 14);
    }

    private static int port(int i) {
        return 1024 + (i & 0x3fff);
    }

    private int next() {
        int i = order[cursor];
        cursor = (cursor + 1) & (ORDER - 1);
        return i;
    }

    @Benchmark
    public int lookupInHit() {
        int i = next();
        return table.lookupIn(TCP, false, 0, client(i), port(i), 0, VIP, 80);
    }

    @Benchmark
    public int lookupOutHit() {
        int i = next();
        return table.lookupOut(TCP, false, 0, RS, 80, 0, client(i), port(i));
    }

    @Benchmark
    public int lookupInMiss() {
        int i = next();
        return table.lookupIn(TCP, false, 0, client(i), port(i), 0, VIP, 443);
    }

    /** Lookup plus the packet's state step (an ACK on SYN_RECV/ESTABLISHED) and timeout re-arm. */
    @Benchmark
    public int lookupAndAck() {
        int i = next();
        int id = table.lookupIn(TCP, false, 0, client(i), port(i), 0, VIP, 80);
        table.onPacket(id, ConnTable.INPUT, TcpState.FLAG_ACK, 1_000_000_000L);
        return id;
    }
}
