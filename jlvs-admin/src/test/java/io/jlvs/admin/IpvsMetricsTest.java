package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class IpvsMetricsTest {

    /**
     * A TCP service with two servers, an IPv6 UDP service, and IPv4 + IPv6 fwmark services with one mark
     * (0x10001000, as in node_exporter's fixture).
     */
    static IpvsTableView knownTable() {
        VirtualService web = VirtualService.of(new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80), "wlc");
        VirtualService dns = VirtualService.of(new InetServiceKey(Protocol.UDP, IpAddress.parse("2001:db8::1"), 53), "rr");
        VirtualService fwm = VirtualService.of(new FwmarkServiceKey(0x10001000, AddressFamily.INET), "sh");
        VirtualService fwm6 = VirtualService.of(new FwmarkServiceKey(0x10001000, AddressFamily.INET6), "sh");
        return new IpvsTableView(4096, List.of(
                new VirtualServiceView(web, new StatsSample(100, 1000, 900, 64000, 1280000),
                        new RateSample(5, 50, 45, 3200, 64000), List.of(
                        server("192.168.1.11", 80, 3, 12, 40, 2, new StatsSample(60, 600, 540, 38400, 768000)),
                        server("192.168.1.12", 80, 0, 7, 30, 0, new StatsSample(40, 400, 360, 25600, 512000)))),
                new VirtualServiceView(dns, new StatsSample(7, 7, 7, 448, 896), RateSample.ZERO, List.of(
                        server("2001:db8::53", 53, 1, 0, 7, 0, new StatsSample(7, 7, 7, 448, 896)))),
                new VirtualServiceView(fwm, StatsSample.ZERO, RateSample.ZERO, List.of(
                        server("192.168.1.21", 0, 2, 1, 1, 1, StatsSample.ZERO))),
                new VirtualServiceView(fwm6, StatsSample.ZERO, RateSample.ZERO, List.of(
                        server("192.168.1.21", 0, 3, 2, 4, 0, StatsSample.ZERO)))),
                Timeouts.DEFAULTS);
    }

    private static RealServerView server(String address, int port, int weight, int active, int inactive,
                                         int persist, StatsSample stats) {
        RealServer rs = RealServer.of(IpAddress.parse(address), port, ForwardingMethod.MASQ, weight);
        RateSample rates = stats.conns() == 0 ? RateSample.ZERO
                : new RateSample(stats.conns() / 20, stats.inPackets() / 20, stats.outPackets() / 20,
                        stats.inBytes() / 20, stats.outBytes() / 20);
        return new RealServerView(rs, active, inactive, persist, stats, rates);
    }

    @Test
    void expositionTextOfAKnownTableMatchesTheGoldenFile() throws IOException {
        DaemonCounters counters = new DaemonCounters();
        counters.reloads(() -> 3);
        counters.addDropSource(() -> Map.of("no_destination", 5L, "overloaded", 1L));
        counters.addDropSource(() -> Map.of("no_destination", 2L));
        counters.addConnectionCapacity(() -> 1 << 20);
        counters.addConnectionCapacity(() -> 1 << 20);
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(knownTable()), counters));

        String text = MetricsHandler.scrape(registry);

        String expected = golden("metrics-golden.txt");
        if (!text.equals(expected)) {
            Files.writeString(Path.of("target", "metrics-golden.actual.txt"), text);
        }
        assertThat(text).as("see target/metrics-golden.actual.txt").isEqualTo(expected);
    }

    @Test
    void capacityIsTheSumOverRegisteredDataPlanesAndAbsentWithoutOne() throws IOException {
        DaemonCounters counters = new DaemonCounters();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(knownTable()), counters));
        assertThat(samples(MetricsHandler.scrape(registry))).doesNotContainKey("jlvs_connection_table_capacity")
                .containsEntry("jlvs_connection_table_size", "4096.0");

        counters.addConnectionCapacity(() -> 65536);
        counters.addConnectionCapacity(() -> 1000);
        assertThat(samples(MetricsHandler.scrape(registry))).containsEntry("jlvs_connection_table_capacity", "66536.0");
    }

    @Test
    void packetCountersAreTheirOwnFamilyNotDrops() throws IOException {
        DaemonCounters counters = new DaemonCounters();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(knownTable()), counters));
        assertThat(samples(MetricsHandler.scrape(registry)).keySet())
                .noneMatch(k -> k.startsWith("jlvs_packets_total") || k.startsWith("jlvs_offloaded_connections"));

        counters.addDropSource(() -> Map.of("drop_no_service", 4L));
        counters.addPacketSource(() -> Map.of("received", 100L, "forwarded", 90L, "fast_path", 1000L));
        counters.addOffloadedConnections(() -> 7);
        Map<String, String> samples = samples(MetricsHandler.scrape(registry));

        assertThat(samples).containsEntry("jlvs_packets_total{event=\"received\"}", "100.0")
                .containsEntry("jlvs_packets_total{event=\"fast_path\"}", "1000.0")
                .containsEntry("jlvs_drops_total{reason=\"drop_no_service\"}", "4.0")
                .containsEntry("jlvs_offloaded_connections", "7.0");
        assertThat(samples.keySet()).noneMatch(k -> k.startsWith("jlvs_drops_total{reason=\"received\"}"));
    }

    /** The lines node_exporter would print for this table (its fixture format), independent of the golden file. */
    @Test
    void nodeExporterFamiliesHaveItsNamesHelpTextsAndLabelValues() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(knownTable()), new DaemonCounters()));
        Map<String, String> samples = samples(MetricsHandler.scrape(registry));

        assertThat(samples).containsEntry("node_ipvs_connections_total", "107.0")
                .containsEntry("node_ipvs_incoming_packets_total", "1007.0")
                .containsEntry("node_ipvs_outgoing_bytes_total", "1280896.0")
                .containsEntry("node_ipvs_backend_connections_active{local_address=\"10.0.0.1\",local_mark=\"\","
                        + "local_port=\"80\",proto=\"TCP\",remote_address=\"192.168.1.11\",remote_port=\"80\"}", "12.0")
                .containsEntry("node_ipvs_backend_weight{local_address=\"2001:db8::1\",local_mark=\"\","
                        + "local_port=\"53\",proto=\"UDP\",remote_address=\"2001:db8::53\",remote_port=\"53\"}", "1.0")
                // /proc/net/ip_vs has no family on a FWM line: the IPv4 and IPv6 mark services collide and sum
                .containsEntry("node_ipvs_backend_weight{local_address=\"\",local_mark=\"10001000\","
                        + "local_port=\"0\",proto=\"FWM\",remote_address=\"192.168.1.21\",remote_port=\"0\"}", "5.0")
                .containsEntry("node_ipvs_backend_connections_inactive{local_address=\"\",local_mark=\"10001000\","
                        + "local_port=\"0\",proto=\"FWM\",remote_address=\"192.168.1.21\",remote_port=\"0\"}", "5.0");
        assertThat(MetricsHandler.scrape(registry))
                .contains("# HELP node_ipvs_connections_total The total number of connections made.\n"
                        + "# TYPE node_ipvs_connections_total counter\n")
                .contains("# HELP node_ipvs_backend_connections_active The current active connections by local "
                        + "and remote address.\n# TYPE node_ipvs_backend_connections_active gauge\n");
    }

    @Test
    void anEmptyTableStillExportsTheTotals() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(new IpvsTableView(4096, List.of(), Timeouts.DEFAULTS)),
                new DaemonCounters()));
        Map<String, String> samples = samples(MetricsHandler.scrape(registry));
        assertThat(samples).containsEntry("node_ipvs_connections_total", "0.0")
                .containsEntry("jlvs_virtual_services", "0.0")
                .containsEntry("jlvs_connection_table_size", "4096.0")
                .containsEntry("jlvs_reloads_total", "0.0");
        assertThat(samples.keySet()).noneMatch(k -> k.startsWith("node_ipvs_backend"));
    }

    /** A refused reload is something to alert on: counted, and the last-reload gauge says 0 until one applies. */
    @Test
    void refusedReloadsAndTheLastReloadAreExported() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        DaemonCounters counters = new DaemonCounters();
        long[] refused = {2};
        boolean[] last = {false};
        counters.refusedReloads(() -> refused[0], () -> last[0]);
        registry.register(new IpvsMetrics(new FixedTable(new IpvsTableView(4096, List.of(), Timeouts.DEFAULTS)),
                counters));
        assertThat(samples(MetricsHandler.scrape(registry))).containsEntry("jlvs_reload_failures_total", "2.0")
                .containsEntry("jlvs_config_last_reload_successful", "0.0");
        last[0] = true;
        assertThat(samples(MetricsHandler.scrape(registry))).containsEntry("jlvs_config_last_reload_successful", "1.0");
    }

    /**
     * node_ipvs_*_total are the table's global counters (IpvsTableView.totals), not the sum of the services
     * listed now: what a deleted service counted stays in them.
     */
    @Test
    void theNodeTotalsAreTheGlobalCounters() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new IpvsMetrics(new FixedTable(new IpvsTableView(4096, List.of(), Timeouts.DEFAULTS,
                new io.jlvs.core.stats.StatsSample(7, 70, 60, 7000, 6000))), new DaemonCounters()));
        assertThat(samples(MetricsHandler.scrape(registry))).containsEntry("node_ipvs_connections_total", "7.0")
                .containsEntry("node_ipvs_outgoing_bytes_total", "6000.0");
    }

    static Map<String, String> samples(String text) {
        Map<String, String> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int sp = line.lastIndexOf(' ');
                out.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return out;
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = IpvsMetricsTest.class.getResourceAsStream(name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
