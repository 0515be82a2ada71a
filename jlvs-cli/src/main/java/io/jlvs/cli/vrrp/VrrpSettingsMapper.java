package io.jlvs.cli.vrrp;

import io.jlvs.config.model.GlobalDefs;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.Setting;
import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.TrackFile;
import io.jlvs.vrrp.settings.TrackInterface;
import io.jlvs.vrrp.settings.TrackScript;
import io.jlvs.vrrp.settings.VirtualIpAddress;
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
            "mcast_src_ip", "track_interface", "track_script", "track_file", "nopreempt", "preempt",
            "preempt_delay", "authentication", "garp_master_delay", "garp_master_repeat", "garp_master_refresh",
            "garp_master_refresh_repeat", "dont_track_primary", "notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify");
    private static final Set<String> GLOBAL_VRRP_KEYWORDS = Set.of("vrrp_version", "vrrp_garp_master_delay",
            "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
            "notify_fifo", "vrrp_notify_fifo");

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
        return new VrrpMapping(List.copyOf(instances.values()), groups, warnings);
    }

    // ---- global_defs ----------------------------------------------------------------------------------------

    private record GlobalDefaults(long garpDelayMillis, int garpRepeat, long garpRefreshMillis, int garpRefreshRepeat,
                                  Path fifo) {
    }

    private GlobalDefaults globals(GlobalDefs g) {
        long delay = GARP_MASTER_DELAY_MILLIS;
        int repeat = GARP_MASTER_REPEAT;
        long refresh = 0;
        int refreshRepeat = GARP_MASTER_REFRESH_REPEAT;
        Path fifo = null;
        Path vrrpFifo = null;
        for (Setting s : g.settings()) {
            String k = s.keyword();
            switch (k) {
                case "vrrp_garp_master_delay" -> delay = millis(s, "global_defs", delay);
                case "vrrp_garp_master_repeat" -> repeat = count(s, "global_defs", repeat);
                case "vrrp_garp_master_refresh" -> refresh = millis(s, "global_defs", refresh);
                case "vrrp_garp_master_refresh_repeat" -> refreshRepeat = count(s, "global_defs", refreshRepeat);
                case "notify_fifo" -> fifo = fifo(s, fifo);
                case "vrrp_notify_fifo" -> vrrpFifo = fifo(s, vrrpFifo);
                default -> {
                    if ((k.startsWith("vrrp_") || k.equals("notify_fifo_script") || k.equals("default_interface"))
                            && !GLOBAL_VRRP_KEYWORDS.contains(k)) {
                        warn("global_defs: " + s.text() + " is not supported by the jlvs VRRP runtime - ignored");
                    }
                }
            }
        }
        return new GlobalDefaults(delay, repeat, refresh, refreshRepeat, vrrpFifo != null ? vrrpFifo : fifo);
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
        long garpDelay = g.garpDelayMillis();
        int garpRepeat = g.garpRepeat();
        long garpRefresh = g.garpRefreshMillis();
        int garpRefreshRepeat = g.garpRefreshRepeat();
        boolean dontTrackPrimary = false;
        for (Setting s : d.settings()) {
            switch (s.keyword()) {
                case "garp_master_delay" -> garpDelay = millis(s, d.name(), garpDelay);
                case "garp_master_repeat" -> garpRepeat = count(s, d.name(), garpRepeat);
                case "garp_master_refresh" -> garpRefresh = millis(s, d.name(), garpRefresh);
                case "garp_master_refresh_repeat" -> garpRefreshRepeat = count(s, d.name(), garpRefreshRepeat);
                case "dont_track_primary" -> dontTrackPrimary = true;
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
        if (!d.virtualRoutes().isEmpty()) {
            warn(p + "virtual_routes is not supported - " + d.virtualRoutes().size() + " route(s) not added");
        }
        String authPass = null;
        if ("AH".equals(d.authType())) {
            warn(p + "auth_type AH is not supported - running without authentication");
        } else if ("PASS".equals(d.authType()) && version == VrrpVersion.V2 && d.authPass() != null) {
            authPass = d.authPass();
        } else if (d.authType() != null) {
            warn(p + "authentication ignored (" + (version == VrrpVersion.V3 ? "VRRPv3 has none"
                    : "no auth_pass") + ")");
        }
        VrrpState state = d.state() == null ? null : VrrpState.valueOf(d.state());
        boolean nopreempt = d.nopreempt() && d.priority() != 255;
        IpAddress source = null;
        if (d.unicastSrcIp() != null) {
            source = ipv4(d.unicastSrcIp(), p + "unicast_src_ip");
        } else if (d.mcastSrcIp() != null) {
            source = ipv4(d.mcastSrcIp(), p + "mcast_src_ip");
        }
        try {
            return new VrrpInstanceSettings(d.name(), d.iface(), d.virtualRouterId(), d.priority(),
                    advertCentis(d, version), version, state, nopreempt,
                    d.preemptDelay() == null ? 0 : d.preemptDelay().toMillis(), authPass, vips(d, p), source,
                    peers(d, p), garpDelay, garpRepeat, garpRefresh, garpRefreshRepeat, dontTrackPrimary,
                    trackInterfaces(d, p), trackScripts(d, p, scripts), trackFiles(d, p, files), notify(d, g, p));
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
            if (scope != null && !scope.equals("global")) {
                warn(p + "virtual_ipaddress " + w[0] + ": scope " + scope
                        + " is not applied - the address is added with scope global");
            }
            for (VirtualIpAddress v : expand(w[0], p)) {
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
        if (!first.isV4()) {
            warn(p + "virtual_ipaddress " + word + ": IPv6 is not supported by the jlvs VRRP runtime - ignored");
            return List.of();
        }
        int prefix;
        try {
            prefix = suffix.isEmpty() ? 32 : Integer.parseInt(suffix.substring(1));
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

    private List<IpAddress> peers(VrrpInstanceDef d, String p) {
        List<IpAddress> out = new ArrayList<>();
        for (String line : d.unicastPeers()) {
            String[] w = line.trim().split("\\s+");
            if (w.length > 1) {
                warn(p + "unicast_peer " + w[0] + ": options " + line.substring(w[0].length()).trim()
                        + " are not supported - ignored");
            }
            IpAddress a = ipv4(w[0], p + "unicast_peer");
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
            List<String> argv = argv(s.script());
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
        return new NotifySettings(argv(d.notifyMaster()), argv(d.notifyBackup()), argv(d.notifyFault()),
                argv(d.notifyStop()), argv(d.notifyAny()), g.fifo(), NOTIFY_TIMEOUT_MILLIS);
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

    private IpAddress ipv4(String text, String what) {
        try {
            IpAddress a = IpAddress.parse(text);
            if (a.isV4()) {
                return a;
            }
            warn(what + " " + text + ": IPv6 is not supported by the jlvs VRRP runtime - ignored");
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
     * A script line as argv: split on blanks, with single or double quotes keeping blanks inside a word (keepalived
     * splits a script the same way; it is never run through a shell). Null or blank gives an empty list.
     */
    static List<String> argv(String command) {
        List<String> out = new ArrayList<>();
        if (command == null) {
            return out;
        }
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
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
