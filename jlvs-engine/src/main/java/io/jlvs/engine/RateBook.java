package io.jlvs.engine;

import io.jlvs.core.stats.IpvsCounters;
import io.jlvs.core.stats.RateEstimator;
import io.jlvs.core.stats.RateSample;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The 2-second rate estimator of each counter set (service or real server), created when the set is
 * first stepped. Owner: the engine, under its lock.
 */
final class RateBook {
    private final Map<IpvsCounters, RateEstimator> estimators = new WeakHashMap<>();

    void step(IpvsCounters counters) {
        RateEstimator e = estimators.get(counters);
        if (e == null) {
            estimators.put(counters, new RateEstimator(counters.sample()));
        } else {
            e.sample(counters.sample());
        }
    }

    void reset(IpvsCounters counters) {
        RateEstimator e = estimators.get(counters);
        if (e != null) {
            e.reset(counters.sample());
        }
    }

    RateSample rate(IpvsCounters counters) {
        RateEstimator e = estimators.get(counters);
        return e == null ? RateSample.ZERO : e.rates();
    }
}
