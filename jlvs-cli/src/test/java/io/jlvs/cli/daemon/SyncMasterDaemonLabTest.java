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
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.engine.control.ControlClient;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncMessageReader;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier, end to end on the master side: `jlvs run --interface` in a namespace with --start-daemon
 * master; three client frames of one TCP connection (SYN, ACK, ACK) are written onto its link, and the
 * connection arrives as a version-1 sync record on 224.0.0.81:8848 at the other end of the link, where
 * the test listens as a backup would.
 */
class SyncMasterDaemonLabTest {
    private static final String CLIENT = "192.0.2.55";

    @TempDir
    Path dir;

    /** An Ethernet + IPv4 + TCP frame (the data plane checks the IPv4 checksum, not TCP's). */
    static byte[] frame(byte[] dstMac, String src, int sport, String dst, int dport, int flags) {
        byte[] f = new byte[14 + 20 + 20];
        System.arraycopy(dstMac, 0, f, 0, 6);
        byte[] srcMac = {0x02, 0, 0, 0, 0x77, 0x01};
        System.arraycopy(srcMac, 0, f, 6, 6);
        f[12] = 0x08;
        f[14] = 0x45;
        f[17] = 40;                                             // total length
        f[22] = 64;                                             // TTL
        f[23] = 6;                                              // TCP
        System.arraycopy(IpAddress.parse(src).toBytes(), 0, f, 26, 4);
        System.arraycopy(IpAddress.parse(dst).toBytes(), 0, f, 30, 4);
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        f[24] = (byte) (~sum >>> 8);
        f[25] = (byte) ~sum;
        f[34] = (byte) (sport >>> 8);
        f[35] = (byte) sport;
        f[36] = (byte) (dport >>> 8);
        f[37] = (byte) dport;
        f[46] = 0x50;                                           // data offset 5
        f[47] = (byte) flags;
        f[48] = (byte) 0xff;                                    // window
        return f;
    }

    /**
     * Both packet I/O kinds of `jlvs run`: AF_PACKET rings, and AF_XDP behind the XDP steering program, each
     * also with the XDP fast path on (`--xdp-offload 0`): the connection is synced all the same.
     */
    @ParameterizedTest
    @ValueSource(strings = {"af_packet", "af_packet --xdp-offload 0", "af_xdp", "af_xdp --xdp-offload 0"})
    void aConnectionThroughARunningMasterIsMulticast(String packetIo) throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.214." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        String rs1 = net + "11";
        Path socket = dir.resolve("jlvs.sock");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("ms");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = NamespaceDaemon.mac(lab, ns, nsIf);
            NamespaceDaemon.start(lab, ns, socket, dir.resolve("daemon.log"), "--interface", nsIf, "--packet-io",
                    packetIo.split(" ")[0], "--xdp-offload",
                    packetIo.contains("--xdp-offload") ? packetIo.split(" ")[2] : "off");

