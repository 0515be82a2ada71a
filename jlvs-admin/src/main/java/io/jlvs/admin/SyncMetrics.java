package io.jlvs.admin;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The connection-sync daemons as metrics, from their counters by name ({@code sync_messages_sent}, ...):
 * {@code jlvs_sync_messages_total{event=sent|received|dropped}},
 * {@code jlvs_sync_connections_total{event=sent|received|applied}} and
 * {@code jlvs_sync_drops_total{reason=...}} (send errors and ring overflows included).
 */
public final class SyncMetrics implements MultiCollector {
    private static final String PREFIX = "sync_";
    private final Supplier<Map<String, Long>> source;

    public SyncMetrics(Supplier<Map<String, Long>> source) {
        this.source = source;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder messages = CounterSnapshot.builder().name("jlvs_sync_messages")
                .help("Sync messages sent, received, and received but dropped.");
        CounterSnapshot.Builder conns = CounterSnapshot.builder().name("jlvs_sync_connections")
                .help("Connection records sent, received, and applied to the connection table.");
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("jlvs_sync_drops")
                .help("Sync messages or records not sent or not applied, by reason.");
        source.get().forEach((name, value) -> {
            if (!name.startsWith(PREFIX)) {
                return;
            }
            String n = name.substring(PREFIX.length());
            if (n.startsWith("messages_")) {
                messages.dataPoint(point("event", n.substring("messages_".length()), value));
            } else if (n.startsWith("conns_")) {
                conns.dataPoint(point("event", n.substring("conns_".length()), value));
            } else if (n.startsWith("drop_")) {
                drops.dataPoint(point("reason", n.substring("drop_".length()), value));
            } else if (n.equals("send_errors")) {
                drops.dataPoint(point("reason", "send_error", value));
            } else if (n.equals("ring_full")) {
                drops.dataPoint(point("reason", "ring_full", value));
            }
        });
        return new MetricSnapshots(List.of(messages.build(), conns.build(), drops.build()));
    }

    private static CounterDataPointSnapshot point(String label, String value, long n) {
        return CounterDataPointSnapshot.builder().labels(Labels.of(label, value)).value(n).build();
    }
}
