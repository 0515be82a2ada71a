package io.jlvs.cli.vrrp;

import io.jlvs.config.model.GlobalDefs;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.Setting;
import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import io.jlvs.core.IpAddress;
import io.jlvs.core.ScriptCommandLine;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.ElectionOptions;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.TrackFile;
import io.jlvs.vrrp.settings.TrackInterface;
import io.jlvs.vrrp.settings.TrackScript;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a parsed keepalived.conf onto {@link VrrpInstanceSettings} and {@link SyncGroupSettings}. Every keyword of a
 * {@code vrrp_instance} the runtime supports is carried over (global {@code vrrp_version}, {@code vrrp_garp_*}
 * and {@code notify_fifo} / {@code vrrp_notify_fifo} as defaults); everything it cannot honour gives a warning
 * naming the instance and the keyword. An instance the runtime cannot run at all (no interface, no VRID) is left
 * out, with a warning.
 */
public final class VrrpSettingsMapper {
    /** keepalived's defaults for the garp_master_* keywords. */
    static final long GARP_MASTER_DELAY_MILLIS = 5000;
    static final int GARP_MASTER_REPEAT = 5;
    static final int GARP_MASTER_REFRESH_REPEAT = 1;
    /** How often a track_file is read (keepalived watches it with inotify). */
    static final long TRACK_FILE_INTERVAL_MILLIS = 1000;
    /** How long a notify script may run (keepalived's default script timeout is 15 s as well). */
    static final long NOTIFY_TIMEOUT_MILLIS = 15_000;

    private static final Set<String> INSTANCE_KEYWORDS = Set.of("state", "interface", "virtual_router_id",
            "priority", "advert_int", "version", "virtual_ipaddress", "unicast_peer", "unicast_src_ip",
            // virtual_ipaddress_excluded: warned about with the number of addresses left out, below
            "virtual_ipaddress_excluded", "mcast_src_ip", "track_interface", "track_script", "track_file",
            "nopreempt", "preempt",
            "preempt_delay", "authentication", "garp_master_delay", "garp_master_repeat", "garp_master_refresh",
            "garp_master_refresh_repeat", "dont_track_primary", "notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify", "strict_mode", "garp_lower_prio_repeat", "garp_lower_prio_delay",
            "lower_prio_no_advert", "higher_prio_send_advert", "virtual_routes", "virtual_rules");
    private static final Set<String> GLOBAL_VRRP_KEYWORDS = Set.of("vrrp_version", "vrrp_garp_master_delay",
            "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
            "notify_fifo", "vrrp_notify_fifo", "vrrp_strict", "vrrp_garp_lower_prio_repeat",
            "vrrp_garp_lower_prio_delay", "vrrp_lower_prio_no_advert", "vrrp_higher_prio_send_advert");

    /** The scope names {@code ip address add} takes. */
    private static final Set<String> SCOPES = Set.of("global", "universe", "site", "link", "host", "nowhere");

    private final List<String> warnings = new ArrayList<>();

    private VrrpSettingsMapper() {
    }

    /** The VRRP part of {@code config}; never throws on what the parser let through. */
    public static VrrpMapping map(KeepalivedConfig config) {
        return new VrrpSettingsMapper().run(config);
    }

    private VrrpMapping run(KeepalivedConfig config) {
        if (config.vrrpInstances().isEmpty()) {
            return new VrrpMapping(List.of(), List.of(), List.of());
        }
        GlobalDefaults defaults = globals(config.globalDefs());
        for (VrrpInstanceDef d : config.vrrpInstances()) {
            if (strict(d, defaults) && !d.unicastPeers().isEmpty()) {
                // keepalived's VRRP process refuses the whole configuration, not just the instance
                warn("(" + d.name() + ") Unicast peers are not supported in strict mode - no vrrp_instance is run"
                        + " (keepalived's VRRP process does not start with this configuration)");
                return new VrrpMapping(List.of(), List.of(), warnings);
            }
        }
        Map<String, VrrpScriptDef> scripts = new HashMap<>();
        config.vrrpScripts().forEach(s -> scripts.put(s.name(), s));
        Map<String, TrackFileDef> files = new HashMap<>();
        config.trackFiles().forEach(f -> files.put(f.name(), f));
        Map<String, VrrpInstanceSettings> instances = new LinkedHashMap<>();
        for (VrrpInstanceDef d : config.vrrpInstances()) {
            if (instances.containsKey(d.name())) {
                warn("(" + d.name() + ") vrrp_instance defined twice - the second one is not run");
                continue;
            }
            VrrpInstanceSettings s = instance(d, defaults, scripts, files);
            if (s != null) {
                instances.put(d.name(), s);
            }
        }
        List<SyncGroupSettings> groups = syncGroups(config.syncGroups(), instances.keySet());
        // as keepalived logs it when its VRRP process starts: a script nobody tracks never runs
        Set<String> tracked = new java.util.HashSet<>();
        config.vrrpInstances().forEach(d -> d.trackScripts().forEach(l -> tracked.add(l.trim().split("\\s+")[0])));
        config.vrrpScripts().stream().map(VrrpScriptDef::name).filter(n -> !tracked.contains(n)).distinct()
                .forEach(n -> warn("Warning - script " + n + " is not used"));
        return new VrrpMapping(List.copyOf(instances.values()), groups, warnings);
    }

