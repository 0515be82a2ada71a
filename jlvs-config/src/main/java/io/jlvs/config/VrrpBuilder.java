package io.jlvs.config;

import io.jlvs.config.model.Setting;
import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** vrrp_instance, vrrp_sync_group, vrrp_script and track_file blocks. */
final class VrrpBuilder extends BlockBuilder {
    private final HostInterfaces interfaces;
    private final boolean dynamicInterfaces;
    private final Set<String> willUseIfCreated = new HashSet<>();
    boolean usesScripts;
    /**
     * An interface named by the configuration is not on this host (keepalived's non_existent_interface_specified):
     * without dynamic_interfaces keepalived's VRRP process does not start.
     */
    boolean nonExistentInterface;

    /**
     * The vrrp_scripts and track_files read so far: keepalived looks a tracked name up when it reads the
     * track_script / track_file line, so one defined further down the file is not found.
     */
    private final Set<String> scriptsRead = new HashSet<>();
    private final Set<String> trackFilesRead = new HashSet<>();

    VrrpBuilder(ProblemLog log, HostInterfaces interfaces) {
        this(log, interfaces, false);
    }

    /** @param dynamicInterfaces global_defs' dynamic_interfaces: a missing interface is used once it is created */
    VrrpBuilder(ProblemLog log, HostInterfaces interfaces, boolean dynamicInterfaces) {
        super(log);
        this.interfaces = interfaces;
        this.dynamicInterfaces = dynamicInterfaces;
    }

    /**
     * Whether a track_interface, or the {@code dev} of an address, route or rule, may be used: it exists, or
     * dynamic_interfaces is set (then it is taken as down until it is created, as keepalived does). A missing
     * one is remembered for {@link #nonExistentInterface}.
     */
    private boolean interfaceUsable(String name) {
        if (interfaces.exists(name)) {
            return true;
        }
        if (dynamicInterfaces) {
            if (willUseIfCreated.add(name)) {
                log.report(ProblemKind.NOTICE, "Configuration specifies interface " + name
                        + " which doesn't currently exist - will use if created");
            }
            return true;
        }
        nonExistentInterface = true;
        return false;
    }

    /** A track_interface block: the lines whose interface exists (the others reported and left out). */
    private List<String> trackInterfaces(Node c, String owner) {
        List<String> out = new ArrayList<>();
        for (Statement line : c.valueLines()) {
            at(c, line);
            String name = line.tokens().getFirst();
            if (!interfaceUsable(name)) {
                error("(" + owner + ") tracked interface " + name + " doesn't exist");
                continue;
            }
            out.add(String.join(" ", line.tokens()));
        }
        return out;
    }

    /**
     * The interface after {@code keywords} on a line (an address's {@code dev}, a route's {@code dev}/{@code oif},
     * a rule's {@code iif}/{@code oif}) that does not exist, or null.
     */
    private String missingInterface(List<String> words, Set<String> keywords) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (keywords.contains(words.get(i)) && !interfaceUsable(words.get(i + 1))) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    private static final Set<String> ADDRESS_DEV = Set.of("dev");
    private static final Set<String> ROUTE_DEV = Set.of("dev", "oif");
    private static final Set<String> RULE_DEV = Set.of("dev", "iif", "oif");

    /** virtual_routes / static_routes: the lines whose interfaces exist (a route on a missing one is dropped). */
    List<String> routes(Node c) {
        return onExistingInterfaces(c, ROUTE_DEV, tokens -> "for VROUTE nexthop");
    }

    /** virtual_rules / static_rules: the lines whose interfaces exist (a rule on a missing one is dropped). */
    List<String> rules(Node c) {
        return onExistingInterfaces(c, RULE_DEV, tokens -> "for rule");
    }

    /** static_ipaddress: the lines whose {@code dev} exists (an address on a missing one is dropped). */
    List<String> staticAddresses(Node c) {
        return onExistingInterfaces(c, ADDRESS_DEV, tokens -> "for ip address " + tokens.getFirst());
    }

