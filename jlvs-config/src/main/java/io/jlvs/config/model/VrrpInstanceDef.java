package io.jlvs.config.model;

import java.time.Duration;
import java.util.List;

/**
 * vrrp_instance NAME { ... }. Address-like blocks keep each line's words joined by one space.
 *
 * @param state      MASTER, BACKUP, or null when not set
 * @param priority   100 when not set (255 for an address owner is keepalived's own rule)
 * @param advertInt  1 s when not set
 * @param settings   every line of the block, in order
 */
public record VrrpInstanceDef(
        String name,
        String state,
        String iface,
        int virtualRouterId,
        int priority,
        Duration advertInt,
        int version,
        List<String> virtualIpaddresses,
        List<String> virtualIpaddressesExcluded,
        List<String> virtualRoutes,
        List<String> virtualRules,
        List<String> unicastPeers,
        String unicastSrcIp,
        String mcastSrcIp,
        List<String> trackInterfaces,
        List<String> trackScripts,
        List<String> trackFiles,
        boolean nopreempt,
        Duration preemptDelay,
        String authType,
        String authPass,
        String notifyMaster,
        String notifyBackup,
        String notifyFault,
        String notifyStop,
        String notifyAny,
        List<Setting> settings) {

    public VrrpInstanceDef {
        virtualIpaddresses = List.copyOf(virtualIpaddresses);
        virtualIpaddressesExcluded = List.copyOf(virtualIpaddressesExcluded);
        virtualRoutes = List.copyOf(virtualRoutes);
        virtualRules = List.copyOf(virtualRules);
        unicastPeers = List.copyOf(unicastPeers);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
        settings = List.copyOf(settings);
    }

    /** This instance tracking {@code scripts} instead of its own track_script lines. */
    public VrrpInstanceDef withTrackScripts(List<String> scripts) {
        return new VrrpInstanceDef(name, state, iface, virtualRouterId, priority, advertInt, version,
                virtualIpaddresses, virtualIpaddressesExcluded, virtualRoutes, virtualRules, unicastPeers,
                unicastSrcIp, mcastSrcIp, trackInterfaces, scripts, trackFiles, nopreempt, preemptDelay, authType,
                authPass, notifyMaster, notifyBackup, notifyFault, notifyStop, notifyAny, settings);
    }
}
