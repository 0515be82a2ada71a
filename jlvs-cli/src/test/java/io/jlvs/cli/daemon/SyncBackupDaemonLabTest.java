package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.packet.sync.MulticastOutput;
import io.jlvs.packet.sync.SyncMessageWriter;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, end to end on the backup side: `jlvs run --interface` in a namespace, driven over its control
 * socket (`--start-daemon backup`), receives a sync message multicast from the other end of its link
 * (as a master director would send it) and lists the connection in -Lnc, bound to the real server the
 * message names.
 */
class SyncBackupDaemonLabTest {
    @TempDir
    Path dir;

    @Test
    void aRunningBackupDaemonListsWhatTheMasterMulticasts() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String net = "10.212." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        String rs1 = net + "11";
        String rs2 = net + "12";
        Path socket = dir.resolve("jlvs.sock");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("bk");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            NamespaceDaemon.start(lab, ns, socket, dir.resolve("daemon.log"), "--interface", nsIf);
            InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
            try (ControlClient c = ControlClient.connect(socket)) {
                c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(rs1), 80, ForwardingMethod.MASQ, 1)));
                c.execute(new IpvsCommand.AddServer(web, RealServer.of(IpAddress.parse(rs2), 80, ForwardingMethod.MASQ, 1)));
                c.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("backup", nsIf, 0, 0, null, 0, 0)));
                assertThat(c.syncDaemons()).extracting(SyncDaemonView::state).containsExactly("backup");
            }

            SyncMessageWriter w = new SyncMessageWriter(4, 1472);
            w.addV4(6, SyncProtocol.F_MASQ, 1, 43210, 80, 80, 0, 900, IpAddress.parse("192.0.2.77").v4(),
                    IpAddress.parse(vip).v4(), IpAddress.parse(rs2).v4());
            InetSocketAddress group = new InetSocketAddress(InetAddress.getByName(SyncProtocol.DEFAULT_GROUP),
                    SyncProtocol.DEFAULT_PORT);
            try (MulticastOutput out = new MulticastOutput(group, NetworkInterface.getByName(hostIf), 1, false);
                 ControlClient c = ControlClient.connect(socket)) {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                    out.send(w.message());     // again until it arrives: the join may still be on its way
                    return !c.connections().isEmpty();
                });
                ConnectionView conn = c.connections().getFirst();
                assertThat(conn.client()).isEqualTo(IpAddress.parse("192.0.2.77"));
                assertThat(conn.clientPort()).isEqualTo(43210);
                assertThat(conn.virtualAddress()).isEqualTo(IpAddress.parse(vip));
                assertThat(conn.destination()).isEqualTo(IpAddress.parse(rs2));
                assertThat(conn.state()).isEqualTo("ESTABLISHED");
                assertThat(conn.expiresMillis()).isGreaterThan(880_000L);
                assertThat(c.table().services().getFirst().realServers())
                        .filteredOn(r -> r.server().address().equals(IpAddress.parse(rs2)))
                        .singleElement().satisfies(r -> assertThat(r.activeConns()).isEqualTo(1));
                c.execute(new IpvsCommand.StopDaemon("backup"));
                assertThat(c.syncDaemons()).isEmpty();
            }
        }
    }
}
