package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.IpvsEngine;
import java.net.NetworkInterface;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** --start-daemon / --stop-daemon through the running director: sockets opened, listed, closed. */
class DirectorSyncDaemonTest {
    /** 239.255.81.1 in /proc/net/igmp (groups are printed as host-order hex). */
    private static boolean joined() throws java.io.IOException {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/igmp")).contains("0151FFEF");
    }

    @Test
    void anUnknownInterfaceIsRefusedAndNotListed() throws Exception {
        try (Director d = Director.start(new IpvsEngine())) {
            assertThatThrownBy(() -> d.execute(new IpvsCommand.StartDaemon(
                    new SyncDaemonView("master", "nosuchif0", 0, 0, null, 0, 0))))
                    .isInstanceOf(IpvsException.class).hasMessageContaining("Unknown mcast interface: nosuchif0")
                    // jlvsadm prints ENODEV's text, "No such device", as ipvsadm does
                    .extracting(e -> ((IpvsException) e).error()).isEqualTo(io.jlvs.core.command.IpvsError.NO_SUCH_DEVICE);
            assertThat(d.syncDaemons()).isEmpty();
        }
    }

    @Test
    void startedDaemonsAreListedAndStopped() throws Exception {
        String ifname = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(n -> {
                    try {
                        return n.isUp() && n.supportsMulticast();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                })
                .map(NetworkInterface::getName).findFirst().orElse("lo");
        int port = 30000 + (int) (ProcessHandle.current().pid() % 20000);
        try (Director d = Director.start(new IpvsEngine())) {
            d.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("backup", ifname, 5, 0, "239.255.81.1", port, 0)));
            d.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("master", ifname, 5, 0, "239.255.81.1", port, 0)));
            assertThat(d.syncDaemons()).extracting(SyncDaemonView::state).containsExactly("backup", "master");
            // listed as the kernel completes them (ipvsadm -L --daemon): the master's limit 1500 - 28, TTL 1
            assertThat(d.syncDaemons().get(1)).isEqualTo(
                    new SyncDaemonView("master", ifname, 5, 1472, "239.255.81.1", port, 1));
            assertThat(d.syncCounters()).containsKeys("sync_messages_sent", "sync_conns_applied",
                    "sync_drop_syncid_mismatch");
            assertThat(joined()).as("backup joined 239.255.81.1").isTrue();
            d.execute(new IpvsCommand.StopDaemon("master"));
            d.execute(new IpvsCommand.StopDaemon("backup"));
            assertThat(d.syncDaemons()).isEmpty();
            assertThat(joined()).as("backup left the group").isFalse();
        }
    }
}
