package io.jlvs.cli.vrrp;

import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import java.util.List;

/**
 * keepalived.conf's VRRP part as the runtime takes it: the instances it can run, their sync groups, and one line
 * per keyword (or instance) it cannot honour.
 */
public record VrrpMapping(List<VrrpInstanceSettings> instances, List<SyncGroupSettings> syncGroups,
                          List<String> warnings) {

    public VrrpMapping {
        instances = List.copyOf(instances);
        syncGroups = List.copyOf(syncGroups);
        warnings = List.copyOf(warnings);
    }
}
