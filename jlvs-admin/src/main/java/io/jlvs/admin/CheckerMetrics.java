package io.jlvs.admin;

import io.jlvs.health.CheckerStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * keepalived's health checkers as metrics: {@code jlvs_checker_up}, {@code jlvs_checker_attempts_total},
 * {@code jlvs_checker_failures_total} and {@code jlvs_checker_latency_seconds} (of the last attempt), labelled
 * by real server ({@code addr:port}), checker ({@code TCP_CHECK}, ...) and its position in the real_server block.
 * No checkers, no families.
 */
public final class CheckerMetrics implements MultiCollector {
    private final Supplier<List<CheckerStats.Sample>> source;

    public CheckerMetrics(Supplier<List<CheckerStats.Sample>> source) {
        this.source = source;
    }

    @Override
    public MetricSnapshots collect() {
        List<CheckerStats.Sample> all = source.get();
        List<MetricSnapshot> out = new ArrayList<>();
        if (all.isEmpty()) {
            return new MetricSnapshots(out);
        }
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("jlvs_checker_up")
                .help("1 when the checker's last attempt succeeded, else 0.");
        CounterSnapshot.Builder attempts = CounterSnapshot.builder().name("jlvs_checker_attempts")
                .help("Check attempts made by the checker.");
        CounterSnapshot.Builder failures = CounterSnapshot.builder().name("jlvs_checker_failures")
                .help("Check attempts that failed.");
        GaugeSnapshot.Builder latency = GaugeSnapshot.builder().name("jlvs_checker_latency_seconds")
                .help("Duration of the checker's last attempt.");
        for (CheckerStats.Sample s : all) {
            Labels l = Labels.of("real_server", s.realServer(), "checker", s.kind().name(),
                    "index", String.valueOf(s.index()));
            up.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(s.lastUp() ? 1 : 0).build());
            attempts.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(s.attempts()).build());
            failures.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(s.failures()).build());
            latency.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(s.lastLatencySeconds()).build());
        }
        out.add(up.build());
        out.add(attempts.build());
        out.add(failures.build());
        out.add(latency.build());
        return new MetricSnapshots(out);
    }
}
