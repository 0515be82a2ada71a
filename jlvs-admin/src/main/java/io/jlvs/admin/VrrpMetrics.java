package io.jlvs.admin;

import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
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
import java.util.function.ToLongFunction;

/**
 * The running VRRP instances as Prometheus metrics. {@code keepalived_*}: the names, labels and values of
 * mehdy/keepalived-exporter (the maintained keepalived exporter), so its dashboards and alerts work unchanged:
 * {@code keepalived_vrrp_state{iname,intf,vrid,ip_address}} (one series per VIP, 0 INIT, 1 BACKUP, 2 MASTER,
 * 3 FAULT) and its per-instance counters with {@code {iname,intf,vrid}}. {@code jlvs_vrrp_*}: what that exporter
 * has no name for (priorities, transitions, every drop reason, last transition time). No instances, no families.
 */
public final class VrrpMetrics implements MultiCollector {
    private final java.util.function.Supplier<List<VrrpInstanceView>> source;

    public VrrpMetrics(java.util.function.Supplier<List<VrrpInstanceView>> source) {
        this.source = source;
    }

    private record Counter(String name, String help, ToLongFunction<VrrpInstanceStatus> value) {
    }

    private static final List<Counter> KEEPALIVED_COUNTERS = List.of(
            new Counter("keepalived_advertisements_received", "Advertisements received",
                    s -> s.counters().advertsReceived()),
            new Counter("keepalived_advertisements_sent", "Advertisements sent", s -> s.counters().advertsSent()),
            new Counter("keepalived_become_master", "Became master", s -> s.counters().becameMaster()),
            new Counter("keepalived_release_master", "Released master", VrrpInstanceStatus::releasedMaster),
            new Counter("keepalived_priority_zero_received", "Priority zero received",
                    s -> s.counters().priorityZeroReceived()),
            new Counter("keepalived_priority_zero_sent", "Priority zero sent", s -> s.counters().priorityZeroSent()),
            new Counter("keepalived_packet_length_errors", "Packet length errors",
                    s -> s.counters().dropped(VrrpDropReason.PACKET_LENGTH)),
            new Counter("keepalived_advertisements_interval_errors", "Advertisement interval errors",
                    s -> s.counters().dropped(VrrpDropReason.ADVERT_INTERVAL)),
            new Counter("keepalived_ip_ttl_errors", "TTL errors", s -> s.counters().dropped(VrrpDropReason.TTL)),
            new Counter("keepalived_invalid_type_received", "Invalid type errors",
                    s -> s.counters().dropped(VrrpDropReason.INVALID_TYPE)),
            new Counter("keepalived_address_list_errors", "Address list errors",
                    s -> s.counters().dropped(VrrpDropReason.ADDRESS_COUNT)
                            + s.counters().dropped(VrrpDropReason.ADDRESS_LIST)
                            + s.counters().dropped(VrrpDropReason.CAST_MISMATCH)),
            new Counter("keepalived_authentication_invalid", "Authentication invalid",
                    s -> s.counters().dropped(VrrpDropReason.INVALID_AUTH_TYPE)),
            new Counter("keepalived_authentication_mismatch", "Authentication mismatch",
                    s -> s.counters().dropped(VrrpDropReason.AUTH_TYPE_MISMATCH)),
            new Counter("keepalived_authentication_failure", "Authentication failure",
                    s -> s.counters().dropped(VrrpDropReason.AUTH_FAILURE)));

    @Override
    public MetricSnapshots collect() {
        List<VrrpInstanceView> all = source.get();
        List<MetricSnapshot> out = new ArrayList<>();
        if (all.isEmpty()) {
            return new MetricSnapshots(out);
        }
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("keepalived_vrrp_state").help("State of vrrp");
        for (VrrpInstanceView v : all) {
            VrrpInstanceStatus s = v.status();
            for (VirtualIpAddress a : v.virtualAddresses()) {
                state.dataPoint(gauge(Labels.of("iname", s.name(), "intf", a.deviceOr(s.interfaceName()),
                        "vrid", String.valueOf(s.vrid()), "ip_address", a.address() + "/" + a.prefixLength()),
                        s.state().keepalivedNumber()));
            }
        }
        out.add(state.build());
        for (Counter c : KEEPALIVED_COUNTERS) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(c.name()).help(c.help());
            all.forEach(v -> b.dataPoint(counter(labels(v.status()), c.value().applyAsLong(v.status()))));
            out.add(b.build());
        }
        GaugeSnapshot.Builder prio = GaugeSnapshot.builder().name("jlvs_vrrp_priority")
                .help("Configured (base) priority of the VRRP instance.");
        GaugeSnapshot.Builder eff = GaugeSnapshot.builder().name("jlvs_vrrp_effective_priority")
                .help("Effective priority: the base moved by tracked scripts, interfaces and files.");
        CounterSnapshot.Builder transitions = CounterSnapshot.builder().name("jlvs_vrrp_transitions")
                .help("State changes of the VRRP instance.");
        GaugeSnapshot.Builder last = GaugeSnapshot.builder().name("jlvs_vrrp_last_transition_timestamp_seconds")
                .help("Wall-clock time of the instance's last state change (absent before the first).");
        CounterSnapshot.Builder drops = CounterSnapshot.builder().name("jlvs_vrrp_dropped")
                .help("Received VRRP packets the instance dropped, by reason.");
        for (VrrpInstanceView v : all) {
            VrrpInstanceStatus s = v.status();
            Labels l = labels(s);
            prio.dataPoint(gauge(l, s.basePriority()));
            eff.dataPoint(gauge(l, s.effectivePriority()));
            transitions.dataPoint(counter(l, s.counters().transitions()));
            if (s.lastTransition() != null) {
                last.dataPoint(GaugeDataPointSnapshot.builder().labels(l)
                        .value(s.lastTransition().toEpochMilli() / 1000.0).build());
            }
            for (VrrpDropReason r : VrrpDropReason.values()) {
                drops.dataPoint(counter(l.add("reason", r.name()), s.counters().dropped(r)));
            }
        }
        out.add(prio.build());
        out.add(eff.build());
        out.add(transitions.build());
        out.add(last.build());
        out.add(drops.build());
        return new MetricSnapshots(out);
    }

    private static Labels labels(VrrpInstanceStatus s) {
        return Labels.of("iname", s.name(), "intf", s.interfaceName(), "vrid", String.valueOf(s.vrid()));
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, long value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    private static CounterDataPointSnapshot counter(Labels labels, long value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
