package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.sys.Syscalls;
import io.jlvs.sys.XdpSteering;
import io.jlvs.testkit.Lab;
import io.jlvs.testkit.NetnsLab;
import io.jlvs.testkit.Shell;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * AF_XDP I/O on a link with several receive queues: frames the kernel spreads over the queues all reach the
 * worker (a socket per queue), none is left to the kernel.
 */
class XdpLinkGroupIoLabTest {
    private static final int FLOWS = 64;

    @Test
    void framesOnEveryReceiveQueueReachTheWorker() throws Exception {
        Lab.requireNetns();
        String python = Lab.requireCommand("python3", "python3");
        String net = "10.213." + (ProcessHandle.current().pid() % 250) + ".";
        IpAddress vip = IpAddress.parse(net + "5");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("mq");
            String host = lab.vethToRoot(ns, net + "1/24", net + "2/24", 4);
            Shell.run("ip", "addr", "add", vip + "/32", "dev", host).orThrow("vip");
            assertThat(XdpLinkGroupIo.receiveQueues(host)).isEqualTo(4);
            KernelNeighbours neighbours = new KernelNeighbours(new int[] {new Syscalls().ifNameToIndex(host)});
            try (XdpLinkGroupIo io = new XdpLinkGroupIo(List.of(host), 20, Set.of(IpAddress.parse(net + "1")),
                    neighbours)) {
                io.steer(Set.of(vip), Set.of(), Set.of(new XdpSteering.ServerPort(vip, 17, 9999)), null);
                // one socket per datagram: each its own source port, hence its own transmit-queue hash
                Shell.Result sent = lab.exec(ns, python, "-c", """
                        import socket, sys
                        for i in range(int(sys.argv[2])):
                            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                            s.sendto(b'jlvs', (sys.argv[1], 9999))
                            s.close()
                        """, vip.toString(), String.valueOf(FLOWS));
                assertThat(sent.exitCode()).as(sent.output()).isZero();

                int[] seen = new int[1];
                int port = 9999;
                long end = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < end && seen[0] < FLOWS) {
                    io.receive((s, off, len) -> {
                        long ip = off + EthernetHeader.LENGTH;
                        if (EthernetHeader.type(s, off) == EthernetHeader.TYPE_IPV4
                                && Ipv4Header.dst(s, ip) == vip.v4()
                                && Wire.u16(s, ip + Ipv4Header.MIN_LENGTH + 2) == port) {
                            seen[0]++;
                        }
                    }, 64);
                }
                assertThat(seen[0]).as("datagrams to the VIP that reached the worker").isEqualTo(FLOWS);
                assertThat(queuesThatRedirected(host)).as("receive queues the datagrams arrived on")
                        .isGreaterThan(1);
            }
        }
    }

    /** Receive queues whose XDP program redirected at least one frame (veth's per-queue statistics). */
    private static long queuesThatRedirected(String dev) throws Exception {
        String stats = Shell.run("ethtool", "-S", dev).orThrow("ethtool -S").output();
        Matcher m = Pattern.compile("rx_queue_\\d+_xdp_redirect: (\\d+)").matcher(stats);
        long queues = 0;
        while (m.find()) {
            if (Long.parseLong(m.group(1)) > 0) {
                queues++;
            }
        }
        return queues;
    }
}
