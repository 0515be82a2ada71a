package io.jlvs.core.stats;

/** A read of the five IPVS counters. */
public record StatsSample(long conns, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final StatsSample ZERO = new StatsSample(0, 0, 0, 0, 0);

    public StatsSample plus(StatsSample o) {
        return new StatsSample(conns + o.conns, inPackets + o.inPackets, outPackets + o.outPackets,
                inBytes + o.inBytes, outBytes + o.outBytes);
    }
}