    // ---- global_defs ----------------------------------------------------------------------------------------

    private record GlobalDefaults(long garpDelayMillis, int garpRepeat, long garpRefreshMillis, int garpRefreshRepeat,
                                  Path fifo, boolean strict, ElectionOptions election) {
    }

    private GlobalDefaults globals(GlobalDefs g) {
        long delay = GARP_MASTER_DELAY_MILLIS;
        int repeat = GARP_MASTER_REPEAT;
        long refresh = 0;
        int refreshRepeat = GARP_MASTER_REFRESH_REPEAT;
        Path fifo = null;
        Path vrrpFifo = null;
        boolean strict = false;
        Integer lowerRepeat = null;
        Long lowerDelay = null;
        boolean lowerNoAdvert = false;
        boolean higherSendAdvert = false;
        for (Setting s : g.settings()) {
            String k = s.keyword();
            switch (k) {
                case "vrrp_garp_master_delay" -> delay = millis(s, "global_defs", delay);
                case "vrrp_garp_master_repeat" -> repeat = count(s, "global_defs", repeat);
                case "vrrp_garp_master_refresh" -> refresh = millis(s, "global_defs", refresh);
                case "vrrp_garp_master_refresh_repeat" -> refreshRepeat = count(s, "global_defs", refreshRepeat);
                case "notify_fifo" -> fifo = fifo(s, fifo);
                case "vrrp_notify_fifo" -> vrrpFifo = fifo(s, vrrpFifo);
                case "vrrp_strict" -> strict = true;
                case "vrrp_garp_lower_prio_repeat" -> lowerRepeat = count(s, "global_defs", 0);
                case "vrrp_garp_lower_prio_delay" -> lowerDelay = millis(s, "global_defs", 0);
                case "vrrp_lower_prio_no_advert" -> lowerNoAdvert = onOff(s, "global_defs", lowerNoAdvert);
                case "vrrp_higher_prio_send_advert" -> higherSendAdvert = onOff(s, "global_defs", higherSendAdvert);
                default -> {
                    if ((k.startsWith("vrrp_") || k.equals("notify_fifo_script") || k.equals("default_interface"))
                            && !GLOBAL_VRRP_KEYWORDS.contains(k)) {
                        warn("global_defs: " + s.text() + " is not supported by the jlvs VRRP runtime - ignored");
                    }
                }
            }
        }
        // keepalived: the lower-priority GARPs default to the global garp_master repeat and delay
        ElectionOptions election = new ElectionOptions(lowerNoAdvert, higherSendAdvert,
                lowerRepeat != null ? lowerRepeat : repeat, lowerDelay != null ? lowerDelay : delay);
        return new GlobalDefaults(delay, repeat, refresh, refreshRepeat, vrrpFifo != null ? vrrpFifo : fifo, strict,
                election);
    }

    private Path fifo(Setting s, Path old) {
        if (s.args().isEmpty()) {
            return old;
        }
        if (s.args().size() > 1) {
            warn("global_defs: " + s.keyword() + " " + s.args().getFirst() + ": the FIFO's script/user part "
                    + String.join(" ", s.args().subList(1, s.args().size())) + " is not supported - ignored");
        }
        return Path.of(s.args().getFirst());
    }

    // ---- vrrp_instance --------------------------------------------------------------------------------------

