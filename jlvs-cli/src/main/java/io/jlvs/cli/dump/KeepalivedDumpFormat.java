package io.jlvs.cli.dump;

import io.jlvs.admin.VrrpInstanceView;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.keepalived.CheckedRealServer;
import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.runtime.VrrpInstanceCounters;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The text of keepalived's dump files, as far as jlvs has the data: {@code keepalived.data} (VRRP instances and the
 * LVS table), {@code keepalived.stats} (VRRP counters, the layout keepalived exporters parse) and
 * {@code keepalived.json} (keepalived.json's schema: an array of {@code {data, stats}} per VRRP instance). An
 * {@code auth_pass} is never written: the data dump says a password is set and shows it masked.
 */
public final class KeepalivedDumpFormat {
    static final String MASKED = "********";
    /** keepalived's ctime-like time with microseconds; jlvs prints it in UTC. */
    private static final java.time.format.DateTimeFormatter CTIME = java.time.format.DateTimeFormatter
            .ofPattern("EEE MMM ppd HH:mm:ss.SSSSSS yyyy", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private KeepalivedDumpFormat() {
    }

    public static String render(DumpKind kind, DumpSnapshot s) {
        return switch (kind) {
            case DATA -> data(s);
            case STATS -> stats(s);
            case JSON -> json(s);
        };
    }

    /** keepalived.data. */
    public static String data(DumpSnapshot s) {
        StringBuilder b = new StringBuilder();
        b.append("------< jlvs dump at ").append(s.takenAt()).append(" >------\n\n");
        b.append("------< VRRP Topology >------\n");
        for (VrrpDumpInstance i : s.vrrp()) {
            VrrpInstanceStatus st = i.view().status();
            b.append(" VRRP Instance = ").append(st.name()).append('\n');
            b.append("   State = ").append(st.state()).append('\n');
            b.append("   Wantstate = ").append(st.state()).append('\n');
            if (st.lastTransition() != null) {
                b.append("   Last transition = ").append(seconds(st.lastTransition())).append(" (")
                        .append(CTIME.format(st.lastTransition())).append(")\n");
            }
            b.append("   Interface = ").append(st.interfaceName()).append('\n');
            b.append("   Virtual Router ID = ").append(st.vrid()).append('\n');
            b.append("   Priority = ").append(st.basePriority()).append('\n');
            b.append("   Effective priority = ").append(st.effectivePriority()).append('\n');
            if (st.masterAddress() != null) {
                b.append("   Master router = ").append(st.masterAddress()).append('\n');
            }
            if (i.authPass() != null) {
                b.append("   Authentication type = SIMPLE_PASSWORD\n");
                b.append("   Password = ").append(MASKED).append('\n');
            } else {
                b.append("   Authentication type = none\n");
            }
            List<VirtualIpAddress> vips = i.view().virtualAddresses();
            b.append("   Virtual IP (").append(vips.size()).append("):\n");
            for (VirtualIpAddress v : vips) {
                b.append("     ").append(vip(v, st)).append('\n');
            }
        }
        if (!s.scripts().isEmpty()) {
            b.append("------< VRRP Scripts >------\n");
            for (VrrpScriptStatus sc : s.scripts()) {
                b.append(" VRRP Script = ").append(sc.name()).append('\n');
                b.append("   Status = ").append(sc.good() ? "GOOD" : "BAD").append('\n');
                b.append("   State = ").append(sc.running() ? "running" : "idle").append('\n');
            }
        }
        b.append("\n------< LVS Topology >------\n");
        b.append(" System = jlvs\n");
        for (VirtualServiceView v : s.table().services()) {
            VirtualService vs = v.service();
            b.append(" VS = ").append(virtualServer(vs)).append('\n');
            b.append("   lb_algo = ").append(vs.scheduler()).append('\n');
            if (vs.persistent()) {
                b.append("   persistence timeout = ").append(vs.persistenceTimeout()).append('\n');
            }
            b.append("   Active connections = ").append(v.realServers().stream()
                    .mapToLong(RealServerView::activeConns).sum()).append('\n');
            List<CheckedRealServer> checked = s.checked().stream().filter(c -> c.service().equals(vs.key())).toList();
            for (CheckedRealServer c : checked) {
                checkedRealServer(b, c, inTable(v, c.stored()));
            }
            for (RealServerView r : v.realServers()) {
                if (checked.stream().anyMatch(c -> sameDestination(c.stored(), r.server()))) {
                    continue;
                }
                b.append("   RS = ").append(r.server().address().withPort(r.server().port())).append('\n');
                b.append("     Forwarding method = ").append(r.server().method().label()).append('\n');
                b.append("     Weight = ").append(r.server().weight()).append('\n');
                b.append("     Alive = ").append(r.server().weight() > 0 ? "yes" : "no (weight 0)").append('\n');
                b.append("     Active connections = ").append(r.activeConns()).append('\n');
                b.append("     Inactive connections = ").append(r.inactiveConns()).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * A keepalived.conf real server as keepalived 2.2.7's data dump shows it (those of its lines jlvs has the facts
     * for, in its order and indentation): {@code alive} is 0 while a checker has it down, {@code RS set} is 1 while
     * it is in the table (a failed server with {@code inhibit_on_failure} stays in, at weight 0), and the weights
     * are the configured and checker-wanted ones, not the table's. The connection counts follow while it is set.
     */
    private static void checkedRealServer(StringBuilder b, CheckedRealServer c, RealServerView inTable) {
        b.append("   ------< Real server >------\n");
        b.append("   RIP = ").append(c.address()).append(", RPORT = ").append(c.port())
                .append(", WEIGHT = ").append(Math.max(0, c.effectiveWeight()))
                .append(" EFF WEIGHT = ").append(c.effectiveWeight()).append('\n');
        b.append("   forwarding method = ").append(keepalivedMethod(c.stored())).append('\n');
        b.append("   Inhibit on failure is ").append(c.inhibitOnFailure() ? "ON" : "OFF").append('\n');
        b.append("   initial weight = ").append(c.stored().weight()).append('\n');
        b.append("   effective weight = ").append(c.effectiveWeight()).append('\n');
        b.append("   alive = ").append(c.alive() ? 1 : 0).append('\n');
        b.append("   num failed checkers = ").append(c.failedCheckers()).append('\n');
        b.append("   RS set = ").append(inTable != null ? 1 : 0).append('\n');
        if (inTable != null) {
            b.append("   Active connections = ").append(inTable.activeConns()).append('\n');
            b.append("   Inactive connections = ").append(inTable.inactiveConns()).append('\n');
        }
    }

    /** keepalived's words for the forwarding method; FULLNAT (which keepalived lacks) as its lb_kind, FNAT. */
    private static String keepalivedMethod(RealServer r) {
        return switch (r.method()) {
            case MASQ -> "NAT";
            case DROUTE -> "DR";
            case TUNNEL -> switch (r.tunnelType()) {
                case IPIP -> "TUN, type = IPIP";
                case GUE -> "TUN, type = GUE, port = " + r.tunnelPort() + checksum(r);
                case GRE -> "TUN, type = GRE" + checksum(r);
            };
            case FULLNAT -> "FNAT";
            case LOCAL -> "LOCAL";
        };
    }

    private static String checksum(RealServer r) {
        return switch (r.tunnelChecksum()) {
            case NOCSUM -> ", no checksum";
            case CSUM -> ", checksum";
            case REMCSUM -> ", remote checksum";
        };
    }

    private static RealServerView inTable(VirtualServiceView v, RealServer stored) {
        return v.realServers().stream().filter(r -> sameDestination(stored, r.server())).findFirst().orElse(null);
    }

    private static boolean sameDestination(RealServer a, RealServer b) {
        return a.address().equals(b.address()) && a.port() == b.port();
    }

    /** keepalived.stats: one block per VRRP instance, the layout keepalived writes on SIGUSR2. */
    public static String stats(DumpSnapshot s) {
        StringBuilder b = new StringBuilder();
        for (VrrpDumpInstance i : s.vrrp()) {
            VrrpInstanceStatus st = i.view().status();
            VrrpInstanceCounters c = st.counters();
            b.append("VRRP Instance: ").append(st.name()).append('\n');
            b.append("  Advertisements:\n");
            b.append("    Received: ").append(c.advertsReceived()).append('\n');
            b.append("    Sent: ").append(c.advertsSent()).append('\n');
            b.append("  Became master: ").append(c.becameMaster()).append('\n');
            b.append("  Released master: ").append(st.releasedMaster()).append('\n');
            b.append("  Packet Errors:\n");
            b.append("    Length: ").append(c.dropped(VrrpDropReason.PACKET_LENGTH)).append('\n');
            b.append("    TTL: ").append(c.dropped(VrrpDropReason.TTL)).append('\n');
            b.append("    Invalid Type: ").append(c.dropped(VrrpDropReason.INVALID_TYPE)).append('\n');
            b.append("    Advertisement Interval: ").append(c.dropped(VrrpDropReason.ADVERT_INTERVAL)).append('\n');
            b.append("    Address List: ").append(addressListErrors(c)).append('\n');
            b.append("  Authentication Errors:\n");
            b.append("    Invalid Type: ").append(c.dropped(VrrpDropReason.INVALID_AUTH_TYPE)).append('\n');
            b.append("    Type Mismatch: ").append(c.dropped(VrrpDropReason.AUTH_TYPE_MISMATCH)).append('\n');
            b.append("    Failure: ").append(c.dropped(VrrpDropReason.AUTH_FAILURE)).append('\n');
            b.append("  Priority Zero:\n");
            b.append("    Received: ").append(c.priorityZeroReceived()).append('\n');
            b.append("    Sent: ").append(c.priorityZeroSent()).append('\n');
        }
        return b.toString();
    }

    /** keepalived.json: VRRP only, as keepalived's own (which has no LVS state either). */
    public static String json(DumpSnapshot s) {
        StringBuilder b = new StringBuilder("[");
        String sep = "";
        for (VrrpDumpInstance i : s.vrrp()) {
            VrrpInstanceView v = i.view();
            VrrpInstanceStatus st = v.status();
            VrrpInstanceCounters c = st.counters();
            b.append(sep).append("{\"data\":{");
            field(b, "iname", st.name()).append(',');
            field(b, "ifp_ifname", st.interfaceName()).append(',');
            b.append("\"vrid\":").append(st.vrid()).append(',');
            b.append("\"base_priority\":").append(st.basePriority()).append(',');
            b.append("\"effective_priority\":").append(st.effectivePriority()).append(',');
            b.append("\"state\":").append(st.state().keepalivedNumber()).append(',');
            b.append("\"wantstate\":").append(st.state().keepalivedNumber()).append(',');
            b.append("\"auth_type\":").append(i.authPass() != null ? 1 : 0).append(',');
            b.append("\"vips\":[");
            String vsep = "";
            for (VirtualIpAddress a : v.virtualAddresses()) {
                b.append(vsep);
                string(b, vip(a, st));
                vsep = ",";
            }
            b.append("],\"last_transition\":")
                    .append(st.lastTransition() == null ? "0" : seconds(st.lastTransition()));
            b.append("},\"stats\":{");
            b.append("\"advert_rcvd\":").append(c.advertsReceived()).append(',');
            b.append("\"advert_sent\":").append(c.advertsSent()).append(',');
            b.append("\"become_master\":").append(c.becameMaster()).append(',');
            b.append("\"release_master\":").append(st.releasedMaster()).append(',');
            b.append("\"packet_len_err\":").append(c.dropped(VrrpDropReason.PACKET_LENGTH)).append(',');
            b.append("\"advert_interval_err\":").append(c.dropped(VrrpDropReason.ADVERT_INTERVAL)).append(',');
            b.append("\"ip_ttl_err\":").append(c.dropped(VrrpDropReason.TTL)).append(',');
            b.append("\"invalid_type_rcvd\":").append(c.dropped(VrrpDropReason.INVALID_TYPE)).append(',');
            b.append("\"addr_list_err\":").append(addressListErrors(c)).append(',');
            b.append("\"invalid_authtype\":").append(c.dropped(VrrpDropReason.INVALID_AUTH_TYPE)).append(',');
            b.append("\"authtype_mismatch\":").append(c.dropped(VrrpDropReason.AUTH_TYPE_MISMATCH)).append(',');
            b.append("\"auth_failure\":").append(c.dropped(VrrpDropReason.AUTH_FAILURE)).append(',');
            b.append("\"pri_zero_rcvd\":").append(c.priorityZeroReceived()).append(',');
            b.append("\"pri_zero_sent\":").append(c.priorityZeroSent());
            b.append("}}");
            sep = ",";
        }
        return b.append("]\n").toString();
    }

    private static long addressListErrors(VrrpInstanceCounters c) {
        return c.dropped(VrrpDropReason.ADDRESS_COUNT) + c.dropped(VrrpDropReason.ADDRESS_LIST)
                + c.dropped(VrrpDropReason.CAST_MISMATCH);
    }

    /**
     * As keepalived prints a VIP: {@code 10.99.0.100/24 dev veth0 scope global set}, "set" when it is on the
     * interface (the instance is MASTER).
     */
    static String vip(VirtualIpAddress v, VrrpInstanceStatus st) {
        StringBuilder b = new StringBuilder().append(v.address()).append('/').append(v.prefixLength())
                .append(" dev ").append(v.deviceOr(st.interfaceName())).append(" scope ").append(v.scope());
        if (v.label() != null) {
            b.append(" label ").append(v.label());
        }
        if (st.state() == io.jlvs.vrrp.state.VrrpState.MASTER) {
            b.append(" set");
        }
        return b.toString();
    }

    private static String virtualServer(VirtualService vs) {
        return switch (vs.key()) {
            case InetServiceKey k -> "[" + k.address() + "]:" + k.protocol().name().toLowerCase(Locale.ROOT) + ":"
                    + k.port();
            case FwmarkServiceKey k -> "FWM " + Integer.toUnsignedString(k.fwmark());
        };
    }

    private static String seconds(Instant t) {
        return String.format(Locale.ROOT, "%d.%06d", t.getEpochSecond(), t.getNano() / 1000);
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        string(b, value);
        return b;
    }

    private static void string(StringBuilder b, String value) {
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        b.append('"');
    }
}
