package io.jlvs.admin;

import io.jlvs.core.command.IpvsControl;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The IPVS table as Prometheus metrics, read from {@link IpvsControl#table()} at scrape time.
 * {@code node_ipvs_*}: the families node_exporter's ipvs collector exports from /proc/net/ip_vs_stats and
 * /proc/net/ip_vs, with its names, help texts and label values, so dashboards built for kernel IPVS work
 * unchanged. {@code jlvs_*}: per-service and per-server counters and rates, the table size, reloads and
 * drops. docs/metrics.md lists them all.
 */
public final class IpvsMetrics implements MultiCollector {
    private final IpvsControl control;
    private final DaemonCounters counters;

    public IpvsMetrics(IpvsControl control, DaemonCounters counters) {
        this.control = control;
        this.counters = counters;
    }

    @Override
    public MetricSnapshots collect() {
        IpvsTableView table;
        try {
            table = control.table();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the IPVS table for /metrics", e);
        }
        List<MetricSnapshot> out = new ArrayList<>();
        nodeTotals(table, out);
        nodeBackends(table, out);
        jlvsServices(table, out);
        jlvsServers(table, out);
        jlvsDaemon(table, out);
        return new MetricSnapshots(out);
    }

    // ---- node_exporter compatible -------------------------------------------------------------------

    private static void nodeTotals(IpvsTableView table, List<MetricSnapshot> out) {
        StatsSample total = table.totals();
        out.add(counter("node_ipvs_connections", "The total number of connections made.", total.conns()));
        out.add(counter("node_ipvs_incoming_packets", "The total number of incoming packets.", total.inPackets()));
        out.add(counter("node_ipvs_outgoing_packets", "The total number of outgoing packets.", total.outPackets()));
        out.add(counter("node_ipvs_incoming_bytes", "The total amount of incoming data.", total.inBytes()));
        out.add(counter("node_ipvs_outgoing_bytes", "The total amount of outgoing data.", total.outBytes()));
    }

    /** One row per (service, real server); rows whose labels coincide are summed, as node_exporter does. */
    private static void nodeBackends(IpvsTableView table, List<MetricSnapshot> out) {
        Map<Labels, long[]> rows = new LinkedHashMap<>();
        for (VirtualServiceView s : table.services()) {
            for (RealServerView r : s.realServers()) {
                long[] sum = rows.computeIfAbsent(nodeLabels(s.service().key(), r), l -> new long[3]);
                sum[0] += r.activeConns();
                sum[1] += r.inactiveConns();
                sum[2] += r.server().weight();
            }
        }
        GaugeSnapshot.Builder active = GaugeSnapshot.builder().name("node_ipvs_backend_connections_active")
                .help("The current active connections by local and remote address.");
        GaugeSnapshot.Builder inactive = GaugeSnapshot.builder().name("node_ipvs_backend_connections_inactive")
                .help("The current inactive connections by local and remote address.");
        GaugeSnapshot.Builder weight = GaugeSnapshot.builder().name("node_ipvs_backend_weight")
                .help("The current backend weight by local and remote address.");
        rows.forEach((labels, sum) -> {
            active.dataPoint(gaugePoint(labels, sum[0]));
            inactive.dataPoint(gaugePoint(labels, sum[1]));
            weight.dataPoint(gaugePoint(labels, sum[2]));
        });
        out.add(active.build());
        out.add(inactive.build());
        out.add(weight.build());
    }

    /**
     * node_exporter's labels: it parses /proc/net/ip_vs, where a fwmark service line is {@code FWM  %08X}
     * (no address, no port, no family) and an address service line is {@code TCP|UDP|SCTP addr:port}.
     */
    static Labels nodeLabels(VirtualServiceKey key, RealServerView r) {
        String localAddress;
        String localPort;
        String proto;
        String mark;
        switch (key) {
            case InetServiceKey k -> {
                localAddress = GoIpText.of(k.address());
                localPort = Integer.toString(k.port());
                proto = k.protocol().label();
                mark = "";
            }
            case FwmarkServiceKey k -> {
                localAddress = "";
                localPort = "0";
                proto = "FWM";
                mark = String.format(Locale.ROOT, "%08X", k.fwmark());
            }
        }
        return Labels.of("local_address", localAddress, "local_port", localPort,
                "remote_address", GoIpText.of(r.server().address()), "remote_port", Integer.toString(r.server().port()),
                "proto", proto, "local_mark", mark);
    }

    // ---- jlvs_* ---------------------------------------------------------------------------------------

    private record Family<T>(String name, String help, ToLongFunction<T> value) {
    }

    private static final List<Family<StatsSample>> STATS = List.of(
            new Family<>("connections", "Connections scheduled", StatsSample::conns),
            new Family<>("incoming_packets", "Packets received from clients", StatsSample::inPackets),
            new Family<>("outgoing_packets", "Packets sent back to clients", StatsSample::outPackets),
            new Family<>("incoming_bytes", "Bytes received from clients", StatsSample::inBytes),
            new Family<>("outgoing_bytes", "Bytes sent back to clients", StatsSample::outBytes));

    private static final List<Family<RateSample>> RATES = List.of(
            new Family<>("connections_per_second", "Connections per second (2-second estimator, as ipvsadm --rate)",
                    RateSample::cps),
            new Family<>("incoming_packets_per_second", "Incoming packets per second (2-second estimator)",
                    RateSample::inPps),
            new Family<>("outgoing_packets_per_second", "Outgoing packets per second (2-second estimator)",
                    RateSample::outPps),
            new Family<>("incoming_bytes_per_second", "Incoming bytes per second (2-second estimator)",
                    RateSample::inBps),
            new Family<>("outgoing_bytes_per_second", "Outgoing bytes per second (2-second estimator)",
                    RateSample::outBps));

    private static void jlvsServices(IpvsTableView table, List<MetricSnapshot> out) {
        for (Family<StatsSample> f : STATS) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name("jlvs_service_" + f.name())
                    .help(f.help() + " by the virtual service.");
            for (VirtualServiceView s : table.services()) {
                b.dataPoint(counterPoint(serviceLabels(s), f.value().applyAsLong(s.stats())));
            }
            out.add(b.build());
        }
        for (Family<RateSample> f : RATES) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("jlvs_service_" + f.name())
                    .help(f.help() + " of the virtual service.");
            for (VirtualServiceView s : table.services()) {
                b.dataPoint(gaugePoint(serviceLabels(s), f.value().applyAsLong(s.rates())));
            }
            out.add(b.build());
        }
    }

    private static void jlvsServers(IpvsTableView table, List<MetricSnapshot> out) {
        for (Family<StatsSample> f : STATS) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name("jlvs_server_" + f.name())
                    .help(f.help() + " through the real server.");
            eachServer(table, (labels, r) -> b.dataPoint(counterPoint(labels, f.value().applyAsLong(r.stats()))));
            out.add(b.build());
        }
        for (Family<RateSample> f : RATES) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("jlvs_server_" + f.name())
                    .help(f.help() + " through the real server.");
            eachServer(table, (labels, r) -> b.dataPoint(gaugePoint(labels, f.value().applyAsLong(r.rates()))));
            out.add(b.build());
        }
        List<Family<RealServerView>> state = List.of(
                new Family<>("connections_active", "Active (ESTABLISHED) connections of the real server, "
                        + "as ipvsadm's ActiveConn.", RealServerView::activeConns),
                new Family<>("connections_inactive", "Inactive connections of the real server, "
                        + "as ipvsadm's InActConn.", RealServerView::inactiveConns),
                new Family<>("connections_persistent", "Persistence templates pointing at the real server.",
                        RealServerView::persistConns),
                new Family<>("weight", "The real server's weight (0 = quiesced).", r -> r.server().weight()));
        for (Family<RealServerView> f : state) {
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("jlvs_server_" + f.name()).help(f.help());
            eachServer(table, (labels, r) -> b.dataPoint(gaugePoint(labels, f.value().applyAsLong(r))));
            out.add(b.build());
        }
    }

    private void jlvsDaemon(IpvsTableView table, List<MetricSnapshot> out) {
        long entries = 0;
        int servers = 0;
        for (VirtualServiceView s : table.services()) {
            for (RealServerView r : s.realServers()) {
                entries += (long) r.activeConns() + r.inactiveConns() + r.persistConns();
                servers++;
            }
        }
        out.add(gauge("jlvs_virtual_services", "Virtual services in the IPVS table.", table.services().size()));
        out.add(gauge("jlvs_real_servers", "Real servers in the IPVS table, over all virtual services.", servers));
        out.add(gauge("jlvs_connection_table_size",
                "Size of the connection hash table, as ipvsadm's banner shows it.", table.connTableSize()));
        if (counters.hasConnectionCapacity()) {
            out.add(gauge("jlvs_connection_table_capacity",
                    "Most connections and templates the packet data plane's connection tables hold, over all workers.",
                    counters.connectionCapacity()));
        }
        out.add(gauge("jlvs_connection_entries",
                "Connection-table entries (connections and persistence templates) held by listed real servers.",
                entries));
        out.add(counter("jlvs_reloads", "Configuration reloads completed.", counters.reloads()));
        out.add(counter("jlvs_reload_failures", "Configuration reloads refused; the running configuration was kept.",
                counters.refusedReloads()));
        out.add(gauge("jlvs_config_last_reload_successful",
                "1 when the last configuration reload was applied (or none was tried), 0 when it was refused.",
                counters.lastReloadSuccessful() ? 1 : 0));
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("jlvs_drops")
                .help("Packets the data planes dropped, by reason.");
        counters.drops().forEach((reason, n) -> drops.dataPoint(counterPoint(Labels.of("reason", reason), n)));
        out.add(drops.build());
        if (counters.hasPackets()) {
            CounterSnapshot.Builder packets = CounterSnapshot.builder().name("jlvs_packets")
                    .help("Frames the packet data plane handled, by event.");
            counters.packets().forEach((event, n) -> packets.dataPoint(counterPoint(Labels.of("event", event), n)));
            out.add(packets.build());
        }
        if (counters.hasOffloadedConnections()) {
            out.add(gauge("jlvs_offloaded_connections",
                    "Connections the XDP fast path forwards now (--xdp-offload).", counters.offloadedConnections()));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private interface ServerVisitor {
        void visit(Labels labels, RealServerView server);
    }

    private static void eachServer(IpvsTableView table, ServerVisitor visitor) {
        for (VirtualServiceView s : table.services()) {
            String service = ServiceId.of(s.service().key());
            for (RealServerView r : s.realServers()) {
                visitor.visit(Labels.of("service", service, "server", ServiceId.of(r.server())), r);
            }
        }
    }

    private static Labels serviceLabels(VirtualServiceView s) {
        return Labels.of("service", ServiceId.of(s.service().key()));
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(counterPoint(Labels.EMPTY, value)).build();
    }

    private static GaugeSnapshot gauge(String name, String help, long value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(gaugePoint(Labels.EMPTY, value)).build();
    }

    private static CounterDataPointSnapshot counterPoint(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static GaugeDataPointSnapshot gaugePoint(Labels labels, long value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
