package io.jlvs.vrrp.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VrrpNotifyFormatTest {

    @Test
    void fifoLinesAreKeepalivedsFormat() {
        assertThat(VrrpNotifyFormat.instanceFifoLine("VI_1", NotifyEvent.MASTER, 100))
                .isEqualTo("INSTANCE \"VI_1\" MASTER 100\n");
        assertThat(VrrpNotifyFormat.instanceFifoLine("VI_1", NotifyEvent.MASTER_RX_LOWER_PRI, 100))
                .isEqualTo("INSTANCE \"VI_1\" MASTER_RX_LOWER_PRI 100\n");
        assertThat(VrrpNotifyFormat.instanceFifoLine("VI_1", NotifyEvent.BACKUP_PRIORITY, 80))
                .isEqualTo("INSTANCE \"VI_1\" BACKUP_PRIORITY 80\n");
        assertThat(VrrpNotifyFormat.groupFifoLine("G1", NotifyEvent.FAULT)).isEqualTo("GROUP \"G1\" FAULT 0\n");
    }

    @Test
    void notifyScriptGetsTypeNameStateAndPriority() {
        assertThat(VrrpNotifyFormat.instanceScriptArgs("VI_1", NotifyEvent.BACKUP, 100))
                .containsExactly("INSTANCE", "VI_1", "BACKUP", "100");
        assertThat(VrrpNotifyFormat.groupScriptArgs("G1", NotifyEvent.STOP)).containsExactly("GROUP", "G1", "STOP", "0");
    }

    @Test
    void logLinesAreKeepalivedsWords() {
        assertThat(VrrpLogLines.enteringMaster("VI_1")).isEqualTo("(VI_1) Entering MASTER STATE");
        assertThat(VrrpLogLines.enteringBackup("VI_1")).isEqualTo("(VI_1) Entering BACKUP STATE");
        assertThat(VrrpLogLines.enteringBackupInit("VI_1")).isEqualTo("(VI_1) Entering BACKUP STATE (init)");
        assertThat(VrrpLogLines.enteringFault("VI_1")).isEqualTo("(VI_1) Entering FAULT STATE");
        assertThat(VrrpLogLines.backupDiscardsLowerPriority("VI_1", 90, "10.0.0.2"))
                .isEqualTo("(VI_1) received lower priority (90) advert from 10.0.0.2 - discarding");
        assertThat(VrrpLogLines.syncGroup("G1", "MASTER")).isEqualTo("VRRP_Group(G1) Syncing instances to MASTER state");
    }
}