    private VrrpInstanceSettings instance(VrrpInstanceDef d, GlobalDefaults g, Map<String, VrrpScriptDef> scripts,
                                          Map<String, TrackFileDef> files) {
        String p = "(" + d.name() + ") ";
        if (d.iface() == null) {
            warn(p + "no usable interface - instance not run");
            return null;
        }
        if (d.virtualRouterId() < 1 || d.virtualRouterId() > 255) {
            warn(p + "no virtual_router_id - instance not run");
            return null;
        }
        VrrpVersion version = VrrpVersion.of(d.version());
        List<VirtualIpAddress> vips = vips(d, p);
        boolean v6 = !vips.isEmpty() && !vips.getFirst().address().isV4();
        if (v6 && version == VrrpVersion.V2) {
            warn(p + "VRRPv2 has no IPv6 - running version 3");
            version = VrrpVersion.V3;
        }
        long garpDelay = g.garpDelayMillis();
        int garpRepeat = g.garpRepeat();
        long garpRefresh = g.garpRefreshMillis();
        int garpRefreshRepeat = g.garpRefreshRepeat();
        boolean dontTrackPrimary = false;
        boolean strict = strict(d, g);
        ElectionOptions globalElection = g.election();
        int lowerRepeat = globalElection.garpLowerPrioRepeat();
        long lowerDelay = globalElection.garpLowerPrioDelayMillis();
        boolean lowerNoAdvert = globalElection.lowerPrioNoAdvert();
        boolean higherSendAdvert = globalElection.higherPrioSendAdvert();
        for (Setting s : d.settings()) {
            switch (s.keyword()) {
                case "garp_master_delay" -> garpDelay = millis(s, d.name(), garpDelay);
                case "garp_master_repeat" -> garpRepeat = count(s, d.name(), garpRepeat);
                case "garp_master_refresh" -> garpRefresh = millis(s, d.name(), garpRefresh);
                case "garp_master_refresh_repeat" -> garpRefreshRepeat = count(s, d.name(), garpRefreshRepeat);
                case "dont_track_primary" -> dontTrackPrimary = true;
                case "garp_lower_prio_repeat" -> lowerRepeat = count(s, d.name(), lowerRepeat);
                case "garp_lower_prio_delay" -> lowerDelay = millis(s, d.name(), lowerDelay);
                case "lower_prio_no_advert" -> lowerNoAdvert = onOff(s, d.name(), lowerNoAdvert);
                case "higher_prio_send_advert" -> higherSendAdvert = onOff(s, d.name(), higherSendAdvert);
                default -> {
                    if (!INSTANCE_KEYWORDS.contains(s.keyword())) {
                        warn(p + s.keyword() + " is not supported by the jlvs VRRP runtime - ignored ("
                                + where(s) + ")");
                    }
                }
            }
        }
        if (!d.virtualIpaddressesExcluded().isEmpty()) {
            warn(p + "virtual_ipaddress_excluded is not supported - " + d.virtualIpaddressesExcluded().size()
                    + " address(es) not added");
        }
        String authPass = null;
        if (strict && d.authType() != null) {
            warn(p + "Strict mode does not support authentication (auth_type " + d.authType()
                    + ") - running without authentication");
        } else if ("AH".equals(d.authType())) {
            warn(p + "auth_type AH is not supported - running without authentication");
        } else if ("PASS".equals(d.authType()) && version == VrrpVersion.V2 && d.authPass() != null) {
            authPass = d.authPass();
        } else if (d.authType() != null) {
            warn(p + "authentication ignored (" + (version == VrrpVersion.V3 ? "VRRPv3 has none"
                    : "no auth_pass") + ")");
        }
        VrrpState state = d.state() == null ? null : VrrpState.valueOf(d.state());
        boolean nopreempt = d.nopreempt() && d.priority() != 255;
        long preemptDelay = d.preemptDelay() == null ? 0 : d.preemptDelay().toMillis();
        ElectionOptions election = new ElectionOptions(lowerNoAdvert, higherSendAdvert, lowerRepeat, lowerDelay);
        if (strict) {
            // keepalived's strict mode adjusts these (and reports each one it had to change)
            if (state != null && (state == VrrpState.MASTER) != (d.priority() == 255)) {
                warn(p + "State MASTER must match being address owner - state " + state + " ignored (strict mode)");
                state = d.priority() == 255 ? VrrpState.MASTER : VrrpState.BACKUP;
            }
            if (preemptDelay > 0) {
                warn(p + "preempt_delay is incompatible with strict mode - not applied");
                preemptDelay = 0;
            }
            if (!election.equals(ElectionOptions.STRICT) && (election.garpLowerPrioRepeat() > 0
                    && hasSetting(d, "garp_lower_prio_repeat") || election.garpLowerPrioDelayMillis() > 0
                    && hasSetting(d, "garp_lower_prio_delay") || !election.lowerPrioNoAdvert()
                    && hasSetting(d, "lower_prio_no_advert") || election.higherPrioSendAdvert())) {
                warn(p + "strict mode: no advert and no gratuitous ARPs in answer to a lower priority, no advert"
                        + " before yielding to a higher one - garp_lower_prio_*/lower_prio_no_advert/"
                        + "higher_prio_send_advert overridden");
            }
            election = ElectionOptions.STRICT;
        }
        IpAddress source = null;
        if (d.unicastSrcIp() != null) {
            source = address(d.unicastSrcIp(), p + "unicast_src_ip", v6);
        } else if (d.mcastSrcIp() != null) {
            source = address(d.mcastSrcIp(), p + "mcast_src_ip", v6);
        }
        try {
            return new VrrpInstanceSettings(d.name(), d.iface(), d.virtualRouterId(), d.priority(),
                    advertCentis(d, version), version, state, nopreempt,
                    preemptDelay, authPass, vips, source,
                    peers(d, p, v6), garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat, dontTrackPrimary,
                    trackInterfaces(d, p), trackScripts(d, p, scripts), trackFiles(d, p, files), notify(d, g, p),
                    election, routes(d, p), rules(d, p));
        } catch (IllegalArgumentException e) {
            warn(p + "cannot be run: " + e.getMessage());
            return null;
        }
    }

