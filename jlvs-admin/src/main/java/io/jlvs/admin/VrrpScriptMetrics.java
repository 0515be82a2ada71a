package io.jlvs.admin;

import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The tracked {@code vrrp_script}s under mehdy/keepalived-exporter's names: {@code keepalived_script_status{name}}
 * (0 BAD, 1 GOOD) and {@code keepalived_script_state{name}} (0 idle, 1 running; the exporter's 2 and 3, the
 * termination states, do not occur: a script past its timeout is killed at once). One series per script, however
 * many instances track it. No scripts, no families.
 */
public final class VrrpScriptMetrics implements MultiCollector {
    private final Supplier<List<VrrpScriptStatus>> source;

    public VrrpScriptMetrics(Supplier<List<VrrpScriptStatus>> source) {
        this.source = source;
    }

    @Override
    public MetricSnapshots collect() {
        List<VrrpScriptStatus> all = source.get();
        List<MetricSnapshot> out = new ArrayList<>();
        if (all.isEmpty()) {
            return new MetricSnapshots(out);
        }
        GaugeSnapshot.Builder status = GaugeSnapshot.builder().name("keepalived_script_status")
                .help("Tracker Script Status");
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("keepalived_script_state")
                .help("Tracker Script State");
        for (VrrpScriptStatus s : all) {
            Labels l = Labels.of("name", s.name());
            status.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(s.good() ? 1 : 0).build());
            state.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(s.running() ? 1 : 0).build());
        }
        out.add(status.build());
        out.add(state.build());
        return new MetricSnapshots(out);
    }
}
