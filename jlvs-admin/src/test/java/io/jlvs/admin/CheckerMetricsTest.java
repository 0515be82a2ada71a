package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.health.CheckOutcome;
import io.jlvs.health.CheckerKind;
import io.jlvs.health.CheckerStats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckerMetricsTest {

    @Test
    void attemptsFailuresAndLastLatencyPerCheckerOfARealServer() throws Exception {
        CheckerStats stats = new CheckerStats();
        String rs = IpAddress.parse("10.0.0.11").withPort(80);
        stats.record(rs, 0, CheckerKind.TCP_CHECK, CheckOutcome.up("ok", Duration.ofMillis(3)));
        stats.record(rs, 0, CheckerKind.TCP_CHECK, CheckOutcome.down("refused", Duration.ofMillis(1)));
        stats.record(rs, 1, CheckerKind.HTTP_GET, CheckOutcome.up("ok", Duration.ofMillis(250)));

        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new CheckerMetrics(stats::samples));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);

        assertThat(text)
                .contains("jlvs_checker_attempts_total{checker=\"TCP_CHECK\",index=\"0\",real_server=\"10.0.0.11:80\"} 2.0")
                .contains("jlvs_checker_failures_total{checker=\"TCP_CHECK\",index=\"0\",real_server=\"10.0.0.11:80\"} 1.0")
                .contains("jlvs_checker_up{checker=\"TCP_CHECK\",index=\"0\",real_server=\"10.0.0.11:80\"} 0.0")
                .contains("jlvs_checker_up{checker=\"HTTP_GET\",index=\"1\",real_server=\"10.0.0.11:80\"} 1.0")
                .contains("jlvs_checker_latency_seconds{checker=\"HTTP_GET\",index=\"1\",real_server=\"10.0.0.11:80\"} 0.25");

        stats.forget(rs);
        assertThat(new CheckerMetrics(stats::samples).collect().size()).isZero();
        assertThat(new CheckerMetrics(List::of).collect().size()).isZero();
    }
}
