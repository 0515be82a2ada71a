package io.jlvs.config.model;

import java.util.List;

/** vrrp_sync_group NAME { group { instances } ... }. */
public record SyncGroupDef(String name, List<String> group, List<String> trackInterfaces, List<String> trackScripts,
        List<String> trackFiles, String notifyMaster, String notifyBackup, String notifyFault, String notifyStop,
        String notifyAny, boolean globalTracking, boolean smtpAlert) {
    public SyncGroupDef {
        group = List.copyOf(group);
        trackInterfaces = List.copyOf(trackInterfaces);
        trackScripts = List.copyOf(trackScripts);
        trackFiles = List.copyOf(trackFiles);
    }

    /** This group tracking {@code scripts} instead of its own track_script lines. */
    public SyncGroupDef withTrackScripts(List<String> scripts) {
        return new SyncGroupDef(name, group, trackInterfaces, scripts, trackFiles, notifyMaster, notifyBackup,
                notifyFault, notifyStop, notifyAny, globalTracking, smtpAlert);
    }
}
