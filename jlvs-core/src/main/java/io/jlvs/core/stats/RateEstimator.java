package io.jlvs.core.stats;

/**
 * The IPVS 2-second rate estimator for one set of counters (a service, a real server or the total).
 *
 * <p>Call {@link #sample} every 2 seconds with the counters as they are then; no clock or thread inside.
 * As the kernel does, each rate is kept in fixed point (connections and packets scaled by 2^10, bytes
 * by 2^5) and smoothed as {@code avg += (rate - avg) / 4} with an arithmetic shift, so a steady rate is
 * approached geometrically and a stop decays by a quarter per step. Reading rounds as the kernel does.
 *
 * <p>Owner: the thread that steps it (the stats thread); {@link #rates} may be read by others.
 */
public final class RateEstimator {
    private long lastConns;
    private long lastInPackets;
    private long lastOutPackets;
    private long lastInBytes;
    private long lastOutBytes;
    /** Smoothed rates in fixed point: per-second counts << 10 (bytes << 5). */
    private long cps;
    private long inPps;
    private long outPps;
    private long inBps;
    private long outBps;
    private volatile RateSample published = RateSample.ZERO;

    /** Starts with {@code baseline} as the previous reading (the counters when estimation begins). */
    public RateEstimator(StatsSample baseline) {
        reset(baseline);
    }

    /** -Z: rates back to zero, the current counters become the previous reading. */
    public void reset(StatsSample current) {
        lastConns = current.conns();
        lastInPackets = current.inPackets();
        lastOutPackets = current.outPackets();
        lastInBytes = current.inBytes();
        lastOutBytes = current.outBytes();
        cps = 0;
        inPps = 0;
        outPps = 0;
        inBps = 0;
        outBps = 0;
        published = RateSample.ZERO;
    }

    /** One 2-second step with the counters read now; returns the rates as ipvsadm would show them. */
    public RateSample sample(StatsSample now) {
        // Per 2 s delta, so "<< 9" is "per second << 10" and "<< 4" is "per second << 5".
        cps = smooth(cps, (now.conns() - lastConns) << 9);
        inPps = smooth(inPps, (now.inPackets() - lastInPackets) << 9);
        outPps = smooth(outPps, (now.outPackets() - lastOutPackets) << 9);
        inBps = smooth(inBps, (now.inBytes() - lastInBytes) << 4);
        outBps = smooth(outBps, (now.outBytes() - lastOutBytes) << 4);
        lastConns = now.conns();
        lastInPackets = now.inPackets();
        lastOutPackets = now.outPackets();
        lastInBytes = now.inBytes();
        lastOutBytes = now.outBytes();
        RateSample r = new RateSample((cps + 0x1ff) >> 10, (inPps + 0x1ff) >> 10, (outPps + 0x1ff) >> 10,
                (inBps + 0xf) >> 5, (outBps + 0xf) >> 5);
        published = r;
        return r;
    }

    /** The rates of the last step. */
    public RateSample rates() {
        return published;
    }

    private static long smooth(long average, long rate) {
        return average + ((rate - average) >> 2);
    }
}
