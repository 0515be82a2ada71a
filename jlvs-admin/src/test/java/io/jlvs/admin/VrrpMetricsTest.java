package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The VRRP families under mehdy/keepalived-exporter's names and labels, and the jlvs_vrrp_* ones. */
class VrrpMetricsTest {

    static Map<String, String> scrape(VrrpMetrics m) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(m);
        return IpvsMetricsTest.samples(MetricsHandler.scrape(registry));
    }

    @Test
    void stateIsOneSeriesPerVipWithKeepalivedsNumbers() throws IOException {
        Map<String, String> s = scrape(new VrrpMetrics(VrrpFixtures::two));
        assertThat(s).containsEntry("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth0\",ip_address=\"10.0.0.100/24\",vrid=\"51\"}", "2.0")
                .containsEntry("keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth2\",ip_address=\"192.168.5.5/32\",vrid=\"51\"}", "2.0")
                .containsEntry("keepalived_vrrp_state{iname=\"VI_2\",intf=\"eth1\",ip_address=\"10.1.0.100/24\",vrid=\"52\"}", "1.0");
    }

    @Test
    void countersCarryTheExportersNames() throws IOException {
        Map<String, String> s = scrape(new VrrpMetrics(VrrpFixtures::two));
        String vi1 = "{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\"}";
        String vi2 = "{iname=\"VI_2\",intf=\"eth1\",vrid=\"52\"}";
        assertThat(s).containsEntry("keepalived_advertisements_sent_total" + vi1, "120.0")
                .containsEntry("keepalived_advertisements_received_total" + vi2, "77.0")
                .containsEntry("keepalived_become_master_total" + vi1, "1.0")
                // left MASTER: never for VI_1 (MASTER since its one election), twice for VI_2 (BACKUP now)
                .containsEntry("keepalived_release_master_total" + vi1, "0.0")
                .containsEntry("keepalived_release_master_total" + vi2, "2.0")
                .containsEntry("keepalived_priority_zero_sent_total" + vi1, "1.0")
                .containsEntry("keepalived_authentication_failure_total" + vi1, "2.0")
                .containsEntry("keepalived_address_list_errors_total" + vi1, "5.0")
                .containsEntry("jlvs_vrrp_priority" + vi1, "150.0")
                .containsEntry("jlvs_vrrp_effective_priority" + vi1, "140.0")
                .containsEntry("jlvs_vrrp_transitions_total" + vi1, "2.0")
                .containsEntry("jlvs_vrrp_last_transition_timestamp_seconds" + vi1,
                        String.valueOf((double) VrrpFixtures.SINCE.getEpochSecond()))
                .containsEntry("jlvs_vrrp_dropped_total{iname=\"VI_1\",intf=\"eth0\",reason=\"CAST_MISMATCH\",vrid=\"51\"}", "4.0");
        assertThat(s).doesNotContainKey("jlvs_vrrp_last_transition_timestamp_seconds" + vi2);
    }

    @Test
    void noInstancesNoFamilies() throws IOException {
        assertThat(scrape(new VrrpMetrics(List::of))).isEmpty();
    }
}
