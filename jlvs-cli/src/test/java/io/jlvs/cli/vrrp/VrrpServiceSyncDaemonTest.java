package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.vrrp.runtime.ScriptRunner;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two directors' VrrpServices on one in-memory segment with lvs_sync_daemon: real elections drive each engine's
 * sync daemons (what jlvsadm -L --daemon lists), through failover, reload and stop.
 */
class VrrpServiceSyncDaemonTest {
    final InMemoryVrrpLan lan = new InMemoryVrrpLan();
    final AtomicInteger ports = new AtomicInteger();
    final LanHost hostA = new LanHost(lan, ports, "10.0.0.1");
    final LanHost hostB = new LanHost(lan, ports, "10.0.0.2");
    final IpvsEngine engineA = new IpvsEngine();
    final IpvsEngine engineB = new IpvsEngine();
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<VrrpService> services = new ArrayList<>();

    @AfterEach
    void stopAll() {
        services.forEach(VrrpService::close);
    }

    static KeepalivedConfig conf(String syncLine, int priority) {
        return VrrpSettingsMapperTest.parse("global_defs {\n vrrp_version 3\n " + syncLine + "\n}\n"
                + VrrpServiceTest.instance("VI_1", 51, priority, "10.0.0.100"));
    }

    VrrpService start(KeepalivedConfig config, LanHost host, IpvsEngine engine) {
        VrrpService s = VrrpService.start(config, events::add, () -> host, System::nanoTime, new ScriptRunner(),
                engine);
        services.add(s);
        return s;
    }

    static List<String> daemons(IpvsEngine e) {
        return e.syncDaemons().stream().map(SyncDaemonView::state).toList();
    }

    @Test
    void theMasterRunsTheMasterDaemonTheBackupTheBackupOneAndTheyTradeOnFailover() {
        VrrpService b = start(conf("lvs_sync_daemon eth0 VI_1", 100), hostB, engineB);
        assertThat(daemons(engineB)).as("started at INIT").containsExactly("backup");
        VrrpService a = start(conf("lvs_sync_daemon eth0 VI_1", 150), hostA, engineA);
        Awaitility.await().atMost(VrrpServiceTest.BOUND).until(() ->
                VrrpServiceTest.state(a, "VI_1") == VrrpState.MASTER
                && VrrpServiceTest.backupOf(b, "VI_1", hostA)
                && daemons(engineA).equals(List.of("master")));
        assertThat(engineA.syncDaemons()).containsExactly(new SyncDaemonView("master", "eth0", 51, 0, null, 0, 0));
        assertThat(daemons(engineB)).containsExactly("backup");

        a.close();
        assertThat(daemons(engineA)).as("stopped with VRRP").isEmpty();
        Awaitility.await().atMost(VrrpServiceTest.BOUND).until(() -> daemons(engineB).equals(List.of("master")));
        assertThat(b.lvsSyncDaemons()).extracting(SyncDaemonView::syncId).containsExactly(51);

        b.reload(conf("lvs_sync_daemon eth0 VI_1 id 3", 100));
        assertThat(engineB.syncDaemons()).as("new syncid, still MASTER")
                .containsExactly(new SyncDaemonView("master", "eth0", 3, 0, null, 0, 0));
        b.reload(conf("", 100));
        assertThat(daemons(engineB)).as("keyword removed").isEmpty();
        assertThat(events).noneMatch(e -> e.startsWith("IPVS cmd"));
    }
}
