package io.jlvs.core.stats;

/** A read of the five IPVS counters. */
public record StatsSample(long conns, long inPackets, long outPackets, long inBytes, long outBytes) {
    public static final StatsSample ZERO = new StatsSample(0, 0, 0, 0, 0);

    /** The sum, each counter stopping at Long.MAX_VALUE rather than wrapping negative. */
    public StatsSample plus(StatsSample o) {
        return new StatsSample(add(conns, o.conns), add(inPackets, o.inPackets), add(outPackets, o.outPackets),
                add(inBytes, o.inBytes), add(outBytes, o.outBytes));
    }

    private static long add(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
