package io.jlvs.config.model;

import java.util.List;

/**
 * A parsed keepalived.conf: immutable, compared by value (so a reload can diff old against new).
 *
 * @param noEffect every keyword jlvs accepted but does not act on, with where it was written
 * @param bfdInstances the valid bfd_instance blocks
 */
public record KeepalivedConfig(
        GlobalDefs globalDefs,
        List<VirtualServerGroupDef> virtualServerGroups,
        List<VirtualServerDef> virtualServers,
        List<VrrpInstanceDef> vrrpInstances,
        List<SyncGroupDef> syncGroups,
        List<VrrpScriptDef> vrrpScripts,
        List<TrackFileDef> trackFiles,
        List<String> staticIpaddresses,
        List<String> staticRoutes,
        List<Setting> noEffect,
        List<BfdInstanceDef> bfdInstances) {

    public KeepalivedConfig {
        virtualServerGroups = List.copyOf(virtualServerGroups);
        virtualServers = List.copyOf(virtualServers);
        vrrpInstances = List.copyOf(vrrpInstances);
        syncGroups = List.copyOf(syncGroups);
        vrrpScripts = List.copyOf(vrrpScripts);
        trackFiles = List.copyOf(trackFiles);
        staticIpaddresses = List.copyOf(staticIpaddresses);
        staticRoutes = List.copyOf(staticRoutes);
        noEffect = List.copyOf(noEffect);
        bfdInstances = List.copyOf(bfdInstances);
    }

    /** A configuration without bfd_instance blocks. */
    public KeepalivedConfig(GlobalDefs globalDefs, List<VirtualServerGroupDef> virtualServerGroups,
                            List<VirtualServerDef> virtualServers, List<VrrpInstanceDef> vrrpInstances,
                            List<SyncGroupDef> syncGroups, List<VrrpScriptDef> vrrpScripts,
                            List<TrackFileDef> trackFiles, List<String> staticIpaddresses, List<String> staticRoutes,
                            List<Setting> noEffect) {
        this(globalDefs, virtualServerGroups, virtualServers, vrrpInstances, syncGroups, vrrpScripts, trackFiles,
                staticIpaddresses, staticRoutes, noEffect, List.of());
    }

    /** The bfd_instance named {@code name}, or null. */
    public BfdInstanceDef bfdInstance(String name) {
        for (BfdInstanceDef b : bfdInstances) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    public static KeepalivedConfig empty() {
        return new KeepalivedConfig(GlobalDefs.empty(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
