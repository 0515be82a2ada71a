package io.jlvs.config;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.LvsSyncDaemonDef;
import io.jlvs.config.model.Setting;
import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.config.model.VirtualServerGroupDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses keepalived.conf into a {@link KeepalivedConfig}. Never throws on bad input: every problem is
 * reported in the result and parsing carries on, as keepalived does.
 */
public final class KeepalivedParser {
    private final String configId;
    private final HostInterfaces interfaces;
    private final long seed;

    /**
     * @param configId   the id {@code @id} lines are matched against (keepalived's -i; default the host name)
     * @param interfaces the host's interfaces, for vrrp_instance's interface checks
     * @param seed       seed for {@code $_RANDOM}
     */
    public KeepalivedParser(String configId, HostInterfaces interfaces, long seed) {
        this.configId = configId;
        this.interfaces = interfaces;
        this.seed = seed;
    }

    /** The default: config id = host name, this host's interfaces. */
    public static KeepalivedParser forHost() {
        return new KeepalivedParser(HostName.get(), HostInterfaces.system(), System.nanoTime());
    }

    public ParseResult parse(Path file) {
        ProblemLog log = new ProblemLog();
        ConfigLexer lexer = new ConfigLexer(log, configId, seed);
        if (!lexer.open(file)) {
            return new ParseResult(KeepalivedConfig.empty(), log.problems(), List.of());
        }
        return run(lexer, log);
    }

    /** Parses text; includes are resolved against {@code dir}. */
    public ParseResult parse(String name, String text, Path dir) {
        ProblemLog log = new ProblemLog();
        ConfigLexer lexer = new ConfigLexer(log, configId, seed);
        lexer.openText(name, dir, text);
        return run(lexer, log);
    }

    private ParseResult run(ConfigLexer lexer, ProblemLog log) {
        KeepalivedConfig config;
        try {
            List<Node> roots = new StreamParser(lexer, log).parseAll(RootKeywords.table());
            config = build(roots, log);
        } catch (StackOverflowError | RuntimeException e) {
            log.global();
            log.report(ProblemKind.FATAL, "internal error while parsing: " + e);
            config = KeepalivedConfig.empty();
        }
        return new ParseResult(config, log.problems(), lexer.filesRead());
    }

