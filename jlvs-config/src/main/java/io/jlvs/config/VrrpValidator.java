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
    private final Where where;

    VrrpValidator(ProblemLog log) {
        this(log, new Where());
    }

    /** @param where the blocks the instances and sync groups were built from: problems are reported there */
    VrrpValidator(ProblemLog log, Where where) {
        this.log = log;
        this.where = where;
    }

    void validate(List<VrrpInstanceDef> instances, List<SyncGroupDef> groups, List<VrrpScriptDef> scripts,
            List<TrackFileDef> files) {
        log.global();
        // tracked scripts and files were looked up as the file was read (VrrpBuilder), as keepalived does
        Map<String, Integer> weights = new HashMap<>();
        scripts.forEach(s -> weights.put(s.name(), s.weight()));
        Set<String> instanceNames = new HashSet<>();
        Map<String, String> vrids = new HashMap<>();
        for (VrrpInstanceDef i : instances) {
            where.at(log, i);
            if (!instanceNames.add(i.name())) {
                error("vrrp instance " + i.name() + " already defined");
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
            where.at(log, g);
            for (String member : g.group()) {
                if (!instanceNames.contains(member)) {
                    error("Virtual router " + member + " specified in sync group " + g.name() + " doesn't exist - ignoring");
                } else if (!grouped.add(member)) {
                    error("VRRP instance " + member + " cannot be in more than one sync group");
                }
            }
            long found = g.group().stream().filter(instanceNames::contains).distinct().count();
            if (found == 0) {
                error("Sync group " + g.name() + " has no virtual router(s) - removing");
            } else if (found == 1) {
                error("Sync group " + g.name() + " has only 1 virtual router(s) - this probably isn't what you want");
            }
            for (VrrpInstanceDef i : instances) {
                if (!g.group().contains(i.name())) {
                    continue;
                }
                where.at(log, i);
                for (String t : i.trackScripts()) {
                    String[] w = t.split(" ");
                    boolean overridden = w.length >= 3 && w[1].equals("weight") && w[2].equals("0");
                    if (!overridden && weights.getOrDefault(w[0], 0) != 0) {
                        error("(" + i.name() + ") ignoring tracked script " + w[0] + " with weights due to SYNC group");
                    }
                }
            }
        }
    }

    private void error(String message) {
        log.report(ProblemKind.GENERAL_ERROR, message);
    }
}
