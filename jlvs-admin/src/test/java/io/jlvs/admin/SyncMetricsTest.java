package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {
    @Test
    void countersBecomeThreeFamilies() throws Exception {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("sync_messages_sent", 4L);
        c.put("sync_messages_received", 2L);
        c.put("sync_conns_applied", 7L);
        c.put("sync_drop_syncid_mismatch", 3L);
        c.put("sync_ring_full", 1L);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new SyncMetrics(() -> c));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("jlvs_sync_messages_total{event=\"sent\"} 4")
                .contains("jlvs_sync_messages_total{event=\"received\"} 2")
                .contains("jlvs_sync_connections_total{event=\"applied\"} 7")
                .contains("jlvs_sync_drops_total{reason=\"syncid_mismatch\"} 3")
                .contains("jlvs_sync_drops_total{reason=\"ring_full\"} 1");
    }
}