    private KeepalivedConfig build(List<Node> roots, ProblemLog log) {
        BfdBuilder bfd = new BfdBuilder(log);
        for (Node n : roots) {
            if (n.name().equals("bfd_instance")) {
                bfd.add(n);
            }
        }
        // a FILE_CHECK's track_file and a BFD_CHECK's bfd_instance must be defined above the checker, as in
        // keepalived, which looks them up when it reads the checker: both sets grow as the file is read
        Set<String> trackFileNames = new HashSet<>();
        GlobalBuilder global = new GlobalBuilder(log);
        CheckerBuilder checkers = new CheckerBuilder(log, trackFileNames);
        RealServerBuilder rsb = new RealServerBuilder(log, checkers);
        VirtualServerBuilder vsb = new VirtualServerBuilder(log, rsb);
        GroupBuilder groups = new GroupBuilder(log);
        for (Node n : roots) {
            if (n.name().equals("global_defs")) {
                global.add(n);
            }
        }
        VrrpBuilder vrrp = new VrrpBuilder(log, interfaces, global.dynamicInterfaces());
        Map<String, VirtualServerGroupDef> vsgs = new LinkedHashMap<>();
        List<VirtualServerDef> vss = new ArrayList<>();
        List<VrrpInstanceDef> instances = new ArrayList<>();
        List<SyncGroupDef> syncGroups = new ArrayList<>();
        List<VrrpScriptDef> scripts = new ArrayList<>();
        List<TrackFileDef> trackFiles = new ArrayList<>();
        List<String> staticAddresses = new ArrayList<>();
        List<String> staticRoutes = new ArrayList<>();
        List<Setting> noEffect = new ArrayList<>();
        Where where = new Where();
        for (Node n : roots) {
            collectNoEffect(n, "", noEffect);
            switch (n.name()) {
                case "virtual_server_group" -> {
                    VirtualServerGroupDef g = groups.build(n);
                    if (g != null) {
                        vsgs.put(g.name(), g);
                    }
                }
                case "virtual_server" -> add(vss, where.put(vsb.build(n), n));
                case "vrrp_instance" -> add(instances, where.put(
                        vrrp.instance(n, global.vrrpVersion(), global.vrrpStrict()), n));
                case "vrrp_sync_group" -> add(syncGroups, where.put(vrrp.syncGroup(n), n));
                case "vrrp_script" -> add(scripts, vrrp.script(n));
                case "track_file", "vrrp_track_file" -> {
                    TrackFileDef t = vrrp.trackFile(n);
                    if (t != null) {
                        trackFiles.add(t);
                        trackFileNames.add(t.name());
                    }
                }
                case "bfd_instance" -> checkers.bfdInstanceRead(n.arg(0), bfd.instances());
                case "vrrp_track_process" -> vrrp.trackProcess(n);
                case "static_ipaddress" -> staticAddresses.addAll(vrrp.staticAddresses(n));
                case "static_routes" -> staticRoutes.addAll(vrrp.routes(n));
                case "static_rules" -> vrrp.rules(n);
                default -> {
                }
            }
        }
        if (vrrp.nonExistentInterface) {
            // keepalived's VRRP process stops here, and keepalived with it; jlvs run does not start either (FATAL)
            log.global();
            log.report(ProblemKind.BAD_IF, "Non-existent interface specified in configuration");
        }
        List<VirtualServerDef> valid = new CheckValidator(log, where).validate(vss, vsgs);
        new VrrpValidator(log, where).validate(instances, syncGroups, scripts, trackFiles);
        Set<String> disabled = vrrp.disableMissingScripts(scripts, !instances.isEmpty());
        if (!disabled.isEmpty()) {
            scripts.removeIf(s -> disabled.contains(s.name()));
            instances.replaceAll(i -> i.withTrackScripts(untracked(i.trackScripts(), disabled)));
            syncGroups.replaceAll(g -> g.withTrackScripts(untracked(g.trackScripts(), disabled)));
        }
        for (String line : checkers.disabledScripts) {
            log.global();
            log.report(ProblemKind.NOTICE, line);
        }
        log.global();
        LvsSyncDaemonDef syncDaemon = global.lvsSyncDaemon();
        if (syncDaemon != null && syncDaemon.vrrpInstance() != null
                && instances.stream().noneMatch(i -> i.name().equals(syncDaemon.vrrpInstance()))) {
            // keepalived -t accepts this; its VRRP process logs it at start and runs no sync daemon
            log.report(ProblemKind.NOTICE, "Unable to find vrrp instance " + syncDaemon.vrrpInstance()
                    + " for lvs_syncd - clearing lvs_syncd config");
        }
        boolean checkScripts = vsb.usesScripts || rsb.usesScripts || checkers.usesScripts;
        if (!global.scriptSecurity() && checkScripts) {
            log.report(ProblemKind.SECURITY_ERROR,
                    "SECURITY VIOLATION - check scripts are being executed but script_security not enabled.");
        }
        if (!global.scriptSecurity() && vrrp.usesScripts) {
            log.report(ProblemKind.SECURITY_ERROR,
                    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        }
        return new KeepalivedConfig(global.build(), List.copyOf(vsgs.values()), valid, instances, syncGroups, scripts,
                trackFiles, staticAddresses, staticRoutes, noEffect, bfd.instances());
    }

    /** track_script lines ("NAME [weight N [reverse]]") without those naming a disabled script. */
    private static List<String> untracked(List<String> lines, Set<String> disabled) {
        return lines.stream().filter(l -> !disabled.contains(l.split(" ")[0])).toList();
    }

    private static <T> void add(List<T> list, T item) {
        if (item != null) {
            list.add(item);
        }
    }

    private static void collectNoEffect(Node n, String path, List<Setting> out) {
        String here = path.isEmpty() ? n.name() : path + " > " + n.name();
        if (!n.keyword().effect()) {
            out.add(new Setting(path.isEmpty() ? "(top level)" : path, n.name(), n.args(), n.file(), n.line()));
            return;
        }
        for (Node c : n.children()) {
            collectNoEffect(c, here, out);
        }
    }
}
