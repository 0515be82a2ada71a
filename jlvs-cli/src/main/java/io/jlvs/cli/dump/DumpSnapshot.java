package io.jlvs.cli.dump;

import io.jlvs.admin.VrrpInstanceView;
import io.jlvs.cli.daemon.Director;
import io.jlvs.cli.vrrp.VrrpSettingsMapper;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.engine.keepalived.CheckedRealServer;
import io.jlvs.engine.keepalived.KeepalivedRuntime;
import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a dump shows: the running VRRP instances, the IPVS table, keepalived.conf's real servers with their
 * checkers' verdict (including those a checker took out of the table) and the tracked vrrp_scripts, at one moment.
 */
public record DumpSnapshot(Instant takenAt, List<VrrpDumpInstance> vrrp, IpvsTableView table,
                           List<CheckedRealServer> checked, List<VrrpScriptStatus> scripts) {
    public DumpSnapshot {
        vrrp = List.copyOf(vrrp);
        checked = List.copyOf(checked);
        scripts = List.copyOf(scripts);
    }

    /** Without tracked scripts. */
    public DumpSnapshot(Instant takenAt, List<VrrpDumpInstance> vrrp, IpvsTableView table,
                        List<CheckedRealServer> checked) {
        this(takenAt, vrrp, table, checked, List.of());
    }

    /** Without keepalived.conf real servers and tracked scripts. */
    public DumpSnapshot(Instant takenAt, List<VrrpDumpInstance> vrrp, IpvsTableView table) {
        this(takenAt, vrrp, table, List.of(), List.of());
    }

    /** The director's state now. */
    public static DumpSnapshot of(Director director, Instant now) {
        Map<String, String> passwords = new HashMap<>();
        KeepalivedRuntime runtime = director.keepalived();
        if (runtime != null) {
            for (VrrpInstanceSettings s : VrrpSettingsMapper.map(runtime.config()).instances()) {
                if (s.authPass() != null) {
                    passwords.put(s.name(), s.authPass());
                }
            }
        }
        List<VrrpDumpInstance> instances = director.vrrpInstances().stream()
                .map((VrrpInstanceView v) -> new VrrpDumpInstance(v, passwords.get(v.status().name())))
                .toList();
        return new DumpSnapshot(now, instances, director.table(),
                runtime == null ? List.of() : runtime.checkedRealServers(), director.vrrpScripts());
    }
}