    /**
     * The value lines of {@code c} whose interfaces (the words after {@code devKeywords}) exist; a line naming a
     * missing one is reported as keepalived words it ({@code WARNING - interface X <what> doesn't exist}) and
     * dropped.
     */
    private List<String> onExistingInterfaces(Node c, Set<String> devKeywords,
                                              java.util.function.Function<List<String>, String> what) {
        List<String> out = new ArrayList<>();
        for (Statement line : c.valueLines()) {
            at(c, line);
            String missing = missingInterface(line.tokens(), devKeywords);
            if (missing != null) {
                error("WARNING - interface " + missing + " " + what.apply(line.tokens()) + " doesn't exist");
                continue;
            }
            out.add(String.join(" ", line.tokens()));
        }
        return out;
    }

    /** vrrp_track_process has no effect in jlvs; keepalived's check that it names a process is made. */
    void trackProcess(Node n) {
        if (n.children().stream().noneMatch(c -> c.name().equals("process"))) {
            at(n);
            error("track process '" + n.arg(0) + "' process name not specified");
        }
    }

    VrrpScriptDef script(Node n) {
        String name = n.arg(0);
        String script = null;
        Duration interval = Duration.ofSeconds(1);
        Duration timeout = null;
        int weight = 0;
        boolean reverse = false;
        int rise = 1;
        int fall = 1;
        String user = null;
        boolean initFail = false;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "script" -> script = command(c);
                case "interval" -> interval = orElse(timer(c, 1, "(" + name + "): vrrp script interval '" + word(c) + "' must be >= 1 - ignoring"), interval);
                case "timeout" -> timeout = timer(c, 1, "(" + name + "): vrrp script timeout '" + word(c) + "' invalid - ignoring");
                case "weight" -> {
                    Integer w = values.integer(word(c), -253, 253);
                    if (w == null) {
                        error("vrrp script " + name + " weight " + word(c) + " must be in [-253, 253]");
                    } else {
                        weight = w;
                    }
                    reverse = "reverse".equals(c.arg(1));
                }
                case "rise" -> rise = count(c, name, rise);
                case "fall" -> fall = count(c, name, fall);
                case "user" -> user = command(c);
                case "init_fail" -> initFail = true;
                default -> {
                }
            }
        }
        at(n);
        if (script == null) {
            error("No script set for vrrp_script " + name + " - removing");
            return null;
        }
        usesScripts |= ScriptFiles.isScript(script);
        scriptsRead.add(name);
        return new VrrpScriptDef(name, script, interval, timeout, weight, reverse, rise, fall, user, initFail);
    }

    /**
     * keepalived's check before its VRRP process runs anything: a vrrp_script whose program cannot be found is
     * disabled (reported) and nothing tracks it. Returns the names of the disabled scripts.
     */
    Set<String> disableMissingScripts(List<VrrpScriptDef> scripts, boolean haveInstances) {
        Set<String> disabled = new LinkedHashSet<>();
        if (!haveInstances) {
            return disabled; // keepalived checks nothing when there is no vrrp_instance
        }
        log.global();
        for (VrrpScriptDef s : scripts) {
            if (!ScriptFiles.found(s.script())) {
                error("Disabling track script " + s.name() + " since not found/accessible");
                disabled.add(s.name());
            }
        }
        return disabled;
    }

    private int count(Node c, String name, int old) {
        Long v = values.unsigned(word(c), 1, Integer.MAX_VALUE);
        if (v == null) {
            error("(" + name + "): vrrp script " + c.name() + " value '" + word(c) + "' invalid - ignoring");
            return old;
        }
        return (int) (long) v;
    }

    private static <T> T orElse(T v, T dflt) {
        return v == null ? dflt : v;
    }

    TrackFileDef trackFile(Node n) {
        String name = n.arg(0);
        String file = null;
        int weight = 1;
        boolean reverse = false;
        String init = null;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "file" -> file = word(c);
                case "weight" -> {
                    Integer w = values.integer(word(c), -254, 254);
                    if (w == null) {
                        error("Track file " + name + " weight " + word(c) + " must be in [-254, 254]");
                    } else {
                        weight = w;
                    }
                    reverse = "reverse".equals(c.arg(1));
                }
                case "init_file" -> init = c.args().isEmpty() ? "0" : command(c);
                default -> {
                }
            }
        }
        at(n);
        if (file == null) {
            error("No file set for track_file " + name + " - removing");
            return null;
        }
        trackFilesRead.add(name);
        return new TrackFileDef(name, file, weight, reverse, init);
    }

    /**
     * The lines of a track_script / track_file block that name a vrrp_script / track_file read above it;
     * the others are reported at their line and left out, as keepalived leaves them out.
     */
    private List<String> tracked(Node block, Set<String> known, String owner, String what) {
        List<String> out = new ArrayList<>();
        for (Statement v : block.valueLines()) {
            String tracked = v.tokens().getFirst();
            if (known.contains(tracked)) {
                out.add(String.join(" ", v.tokens()));
            } else {
                at(block, v);
                error("(" + owner + ") " + what + " " + tracked + " not found, ignoring...");
            }
        }
        return out;
    }

    SyncGroupDef syncGroup(Node n) {
        String name = n.arg(0);
        List<String> group = new ArrayList<>();
        List<String> ti = new ArrayList<>();
        List<String> ts = new ArrayList<>();
        List<String> tf = new ArrayList<>();
        String[] notify = new String[5];
        boolean global = false;
        boolean smtp = false;
        for (Node c : n.children()) {
            at(c);
            switch (c.name()) {
                case "group" -> c.values().forEach(group::addAll);
                case "track_interface" -> ti.addAll(trackInterfaces(c, name));
                case "track_script" -> ts.addAll(tracked(c, scriptsRead, name, "track script"));
                case "track_file" -> tf.addAll(tracked(c, trackFilesRead, name, "track file"));
                case "notify_master" -> notify[0] = notify(c, notify[0], "vrrp group " + name + ": ");
                case "notify_backup" -> notify[1] = notify(c, notify[1], "vrrp group " + name + ": ");
                case "notify_fault" -> notify[2] = notify(c, notify[2], "vrrp group " + name + ": ");
                case "notify_stop" -> notify[3] = notify(c, notify[3], "vrrp group " + name + ": ");
                case "notify" -> notify[4] = notify(c, notify[4], "vrrp group " + name + ": ");
                case "global_tracking" -> {
                    global = true;
                    error("(" + name + ") global_tracking is deprecated. Use track_interface/script/file on the sync group");
                }
                case "smtp_alert" -> smtp = flag(c, "smtp_alert");
                default -> {
                }
            }
        }
        return new SyncGroupDef(name, group, ti, ts, tf, notify[0], notify[1], notify[2], notify[3], notify[4], global, smtp);
    }

    private String notify(Node c, String old, String prefix) {
        if (old != null) {
            error(prefix + c.name() + " script already specified - ignoring " + word(c));
            return old;
        }
        // keepalived counts only scripts that exist (it does not run a missing one)
        usesScripts |= ScriptFiles.isScript(command(c));
        return command(c);
    }

    VrrpInstanceDef instance(Node n, int globalVersion) {
        return instance(n, globalVersion, false);
    }

    VrrpInstanceDef instance(Node n, int globalVersion, boolean globalStrict) {
        String name = n.arg(0);
        String state = null;
        String iface = null;
        int vrid = 0;
        int priority = 0;
        Duration advert = null;
        int version = globalVersion;
        boolean versionSet = false;
        List<String> vips = new ArrayList<>();
        List<String> evips = new ArrayList<>();
        List<String> routes = new ArrayList<>();
        List<String> rules = new ArrayList<>();
        List<String> peers = new ArrayList<>();
        String usrc = null;
        String msrc = null;
        List<String> ti = new ArrayList<>();
        List<String> ts = new ArrayList<>();
        List<String> tf = new ArrayList<>();
        boolean nopreempt = false;
        Duration preemptDelay = null;
        String authType = null;
        String authPass = null;
        String[] notify = new String[5];
        List<Setting> settings = new ArrayList<>();
        String p = "(" + name + ") ";
        for (Node c : n.children()) {
            at(c);
            settings.add(new Setting("vrrp_instance", c.name(), c.args(), c.file(), c.line()));
            switch (c.name()) {
                case "state" -> {
                    String s = word(c);
                    if (s.equals("MASTER") || s.equals("BACKUP")) {
                        state = s;
                    } else {
                        error(p + "unknown state '" + s + "', defaulting to BACKUP");
                    }
                }
                case "interface" -> {
                    iface = word(c);
                    if (iface.length() >= 16) {
                        error("Interface name '" + iface + "' too long - ignoring");
                        iface = null;
                    } else if (!interfaces.exists(iface)) {
                        // jlvs cannot run an instance on a missing interface, dynamic_interfaces or not
                        nonExistentInterface |= !dynamicInterfaces;
                        error("WARNING - interface " + iface + " for vrrp_instance " + name + " doesn't exist");
                        iface = null;
                    } else if (interfaces.isLoopback(iface)) {
                        error(p + "cannot use a loopback interface (" + iface + ") for vrrp - ignoring");
                        iface = null;
                    }
                }
                case "virtual_router_id" -> {
                    Long v = values.unsigned(word(c), 1, 255);
                    if (v == null) {
                        error(p + "VRID not valid - must be between 1 & 255. reconfigure !");
                    } else {
                        vrid = (int) (long) v;
                    }
                }
                case "priority" -> {
                    Long v = values.unsigned(word(c), 1, 255);
                    if (v == null) {
                        error(p + "Priority not valid! must be between 1 & 255. Using default 100");
                    } else {
                        priority = (int) (long) v;
                    }
                }
                case "advert_int" -> {
                    Duration d = values.timer(word(c), 1, MAX_TIMER);
                    if (d == null || d.isZero()) {
                        error(p + "Advert interval (" + word(c) + ") not valid! Must be > 0 - ignoring");
                    } else {
                        advert = d;
                    }
                }
                case "version" -> {
                    Long v = values.unsigned(word(c), 2, 3);
                    if (v == null) {
                        error(p + "Version not valid! must be between 2 & 3");
                    } else {
                        version = (int) (long) v;
                        versionSet = true;
                    }
                }
                case "virtual_ipaddress" -> vips.addAll(addresses(c, p));
                case "virtual_ipaddress_excluded" -> evips.addAll(addresses(c, p));
                case "virtual_routes" -> routes.addAll(routes(c));
                case "virtual_rules" -> rules.addAll(rules(c));
                case "unicast_peer" -> peers.addAll(lines(c));
                case "unicast_src_ip" -> usrc = ip(c, p);
                case "mcast_src_ip" -> msrc = ip(c, p);
                case "track_interface" -> ti.addAll(trackInterfaces(c, name));
                case "track_script" -> ts.addAll(tracked(c, scriptsRead, name, "track script"));
                case "track_file" -> tf.addAll(tracked(c, trackFilesRead, name, "track file"));
                case "nopreempt" -> nopreempt = true;
                case "preempt" -> nopreempt = false;
                case "preempt_delay" -> preemptDelay = timer(c, 0, p + "Preempt_delay not valid! must be between 0-1000");
                case "authentication" -> {
                    for (Node a : c.children()) {
                        at(a);
                        if (a.name().equals("auth_type")) {
                            if (word(a).equals("PASS") || word(a).equals("AH")) {
                                authType = word(a);
                            } else {
                                error(p + "unknown authentication type '" + word(a) + "'");
                            }
                        } else {
                            authPass = word(a);
                        }
                    }
                }
                case "vmac_garp_intvl" -> {
                    log.report(ProblemKind.DEPRECATED,
                            "Keyword \"vmac_garp_intvl\" is deprecated - please use \"garp_extra_if\"");
                    if (c.args().isEmpty()) {
                        error("(" + name + "): vmac_garp_intvl specified without time - ignoring");
                    }
                }
                case "linkbeat_use_polling" -> error(p + "'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block");
                case "lvs_sync_daemon_interface" -> error(p + "Specifying lvs_sync_daemon_interface against a vrrp is deprecated.");
                case "notify_master" -> notify[0] = notify(c, notify[0], p);
                case "notify_backup" -> notify[1] = notify(c, notify[1], p);
                case "notify_fault" -> notify[2] = notify(c, notify[2], p);
                case "notify_stop" -> notify[3] = notify(c, notify[3], p);
                case "notify" -> notify[4] = notify(c, notify[4], p);
                default -> {
                }
            }
        }
        // the instance's own checks, reported at its vrrp_instance line (keepalived prints them without one)
        at(n);
        int effectivePriority = priority != 0 ? priority : "MASTER".equals(state) ? 255 : 100;
        for (String t : ti) {
            if (iface != null && t.split(" ")[0].equals(iface)) {
                error(p + "Ignoring track_interface " + iface + " since own interface");
            }
        }
        if (vrid == 0) {
            error(p + "the virtual router id must be set");
        }
        if (iface == null && (peers.isEmpty() || usrc == null)) {
            error(p + "Unknown interface!");
        }
        Set<String> used = new HashSet<>();
        settings.forEach(st -> used.add(st.keyword()));
        if (peers.isEmpty() && !used.contains("unicast_fault_no_peer") && (used.contains("unicast_src_ip")
                || used.contains("unicast_peer") || used.contains("check_unicast_src")
                || used.contains("old_unicast_checksum"))) {
            error(p + "A unicast keyword has been specified without any unicast peers. Defaulting to multicast."
                    + " This usage is deprecated - please update your configuration.");
        }
        if (used.contains("vmac_xmit_base") && !used.contains("use_vmac")) {
            error(p + "vmac_xmit_base is only valid with a vmac");
        }
        boolean strict = VrrpStrictCheck.strict(settings, globalStrict);
        IpAddress firstVip = vips.isEmpty() ? null : Values.ip(firstAddress(vips.getFirst()));
        if (firstVip != null && !firstVip.isV4()) {
            if (strict && versionSet && version == 2) {
                error(p + "cannot use IPv6 with VRRP version 2; setting version 3");
            }
            if (!versionSet || strict) {
                version = 3;
            }
        }
        if (vips.isEmpty()) {
            error(p + "No VIP specified; at least one is " + (version == 3 || strict ? "required" : "sensible"));
        }
        if (authType != null && strict) {
            error(p + "Strict mode does not support authentication. Ignoring.");
        } else if (authType != null && version == 3) {
            error(p + "VRRP version 3 does not support authentication. Ignoring.");
        } else if (authType != null && authPass == null) {
            error(p + "Authentication specified but no password given. Ignoring");
        }
        if (effectivePriority == 255 && nopreempt) {
            error(p + "nopreempt is incompatible with priority 255. resetting nopreempt");
        }
        if (strict) {
            VrrpStrictCheck.check(name, settings, state, effectivePriority, version, firstVip,
                    !peers.isEmpty(), this::error);
        }
        if (advert != null && version == 2 && advert.toSeconds() >= 256) {
            error(p + "VRRPv2 advertisement interval " + advert.toSeconds() + "s is out of range. Must be less than 256s. Setting to 255s");
        }
        return new VrrpInstanceDef(name, state, iface, vrid, effectivePriority,
                advert == null ? Duration.ofSeconds(1) : advert, version, vips, evips, routes, rules, peers, usrc, msrc, ti,
                ts, tf, nopreempt, preemptDelay, authType, authPass, notify[0], notify[1], notify[2], notify[3],
                notify[4], settings);
    }

    /** The address of a virtual_ipaddress line: its first word without a prefix length or range. */
    private static String firstAddress(String line) {
        String a = line.split(" ")[0];
        int slash = a.indexOf('/');
        String host = slash < 0 ? a : a.substring(0, slash);
        int dash = host.indexOf('-');
        return dash < 0 ? host : host.substring(0, dash);
    }

    private String ip(Node c, String p) {
        if (Values.ip(word(c)) == null) {
            error(p + c.name() + " " + word(c) + " is not a valid address - ignoring");
            return null;
        }
        return word(c);
    }

    private List<String> addresses(Node c, String p) {
        List<String> out = new ArrayList<>();
        for (Statement line : c.valueLines()) {
            at(c, line);
            List<String> l = line.tokens();
            String a = l.getFirst();
            int slash = a.indexOf('/');
            String host = slash < 0 ? a : a.substring(0, slash);
            int dash = host.indexOf('-');
            IpAddress ip = Values.ip(dash < 0 ? host : host.substring(0, dash));
            boolean ok = ip != null;
            if (ok && slash >= 0) {
                Long bits = values.unsigned(a.substring(slash + 1), 0, ip.family().bits());
                ok = bits != null;
            }
            if (!ok) {
                error(p + "Invalid address " + a + " - ignoring");
                continue;
            }
            String missing = missingInterface(l, ADDRESS_DEV);
            if (missing != null) {
                error("WARNING - interface " + missing + " for ip address " + a + " doesn't exist");
                continue;
            }
            out.add(String.join(" ", l));
        }
        return out;
    }
}
