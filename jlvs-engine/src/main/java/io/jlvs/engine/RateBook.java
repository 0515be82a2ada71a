package io.jlvs.engine;

import io.jlvs.core.stats.IpvsCounters;
import io.jlvs.core.stats.RateSample;
import java.util.Map;
import java.util.WeakHashMap;

/** The rate estimator of each counter set. Owner: the engine, under its lock. */
final class RateBook {
    private final Map<IpvsCounters, RateSample> rates = new WeakHashMap<>();

    void step(IpvsCounters counters) {
        rates.putIfAbsent(counters, RateSample.ZERO);
    }

    void reset(IpvsCounters counters) {
        rates.put(counters, RateSample.ZERO);
    }

    RateSample rate(IpvsCounters counters) {
        return rates.getOrDefault(counters, RateSample.ZERO);
    }
}