    private int advertCentis(VrrpInstanceDef d, VrrpVersion version) {
        long centis = Math.max(1, d.advertInt().toMillis() / 10);
        if (version == VrrpVersion.V2) {
            long seconds = Math.clamp(Math.round(centis / 100.0), 1, 255);
            if (seconds * 100 != centis) {
                warn("(" + d.name() + ") VRRPv2 advert_int must be whole seconds 1..255 - using " + seconds + " s");
            }
            return (int) (seconds * 100);
        }
        if (centis > 4095) {
            warn("(" + d.name() + ") VRRPv3 advert_int above 40.95 s - using 40.95 s");
            return 4095;
        }
        return (int) centis;
    }

    /** {@code ADDR[/LEN][-LAST] [dev IF] [label L] [brd B] [scope S] ...}. */
    private List<VirtualIpAddress> vips(VrrpInstanceDef d, String p) {
        List<VirtualIpAddress> out = new ArrayList<>();
        for (String line : d.virtualIpaddresses()) {
            String[] w = line.trim().split("\\s+");
            String dev = null;
            String label = null;
            String scope = null;
            for (int i = 1; i < w.length; i++) {
                String value = i + 1 < w.length ? w[i + 1] : null;
                switch (w[i]) {
                    case "dev" -> dev = value;
                    case "label" -> label = value;
                    case "scope" -> scope = value;
                    case "brd", "broadcast" -> warn(p + "virtual_ipaddress " + w[0] + ": brd " + value
                            + " is not supported - the address is added without a broadcast address");
                    default -> {
                        warn(p + "virtual_ipaddress " + w[0] + ": option " + w[i] + " is not supported - ignored");
                        continue;
                    }
                }
                i++;
            }
            if (scope != null && !SCOPES.contains(scope) && !scope.matches("\\d{1,3}")) {
                warn(p + "virtual_ipaddress " + w[0] + ": scope " + scope + " is not a scope - using global");
                scope = null;
            }
            for (VirtualIpAddress v : expand(w[0], p)) {
                if (!out.isEmpty() && out.getFirst().address().isV4() != v.address().isV4()) {
                    warn(p + "virtual_ipaddress " + w[0] + " is " + (v.address().isV4() ? "IPv4" : "IPv6")
                            + " but the instance's first address is not - ignored (an instance is one family)");
                    continue;
                }
                out.add(new VirtualIpAddress(v.address(), v.prefixLength(), dev, label, scope));
            }
        }
        return out;
    }