            // with af_xdp the daemon's interface carries the steering program, with af_packet none unless the
            // fast path's own
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String link = lab.exec(ns, "ip", "-d", "link", "show", "dev", nsIf).output();
                assertThat(link.contains("prog/xdp")).as(link).isEqualTo(packetIo.contains("xdp"));
            });

            // listen as a backup at the root end of the link
            List<SyncConn> received = new CopyOnWriteArrayList<>();
            try (DatagramChannel ch = syncListener(hostIf)) {

                InetServiceKey web = new InetServiceKey(Protocol.TCP, IpAddress.parse(vip), 80);
                try (ControlClient c = ControlClient.connect(socket)) {
                    c.execute(new IpvsCommand.AddService(VirtualService.of(web, "rr")));
                    c.execute(new IpvsCommand.AddServer(web,
                            RealServer.of(IpAddress.parse(rs1), 8080, ForwardingMethod.MASQ, 1)));
                    c.execute(new IpvsCommand.StartDaemon(new SyncDaemonView("master", nsIf, 9, 0, null, 0, 0)));
                }
                NamespaceDaemon.sendFrames(python, hostIf, frame(nsMac, CLIENT, 45678, vip, 80, 0x02), // SYN, ACK,
                        frame(nsMac, CLIENT, 45678, vip, 80, 0x10), frame(nsMac, CLIENT, 45678, vip, 80, 0x18)); // ACK+PSH

                awaitSynced(ch, 9, received, true);
            }
            SyncConn s = received.getFirst();
            assertThat(s.protocol()).isEqualTo(6);
            assertThat(s.client()).isEqualTo(IpAddress.parse(CLIENT));
            assertThat(s.clientPort()).isEqualTo(45678);
            assertThat(s.virtualAddress()).isEqualTo(IpAddress.parse(vip));
            assertThat(s.destination()).isEqualTo(IpAddress.parse(rs1));
            assertThat(s.destinationPort()).isEqualTo(8080);
            assertThat(s.state()).isEqualTo(1);                // ESTABLISHED
            assertThat(s.timeoutSeconds()).isEqualTo(900);
        }
    }
    /**
     * A keepalived.conf whose vrrp_instance is MASTER at once (priority 255, the address owner) and which
     * names it in {@code lvs_sync_daemon}: the master sync daemon starts with the daemon, and the data
     * plane's connections reach it: it started while the configuration loaded, before the packet data plane,
     * and is started again over the workers once they run. Before, it kept the empty list it found and never
     * saw a connection (a backup started that way applied none: a failover lost every connection).
     */
    @Test
    void aSyncDaemonStartedByKeepalivedConfAtStartSeesTheDataPlanesConnections() throws Exception {
        Lab.requireNetns();
        Lab.requireCommand("nft", "nftables");
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.217." + (ProcessHandle.current().pid() % 250) + ".";
        String vip = net + "100";
        String rs1 = net + "11";
        Path socket = dir.resolve("jlvs.sock");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("ka");
            String hostIf = lab.vethToRoot(ns, net + "1/24", net + "2/24");
            String nsIf = NamespaceDaemon.link(lab, ns);
            byte[] nsMac = NamespaceDaemon.mac(lab, ns, nsIf);
            Path conf = dir.resolve("keepalived.conf");
            java.nio.file.Files.writeString(conf, """
                    global_defs {
                        lvs_sync_daemon %2$s VI_1
                    }
                    vrrp_instance VI_1 {
                        state MASTER
                        interface %2$s
                        virtual_router_id 51
                        priority 255
                        advert_int 1
                        virtual_ipaddress {
                            %1$s/32
                        }
                    }
                    virtual_server %1$s 80 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        real_server %3$s 8080 {
                            weight 1
                        }
                    }
                    """.formatted(vip, nsIf, rs1));
            List<SyncConn> received = new CopyOnWriteArrayList<>();
            try (DatagramChannel ch = syncListener(hostIf)) {
                NamespaceDaemon.start(lab, ns, socket, dir.resolve("daemon.log"), "--interface", nsIf,
                        "--use-file", conf.toString());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        lab.exec(ns, "ip", "-4", "addr", "show", "dev", nsIf).output()).contains(vip + "/32"));
                NamespaceDaemon.sendFrames(python, hostIf, frame(nsMac, CLIENT, 45679, vip, 80, 0x02),
                        frame(nsMac, CLIENT, 45679, vip, 80, 0x10), frame(nsMac, CLIENT, 45679, vip, 80, 0x18));
                awaitSynced(ch, 51, received, false);
            }
            SyncConn s = received.getFirst();
            assertThat(s.clientPort()).isEqualTo(45679);
            assertThat(s.virtualAddress()).isEqualTo(IpAddress.parse(vip));
            assertThat(s.destination()).isEqualTo(IpAddress.parse(rs1));
        }
    }

    /**
     * Reads sync messages of {@code syncId} from {@code ch} into {@code received} until one arrives (15 s at
     * most); a dropped record fails the test when {@code strict}.
     */
    private static void awaitSynced(DatagramChannel ch, int syncId, List<SyncConn> received, boolean strict) {
        ByteBuffer buf = ByteBuffer.allocate(65535);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).pollInSameThread()
                .until(() -> {
                    buf.clear();
                    if (ch.receive(buf) != null) {
                        buf.flip();
                        SyncMessageReader.read(buf, syncId, new SyncMessageReader.Sink() {
                            @Override
                            public void accept(SyncConn conn) {
                                received.add(conn);
                            }

                            @Override
                            public void dropped(SyncDropReason reason) {
                                if (strict) {
                                    throw new AssertionError("dropped " + reason);
                                }
                            }
                        });
                    }
                    return !received.isEmpty();
                });
    }

    /** A non-blocking socket in the sync group 224.0.0.81:8848 on {@code hostIf}, as a backup listens. */
    private static DatagramChannel syncListener(String hostIf) throws java.io.IOException {
        InetAddress group = InetAddress.getByName(SyncProtocol.DEFAULT_GROUP);
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(new InetSocketAddress(group, SyncProtocol.DEFAULT_PORT));
        ch.join(group, NetworkInterface.getByName(hostIf));
        ch.configureBlocking(false);
        return ch;
    }
}
