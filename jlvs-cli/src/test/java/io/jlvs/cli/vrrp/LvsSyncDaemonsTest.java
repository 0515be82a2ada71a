package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.vrrp.state.VrrpState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * lvs_sync_daemon against fake VRRP transitions: which sync daemons the engine lists (what jlvsadm -L --daemon
 * shows), with which settings, in keepalived 2.2.7's order.
 */
class LvsSyncDaemonsTest {
    final IpvsEngine engine = new IpvsEngine();
    final List<String> events = new ArrayList<>();
    final Map<String, VrrpState> states = new HashMap<>();
    final LvsSyncDaemons daemons = new LvsSyncDaemons(engine, events::add);

    static KeepalivedConfig conf(String syncLine) {
        return VrrpSettingsMapperTest.parse("global_defs {\n    " + syncLine + "\n}\n" + instance("VI_1", 51)
                + instance("VI_2", 52));
    }

    static String instance(String name, int vrid) {
        return """
                vrrp_instance %s {
                    interface eth0
                    virtual_router_id %d
                    virtual_ipaddress {
                        192.0.2.%d
                    }
                }
                """.formatted(name, vrid, vrid);
    }

    List<SyncDaemonView> listed() {
        return engine.syncDaemons();
    }

    void configure(String syncLine) {
        daemons.configure(conf(syncLine), states::get);
    }

    @Test
    void theBackupDaemonRunsFromStartAndTheMasterOneWhileTheInstanceIsMaster() {
        configure("lvs_sync_daemon eth0 VI_1");
        assertThat(listed()).as("at start (INIT) keepalived starts the backup daemon")
                .containsExactly(new SyncDaemonView("backup", "eth0", 51, 0, null, 0, 0));

        daemons.transition("VI_1", VrrpState.BACKUP);
        assertThat(listed()).extracting(SyncDaemonView::state).containsExactly("backup");
        daemons.transition("VI_2", VrrpState.MASTER);
        assertThat(listed()).as("another instance is not followed").extracting(SyncDaemonView::state)
                .containsExactly("backup");

        daemons.transition("VI_1", VrrpState.MASTER);
        assertThat(listed()).containsExactly(new SyncDaemonView("master", "eth0", 51, 0, null, 0, 0));

        daemons.transition("VI_1", VrrpState.FAULT);
        assertThat(listed()).extracting(SyncDaemonView::state).containsExactly("backup");
        daemons.transition("VI_1", VrrpState.MASTER);
        daemons.transition("VI_1", VrrpState.BACKUP);
        assertThat(listed()).extracting(SyncDaemonView::state).containsExactly("backup");

        daemons.transition("VI_1", VrrpState.STOP);
        assertThat(listed()).as("a stopped instance stops its daemon").isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void everyOptionGoesToTheDaemonAndAnExplicitIdBeatsTheVrid() {
        states.put("VI_2", VrrpState.MASTER);
        configure("lvs_sync_daemon eth0 inst VI_2 id 7 maxlen 1400 port 8849 ttl 3 group 239.1.2.3");
        assertThat(listed()).containsExactly(new SyncDaemonView("master", "eth0", 7, 1400, "239.1.2.3", 8849, 3));
    }

    @Test
    void withoutAnInstanceBothRunUntilClose() {
        configure("lvs_sync_daemon eth0");
        assertThat(listed()).as("keepalived starts master, then backup").containsExactly(
                new SyncDaemonView("master", "eth0", 0, 0, null, 0, 0),
                new SyncDaemonView("backup", "eth0", 0, 0, null, 0, 0));
        daemons.transition("VI_1", VrrpState.MASTER);
        assertThat(listed()).hasSize(2);
        daemons.close();
        assertThat(listed()).isEmpty();
    }

    @Test
    void anUnknownInstanceRunsNothingAndSaysSo() {
        configure("lvs_sync_daemon eth0 VI_9");
        assertThat(listed()).isEmpty();
        assertThat(events).containsExactly(
                "Unable to find vrrp instance VI_9 for lvs_syncd - clearing lvs_syncd config");
    }

    @Test
    void reloadsRestartChangedDaemonsFollowAnotherInstanceAndStopWhenTheKeywordGoes() {
        configure("lvs_sync_daemon eth0 VI_1");
        daemons.transition("VI_1", VrrpState.MASTER);
        states.put("VI_1", VrrpState.MASTER);

        configure("lvs_sync_daemon eth0 VI_1");
        assertThat(listed()).containsExactly(new SyncDaemonView("master", "eth0", 51, 0, null, 0, 0));

        configure("lvs_sync_daemon eth0 VI_1 id 9");
        assertThat(listed()).as("new syncid: restarted").containsExactly(
                new SyncDaemonView("master", "eth0", 9, 0, null, 0, 0));

        states.put("VI_2", VrrpState.BACKUP);
        configure("lvs_sync_daemon eth0 VI_2 id 9");
        assertThat(listed()).as("VI_2 is BACKUP").containsExactly(
                new SyncDaemonView("backup", "eth0", 9, 0, null, 0, 0));

        configure("lvs_sync_daemon eth0 VI_2 id 9 group 239.0.0.7");
        assertThat(listed()).containsExactly(new SyncDaemonView("backup", "eth0", 9, 0, "239.0.0.7", 0, 0));

        daemons.configure(VrrpSettingsMapperTest.parse(instance("VI_2", 52)), states::get);
        assertThat(listed()).as("keyword removed").isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aFailedCommandIsLoggedInKeepalivedsWordsAndTheOthersStillRun() throws Exception {
        engine.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("master", "eth9", 1, 0, null, 0, 0)));
        configure("lvs_sync_daemon eth0 VI_1");
        daemons.transition("VI_1", VrrpState.MASTER);
        assertThat(events).containsExactly(
                "IPVS cmd IP_VS_SO_SET_STARTDAEMON(1162) error: Sync daemon already running (master)");
        assertThat(listed()).as("the hand-started master is left alone")
                .containsExactly(new SyncDaemonView("master", "eth9", 1, 0, null, 0, 0));
        daemons.transition("VI_1", VrrpState.BACKUP);
        assertThat(listed()).extracting(SyncDaemonView::state).containsExactly("master", "backup");
        assertThat(daemons.running()).extracting(SyncDaemonView::state).containsExactly("backup");
    }
}