    /** One address, or keepalived's {@code 10.0.0.1-5} range over the last byte. */
    private List<VirtualIpAddress> expand(String word, String p) {
        int slash = word.indexOf('/');
        String host = slash < 0 ? word : word.substring(0, slash);
        String suffix = slash < 0 ? "" : word.substring(slash);
        IpAddress first;
        int last = -1;
        int dash = host.indexOf('-');
        try {
            first = IpAddress.parse(dash < 0 ? host : host.substring(0, dash));
            if (dash >= 0) {
                last = Integer.parseInt(host.substring(dash + 1));
            }
        } catch (RuntimeException e) {
            warn(p + "virtual_ipaddress " + word + " is not an address - ignored");
            return List.of();
        }
        if (!first.isV4() && dash >= 0) {
            warn(p + "virtual_ipaddress range " + word + " is IPv6 - ranges are IPv4 only - ignored");
            return List.of();
        }
        int prefix;
        try {
            prefix = suffix.isEmpty() ? (first.isV4() ? 32 : 128) : Integer.parseInt(suffix.substring(1));
        } catch (NumberFormatException e) {
            warn(p + "virtual_ipaddress " + word + " has a bad prefix length - ignored");
            return List.of();
        }
        if (dash < 0) {
            return List.of(new VirtualIpAddress(first, prefix, null, null, null));
        }
        int base = first.v4() & ~0xff;
        int from = first.v4() & 0xff;
        if (last < from || last > 255) {
            warn(p + "virtual_ipaddress range " + word + " is not valid - ignored");
            return List.of();
        }
        List<VirtualIpAddress> out = new ArrayList<>();
        for (int b = from; b <= last; b++) {
            out.add(new VirtualIpAddress(IpAddress.ofV4(base | b), prefix, null, null, null));
        }
        return out;
    }

