package io.jlvs.core.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * The five 64-bit IPVS counters of a service, a real server or the whole table. Safe to add to from
 * several data-plane threads; adding allocates nothing once warmed.
 */
public final class IpvsCounters {
    private final LongAdder conns = new LongAdder();
    private final LongAdder inPackets = new LongAdder();
    private final LongAdder outPackets = new LongAdder();
    private final LongAdder inBytes = new LongAdder();
    private final LongAdder outBytes = new LongAdder();

    public void connection() {
        conns.increment();
    }

    public void inbound(long packets, long bytes) {
        inPackets.add(packets);
        inBytes.add(bytes);
    }

    public void outbound(long packets, long bytes) {
        outPackets.add(packets);
        outBytes.add(bytes);
    }

    public StatsSample sample() {
        return new StatsSample(conns.sum(), inPackets.sum(), outPackets.sum(), inBytes.sum(), outBytes.sum());
    }

    /** -Z. Concurrent adds during the reset may be lost, as in the kernel. */
    public void zero() {
        conns.reset();
        inPackets.reset();
        outPackets.reset();
        inBytes.reset();
        outBytes.reset();
    }
}
