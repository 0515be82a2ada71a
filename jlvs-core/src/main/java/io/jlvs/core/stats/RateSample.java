package io.jlvs.core.stats;

/** Rates from the 2-second estimator: connections, packets and bytes per second each way. */
public record RateSample(long cps, long inPps, long outPps, long inBps, long outBps) {
    public static final RateSample ZERO = new RateSample(0, 0, 0, 0, 0);
}
