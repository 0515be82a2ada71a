package io.jlvs.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateEstimatorTest {

    private static StatsSample conns(long n) {
        return new StatsSample(n, 0, 0, 0, 0);
    }

    @Test
    void firstStepsOfASteadyHundredConnectionsPerSecondMatchTheKernelArithmetic() {
        // Worked by hand: rate = 200 << 9 = 102400; avg 0 -> 25600 -> 44800 -> 59200;
        // shown as (avg + 511) >> 10 = 25, 44, 58.
        RateEstimator est = new RateEstimator(StatsSample.ZERO);
        assertThat(est.sample(conns(200)).cps()).isEqualTo(25);
        assertThat(est.sample(conns(400)).cps()).isEqualTo(44);
        assertThat(est.sample(conns(600)).cps()).isEqualTo(58);
    }

    @Test
    void steadyHundredPerSecondConvergesToHundredAndStaysThere() {
        RateEstimator est = new RateEstimator(StatsSample.ZERO);
        List<Long> shown = new ArrayList<>();
        long total = 0;
        for (int step = 0; step < 40; step++) {
            total += 200; // 100 conns/s over 2 s
            shown.add(est.sample(conns(total)).cps());
        }
        // rises monotonically, never overshoots, and settles on exactly 100
        for (int i = 1; i < shown.size(); i++) {
            assertThat(shown.get(i)).isGreaterThanOrEqualTo(shown.get(i - 1)).isLessThanOrEqualTo(100);
        }
        int firstHundred = shown.indexOf(100L);
        assertThat(firstHundred).isBetween(10, 25);
        assertThat(shown.subList(firstHundred, shown.size())).containsOnly(100L);
    }

    @Test
    void ratesDecayToZeroAfterTrafficStops() {
        RateEstimator est = new RateEstimator(StatsSample.ZERO);
        long total = 0;
        for (int step = 0; step < 40; step++) {
            total += 200;
            est.sample(conns(total));
        }
        long previous = est.rates().cps();
        assertThat(previous).isEqualTo(100);
        // After traffic stops each step keeps three quarters: 100 -> 75 -> 56 ...
        assertThat(est.sample(conns(total)).cps()).isEqualTo(75);
        int steps = 1;
        while (est.rates().cps() > 0) {
            long now = est.sample(conns(total)).cps();
            assertThat(now).isLessThanOrEqualTo(previous);
            previous = now;
            steps++;
            assertThat(steps).isLessThan(100);
        }
        assertThat(est.rates()).isEqualTo(RateSample.ZERO);
    }

    @Test
    void packetAndByteRatesUseTheirOwnScales() {
        RateEstimator est = new RateEstimator(new StatsSample(5, 10, 20, 1000, 2000));
        // 1000 packets/s in, 500 out; 64000 bytes/s in, 1000 out, over 2 s.
        RateSample r = est.sample(new StatsSample(5, 2010, 1020, 129000, 4000));
        // packets: (2000 << 9) >> 2 = 256000 -> (256000 + 511) >> 10 = 250
        assertThat(r.inPps()).isEqualTo(250);
        assertThat(r.outPps()).isEqualTo(125);
        // bytes: (128000 << 4) >> 2 = 512000 -> (512000 + 15) >> 5 = 16000
        assertThat(r.inBps()).isEqualTo(16000);
        // (2000 << 4) >> 2 = 8000 -> (8000 + 15) >> 5 = 250
        assertThat(r.outBps()).isEqualTo(250);
        assertThat(r.cps()).isZero();
    }

    @Test
    void resetZeroesRatesAndTakesTheCurrentCountersAsBaseline() {
        RateEstimator est = new RateEstimator(StatsSample.ZERO);
        est.sample(conns(2000));
        assertThat(est.rates().cps()).isPositive();
        est.reset(conns(5000));
        assertThat(est.rates()).isEqualTo(RateSample.ZERO);
        assertThat(est.sample(conns(5000)).cps()).isZero();
    }
}
