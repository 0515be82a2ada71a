package io.jlvs.config;

import io.jlvs.config.model.SyncGroupDef;
import io.jlvs.config.model.TrackFileDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.config.model.VrrpScriptDef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Cross-block VRRP checks: names referenced exist, router ids are not reused, sync groups are sound. */
final class VrrpValidator {
    private final ProblemLog log;

    VrrpValidator(ProblemLog log) {
        this.log = log;
    }

    void validate(List<VrrpInstanceDef> instances, List<SyncGroupDef> groups, List<VrrpScriptDef> scripts,
            List<TrackFileDef> files) {
        log.global();
        Set<String> scriptNames = new HashSet<>();
        scripts.forEach(s -> scriptNames.add(s.name()));
        Set<String> fileNames = new HashSet<>();
        files.forEach(f -> fileNames.add(f.name()));
        Set<String> instanceNames = new HashSet<>();
        Map<String, String> vrids = new HashMap<>();
        for (VrrpInstanceDef i : instances) {
            if (!instanceNames.add(i.name())) {
                error("vrrp instance " + i.name() + " already defined");
            }
            for (String t : i.trackScripts()) {
                String name = t.split(" ")[0];
                if (!scriptNames.contains(name)) {
                    error("(" + i.name() + ") track script " + name + " not found, ignoring...");
                }
            }
            for (String t : i.trackFiles()) {
                String name = t.split(" ")[0];
                if (!fileNames.contains(name)) {
                    error("(" + i.name() + ") track file " + name + " not found, ignoring...");
                }
            }
            if (i.iface() != null && i.virtualRouterId() != 0) {
                String key = i.iface() + "/" + i.virtualRouterId() + "/" + (i.virtualIpaddresses().stream()
                        .anyMatch(a -> a.contains(":")) ? 6 : 4);
                String other = vrids.putIfAbsent(key, i.name());
                if (other != null) {
                    error("VRID " + i.virtualRouterId() + " is used by " + other + " and " + i.name()
                            + " on the same interface");
                }
            }
        }
        Set<String> grouped = new HashSet<>();
        for (SyncGroupDef g : groups) {
            for (String member : g.group()) {
                if (!instanceNames.contains(member)) {
                    error("Virtual router " + member + " specified in sync group " + g.name() + " doesn't exist - ignoring");
                } else if (!grouped.add(member)) {
                    error("VRRP instance " + member + " cannot be in more than one sync group");
                }
            }
            if (g.group().isEmpty()) {
                error("Sync group " + g.name() + " has no virtual router(s) - removing");
            }
        }
    }

    private void error(String message) {
        log.report(ProblemKind.GENERAL_ERROR, message);
    }
}