    /**
     * {@code virtual_routes}: {@code [TYPE] [src ADDR] [to] DEST[/LEN] [via|gw GW] [dev IF] [scope S] [table N]
     * [metric N]}; TYPE is blackhole, unreachable or prohibit (a plain route when absent).
     */
    private List<VirtualRoute> routes(VrrpInstanceDef d, String p) {
        List<VirtualRoute> out = new ArrayList<>();
        for (String line : d.virtualRoutes()) {
            VirtualRoute r = route(line.trim().split("\\s+"), p + "virtual_routes " + line.trim());
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    private VirtualRoute route(String[] w, String what) {
        String type = "unicast";
        IpAddress dest = null;
        int prefix = 32;
        IpAddress via = null;
        IpAddress src = null;
        String dev = null;
        String scope = null;
        int metric = -1;
        int table = 0;
        try {
            for (int i = 0; i < w.length; i++) {
                String k = w[i];
                String v = i + 1 < w.length ? w[i + 1] : null;
                switch (k) {
                    case "blackhole", "unreachable", "prohibit" -> {
                        type = k;
                        continue;
                    }
                    case "to" -> {
                        continue;
                    }
                    case "src" -> src = IpAddress.parse(v);
                    case "via", "gw" -> via = IpAddress.parse(v);
                    case "dev", "oif" -> dev = v;
                    case "scope" -> {
                        if (!SCOPES.contains(v) && !v.matches("\\d{1,3}")) {
                            warn(what + ": scope " + v + " is not a scope - route not added");
                            return null;
                        }
                        scope = v;
                    }
                    case "metric", "priority", "preference" -> metric = Integer.parseInt(v);
                    case "table" -> table = v.equals("main") ? 0 : Integer.parseInt(v);
                    default -> {
                        if (dest == null) {
                            int slash = k.indexOf('/');
                            dest = IpAddress.parse(slash < 0 ? k : k.substring(0, slash));
                            prefix = slash < 0 ? (dest.isV4() ? 32 : 128) : Integer.parseInt(k.substring(slash + 1));
                        } else {
                            warn(what + ": " + k + " is not supported - ignored");
                        }
                        continue;
                    }
                }
                if (v == null) {
                    warn(what + ": " + k + " has no value - route not added");
                    return null;
                }
                i++;
            }
            if (dest == null) {
                warn(what + ": no destination - route not added");
                return null;
            }
            if (!dest.isV4() || (via != null && !via.isV4())) {
                warn(what + ": IPv6 is not supported by the jlvs VRRP runtime - route not added");
                return null;
            }
            return new VirtualRoute(type, dest, prefix, via, dev, src, metric, table, scope);
        } catch (RuntimeException e) {
            warn(what + " is not understood (" + e.getMessage() + ") - route not added");
            return null;
        }
    }

    /**
     * {@code virtual_rules}: {@code [from A[/N]] [to B[/N]] [iif|dev IF] [oif IF] [fwmark M[/MASK]]
     * [priority|preference|pref P] table T}; {@code no_track} has no effect here (routes and rules are not
     * watched); other actions and IPv6 → warning, rule not added.
     */
    private List<VirtualRule> rules(VrrpInstanceDef d, String p) {
        List<VirtualRule> out = new ArrayList<>();
        for (String line : d.virtualRules()) {
            String what = p + "virtual_rules " + line.trim();
            String[] w = line.trim().split("\\s+");
            IpAddress from = null;
            int fromLen = 0;
            IpAddress to = null;
            int toLen = 0;
            String iif = null;
            String oif = null;
            long mark = -1;
            long mask = -1;
            int prio = -1;
            int table = 0;
            boolean ok = true;
            try {
                for (int i = 0; i < w.length && ok; i++) {
                    String v = i + 1 < w.length ? w[i + 1] : null;
                    switch (w[i]) {
                        case "no_track" -> {
                            continue;
                        }
                        case "from", "to" -> {
                            if (!"all".equals(v)) {
                                int slash = v.indexOf('/');
                                IpAddress a = IpAddress.parse(slash < 0 ? v : v.substring(0, slash));
                                int len = slash < 0 ? (a.isV4() ? 32 : 128) : Integer.parseInt(v.substring(slash + 1));
                                if (w[i].equals("from")) {
                                    from = a;
                                    fromLen = len;
                                } else {
                                    to = a;
                                    toLen = len;
                                }
                            }
                        }
                        case "iif", "dev" -> iif = v;
                        case "oif" -> oif = v;
                        case "fwmark" -> {
                            int slash = v.indexOf('/');
                            mark = Long.decode(slash < 0 ? v : v.substring(0, slash));
                            mask = slash < 0 ? -1 : Long.decode(v.substring(slash + 1));
                        }
                        case "priority", "preference", "pref" -> prio = Integer.parseInt(v);
                        case "table", "lookup" -> table = v.equals("main") ? 254 : v.equals("local") ? 255
                                : v.equals("default") ? 253 : Integer.parseInt(v);
                        default -> {
                            warn(what + ": " + w[i] + " is not supported - rule not added");
                            ok = false;
                            continue;
                        }
                    }
                    if (v == null) {
                        throw new IllegalArgumentException(w[i] + " has no value");
                    }
                    i++;
                }
                if (!ok) {
                    continue;
                }
                if ((from != null && !from.isV4()) || (to != null && !to.isV4())) {
                    warn(what + ": IPv6 is not supported by the jlvs VRRP runtime - rule not added");
                } else if (table == 0) {
                    warn(what + ": no table - rule not added");
                } else {
                    out.add(new VirtualRule(from, fromLen, to, toLen, iif, oif, mark, mask, prio, table));
                }
            } catch (RuntimeException e) {
                warn(what + " is not understood (" + e.getMessage() + ") - rule not added");
            }
        }
        return out;
    }

    private static boolean hasSetting(VrrpInstanceDef d, String keyword) {
        return d.settings().stream().anyMatch(s -> s.keyword().equals(keyword));
    }

    /** The instance's own {@code strict_mode [on|off]}, else the global {@code vrrp_strict}. */
    private static boolean strict(VrrpInstanceDef d, GlobalDefaults g) {
        Boolean own = null;
        for (Setting s : d.settings()) {
            if (s.keyword().equals("strict_mode")) {
                Boolean b = s.args().isEmpty() ? Boolean.TRUE : trueFalse(s.args().getFirst());
                own = b == null ? own : b;
            }
        }
        return own != null ? own : g.strict();
    }

    private static Boolean trueFalse(String word) {
        return switch (word) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A keyword with an optional on/off word; none means on. */
    private boolean onOff(Setting s, String where, boolean old) {
        Boolean b = s.args().isEmpty() ? Boolean.TRUE : trueFalse(s.args().getFirst());
        if (b == null) {
            warn(where + ": " + s.text() + " is not on/off - ignored");
            return old;
        }
        return b;
    }

    private List<IpAddress> peers(VrrpInstanceDef d, String p, boolean v6) {
        List<IpAddress> out = new ArrayList<>();
        for (String line : d.unicastPeers()) {
            String[] w = line.trim().split("\\s+");
            if (w.length > 1) {
                warn(p + "unicast_peer " + w[0] + ": options " + line.substring(w[0].length()).trim()
                        + " are not supported - ignored");
            }
            IpAddress a = address(w[0], p + "unicast_peer", v6);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private List<TrackInterface> trackInterfaces(VrrpInstanceDef d, String p) {
        List<TrackInterface> out = new ArrayList<>();
        for (String line : d.trackInterfaces()) {
            String[] w = line.trim().split("\\s+");
            WeightSpec ws = weight(w, p + "track_interface " + w[0], 0);
            if (ws != null) {
                out.add(new TrackInterface(w[0], ws.weight()));
            }
        }
        return out;
    }

    private List<TrackScript> trackScripts(VrrpInstanceDef d, String p, Map<String, VrrpScriptDef> scripts) {
        List<TrackScript> out = new ArrayList<>();
        for (String line : d.trackScripts()) {
            String[] w = line.trim().split("\\s+");
            VrrpScriptDef s = scripts.get(w[0]);
            if (s == null) {
                warn(p + "track_script " + w[0] + ": no vrrp_script " + w[0] + " - not tracked");
                continue;
            }
            WeightSpec ws = weight(w, p + "track_script " + w[0], s.weight());
            if (ws == null) {
                continue;
            }
            if (ws.reverse() || (w.length == 1 && s.weightReverse())) {
                warn(p + "track_script " + w[0] + ": weight reverse is not supported - weight applied as written");
            }
            if (s.user() != null) {
                warn("vrrp_script " + s.name() + ": user " + s.user()
                        + " is not supported - the script runs as the daemon's user");
            }
            List<String> argv = argv(s.script(), "vrrp_script " + s.name());
            if (argv.isEmpty()) {
                continue;
            }
            long interval = Math.max(1, s.interval().toMillis());
            long timeout = s.timeout() == null ? interval : Math.max(1, s.timeout().toMillis());
            out.add(new TrackScript(s.name(), argv, interval, timeout, ws.weight(), s.rise(), s.fall(),
                    s.initFail()));
        }
        return out;
    }

    private List<TrackFile> trackFiles(VrrpInstanceDef d, String p, Map<String, TrackFileDef> files) {
        List<TrackFile> out = new ArrayList<>();
        for (String line : d.trackFiles()) {
            String[] w = line.trim().split("\\s+");
            TrackFileDef f = files.get(w[0]);
            if (f == null) {
                warn(p + "track_file " + w[0] + ": no track_file block " + w[0] + " - not tracked");
                continue;
            }
            WeightSpec ws = weight(w, p + "track_file " + w[0], f.weight());
            if (ws == null) {
                continue;
            }
            if (ws.reverse() || (w.length == 1 && f.weightReverse())) {
                warn(p + "track_file " + w[0] + ": weight reverse is not supported - weight applied as written");
            }
            if (f.initFile() != null) {
                warn("track_file " + f.name() + ": init_file is not supported - the file is not created");
            }
            out.add(new TrackFile(f.name(), Path.of(f.file()), ws.weight(), TRACK_FILE_INTERVAL_MILLIS));
        }
        return out;
    }

    private record WeightSpec(int weight, boolean reverse) {
    }

    /** {@code NAME [weight N [reverse]]}; null (with a warning) when the weight is not a number. */
    private WeightSpec weight(String[] w, String what, int dflt) {
        if (w.length == 1) {
            return new WeightSpec(dflt, false);
        }
        if (!w[1].equals("weight") || w.length < 3) {
            warn(what + ": " + String.join(" ", List.of(w).subList(1, w.length)) + " is not understood - ignored");
            return new WeightSpec(dflt, false);
        }
        try {
            int weight = Integer.parseInt(w[2]);
            return new WeightSpec(weight, w.length > 3 && w[3].equals("reverse"));
        } catch (NumberFormatException e) {
            warn(what + ": weight " + w[2] + " is not a number - not tracked");
            return null;
        }
    }

    private NotifySettings notify(VrrpInstanceDef d, GlobalDefaults g, String p) {
        return new NotifySettings(argv(d.notifyMaster(), p + "notify_master"),
                argv(d.notifyBackup(), p + "notify_backup"), argv(d.notifyFault(), p + "notify_fault"),
                argv(d.notifyStop(), p + "notify_stop"), argv(d.notifyAny(), p + "notify"), g.fifo(),
                NOTIFY_TIMEOUT_MILLIS);
    }

    // ---- vrrp_sync_group ------------------------------------------------------------------------------------

    private List<SyncGroupSettings> syncGroups(List<SyncGroupDef> defs, Set<String> instances) {
        List<SyncGroupSettings> out = new ArrayList<>();
        Set<String> grouped = new HashSet<>();
        for (SyncGroupDef g : defs) {
            String p = "vrrp_sync_group " + g.name() + ": ";
            List<String> members = new ArrayList<>();
            for (String m : g.group()) {
                if (!instances.contains(m)) {
                    warn(p + "member " + m + " is not a running vrrp_instance - left out");
                } else if (!grouped.add(m)) {
                    warn(p + "member " + m + " is already in another sync group - left out");
                } else {
                    members.add(m);
                }
            }
            for (String[] kw : new String[][] {{"notify_master", g.notifyMaster()}, {"notify_backup", g.notifyBackup()},
                    {"notify_fault", g.notifyFault()}, {"notify_stop", g.notifyStop()}, {"notify", g.notifyAny()}}) {
                if (kw[1] != null) {
                    warn(p + kw[0] + " is not supported (only the FIFO hears group events) - not run");
                }
            }
            if (!g.trackInterfaces().isEmpty() || !g.trackScripts().isEmpty() || !g.trackFiles().isEmpty()) {
                warn(p + "group-level track_interface/track_script/track_file are not supported - not tracked");
            }
            if (g.globalTracking()) {
                warn(p + "global_tracking is not supported - ignored");
            }
            if (g.smtpAlert()) {
                warn(p + "smtp_alert is not supported - ignored");
            }
            if (members.isEmpty()) {
                warn(p + "no running members - group not run");
            } else {
                out.add(new SyncGroupSettings(g.name(), members));
            }
        }
        return out;
    }

    // ---- values ---------------------------------------------------------------------------------------------

    /** An address of the instance's family (IPv6 when its first virtual address is). */
    private IpAddress address(String text, String what, boolean v6) {
        try {
            IpAddress a = IpAddress.parse(text);
            if (a.isV4() != v6) {
                return a;
            }
            warn(what + " " + text + " is " + (v6 ? "IPv4" : "IPv6") + " but the instance is "
                    + (v6 ? "IPv6" : "IPv4") + " - ignored");
        } catch (RuntimeException e) {
            warn(what + " " + text + " is not an address - ignored");
        }
        return null;
    }

    /** keepalived's timers: seconds, possibly with a fraction. */
    private long millis(Setting s, String where, long old) {
        try {
            BigDecimal seconds = new BigDecimal(s.args().getFirst());
            if (seconds.signum() < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos(seconds.movePointRight(9).longValueExact()).toMillis();
        } catch (RuntimeException e) {
            warn(where + ": " + s.text() + " is not a time in seconds - ignored");
            return old;
        }
    }

    private int count(Setting s, String where, int old) {
        try {
            int v = Integer.parseInt(s.args().getFirst());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException e) {
            warn(where + ": " + s.text() + " is not a count - ignored");
            return old;
        }
    }

    /**
     * A script line as argv, split as keepalived splits every script (quotes group, backslash escapes; never
     * through a shell: {@link ScriptCommandLine}), the same split the health checkers' scripts get. Null or blank
     * gives an empty list; so does an unclosed quote (the script could not be run).
     */
    static List<String> argv(String command) {
        return ScriptCommandLine.splitOrEmpty(command);
    }

    /** {@link #argv(String)}, with a warning naming {@code what} when the line cannot be split. */
    private List<String> argv(String command, String what) {
        List<String> words = argv(command);
        if (words.isEmpty() && command != null && !command.isBlank()) {
            warn(what + ": " + command + " has an unclosed quote - not run");
        }
        return words;
    }

    private static String where(Setting s) {
        return s.file() == null ? "line " + s.line() : s.file() + ":" + s.line();
    }

    private void warn(String line) {
        if (!warnings.contains(line)) {
            warnings.add(line);
        }
    }
}
