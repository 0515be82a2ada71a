package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.packet.sync.SyncDaemons;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sync daemons over a real multicast socket: master and backup on a veth interface the test makes
 * (multicast loop on, since both live in this process), the backup joined to 224.0.0.81 on it. A
 * connection made on the master's data plane appears in the backup's table; --stop-daemon leaves the
 * group (checked in /proc/net/igmp).
 */
class SyncMulticastLabTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);

    private static byte[] tcp(int port, int flags) {
        return PacketBuilder.tcp(CLIENT, port, VIP, 80).flags(flags).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static boolean joined(String ifname) throws IOException {
        // /proc/net/igmp: an interface line, then its groups in host-order hex (224.0.0.81 = 510000E0)
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/net/igmp"))) {
            if (!line.startsWith("\t") && !line.startsWith(" ")) {
                inside = line.contains(ifname);
            } else if (inside && line.contains("510000E0")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aConnectionCrossesTheMulticastGroupAndStopLeavesIt() throws Exception {
        Lab.requireRoot();
        Lab.requireCommand("ip", "iproute2");
        try (NetnsLab lab = new NetnsLab(); Director master = new Director(); Director backup = new Director()) {
            String ns = lab.namespace("sync");
            String ifname = lab.vethToRoot(ns, "10.213.77.1/24", "10.213.77.2/24");
            for (Director d : List.of(master, backup)) {
                d.service(Protocol.TCP, 80, "rr");
                d.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            }
            int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
            SyncDaemons masterSync = new SyncDaemons(() -> List.of(master.dataplane), true);
            SyncDaemons backupSync = new SyncDaemons(() -> List.of(backup.dataplane), true);
            try (masterSync; backupSync) {
                backupSync.start(new SyncDaemonView("backup", ifname, 12, 0, null, port, 0));
                masterSync.start(new SyncDaemonView("master", ifname, 12, 0, null, port, 0));
                assertThat(joined(ifname)).isTrue();

                List<byte[]> first = master.send(tcp(41000, 0x02));
                assertThat(first).as("%s %s", master.verdict(), master.dataplane.lastDropReason()).hasSize(1);
                String rs = IpAddress.ofV4(Ipv4Header.dst(java.lang.foreign.MemorySegment.ofArray(first.get(0)), 14))
                        .toString();
                master.send(tcp(41000, 0x10));
                master.send(tcp(41000, 0x18));

                await().atMost(Duration.ofSeconds(10)).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
                    backup.dataplane.runOnce();
                    return !backup.connections().isEmpty();
                });
                ConnectionView c = backup.connections().get(0);
                assertThat(c.client()).isEqualTo(IpAddress.parse(CLIENT));
                assertThat(c.clientPort()).isEqualTo(41000);
                assertThat(c.destination()).isEqualTo(IpAddress.parse(rs));
                assertThat(c.state()).isEqualTo("ESTABLISHED");
                assertThat(masterSync.counters()).containsEntry("sync_messages_sent", 1L)
                        .containsEntry("sync_conns_sent", 1L);
                assertThat(backupSync.counters()).containsEntry("sync_messages_received", 1L)
                        .containsEntry("sync_conns_applied", 1L);

                backupSync.stop("backup");
                assertThat(joined(ifname)).isFalse();
            }
        }
    }
}
