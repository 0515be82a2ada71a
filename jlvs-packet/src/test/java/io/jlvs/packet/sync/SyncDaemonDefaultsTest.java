package io.jlvs.packet.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.view.SyncDaemonView;
import org.junit.jupiter.api.Test;

/** What ipvsadm -L --daemon shows once the kernel has started a daemon: its defaults filled in. */
class SyncDaemonDefaultsTest {
    @Test
    void aMasterGetsTheGroupPortTtlAndA1472ByteLimit() {
        SyncDaemonView d = SyncDaemons.asStarted(new SyncDaemonView("master", "lo", 5, 0, null, 0, 0), 65536);
        assertThat(d).isEqualTo(new SyncDaemonView("master", "lo", 5, 1472, "224.0.0.81", 8848, 1));
    }

    @Test
    void aBackupTakesTheInterfaceMtuAndClampsAGivenLimitAsTheKernelDoes() {
        assertThat(SyncDaemons.asStarted(new SyncDaemonView("backup", "eth0", 1, 0, null, 0, 0), 9000).maxLen())
                .isEqualTo(9000 - 28);
        assertThat(SyncDaemons.asStarted(new SyncDaemonView("backup", "eth0", 1, 0, null, 0, 0), 1400).maxLen())
                .as("MTU below 1500 counts as 1500").isEqualTo(1472);
        assertThat(SyncDaemons.asStarted(new SyncDaemonView("backup", "eth0", 1, 100, null, 0, 0), 1500).maxLen())
                .as("a backup's limit is at least 1024").isEqualTo(1024);
        SyncDaemonView v6 = SyncDaemons.asStarted(new SyncDaemonView("master", "eth0", 1, 0, "ff02::81", 9000, 3),
                1500);
        assertThat(v6).isEqualTo(new SyncDaemonView("master", "eth0", 1, 1500 - 48, "ff02::81", 9000, 3));
    }
}
