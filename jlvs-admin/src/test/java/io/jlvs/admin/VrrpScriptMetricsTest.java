package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vrrp_script state under mehdy/keepalived-exporter's names, help texts and values. */
class VrrpScriptMetricsTest {

    private static String scrape(VrrpScriptMetrics m) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(m);
        return MetricsHandler.scrape(registry);
    }

    @Test
    void statusIsGoodOrBadAndStateIsIdleOrRunningPerScript() throws IOException {
        String text = scrape(new VrrpScriptMetrics(() -> List.of(
                new VrrpScriptStatus("chk_haproxy", true, false),
                new VrrpScriptStatus("chk_nginx", false, true))));

        assertThat(text).isEqualTo("""
                # HELP keepalived_script_state Tracker Script State
                # TYPE keepalived_script_state gauge
                keepalived_script_state{name="chk_haproxy"} 0.0
                keepalived_script_state{name="chk_nginx"} 1.0
                # HELP keepalived_script_status Tracker Script Status
                # TYPE keepalived_script_status gauge
                keepalived_script_status{name="chk_haproxy"} 1.0
                keepalived_script_status{name="chk_nginx"} 0.0
                """);
    }

    @Test
    void noScriptsNoFamilies() throws IOException {
        assertThat(scrape(new VrrpScriptMetrics(List::of))).isEmpty();
    }
}
