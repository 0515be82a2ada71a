package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel guard and fragments (NAT, IPv4 and IPv6, UDP services on port 5300 of both VIPs): the guard matches
 * ports, which only a datagram's first fragment carries, yet the director's kernel must neither forward a NAT real
 * server's later fragments untranslated nor keep a VIP's later fragments waiting for a first fragment it never
 * gets; and what is the kernel's (a real server's own datagrams, a port of the VIP no service has) must stay so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FragmentGuardLabTest {
    private static final int PORT = 5300;
    /** A UDP echo server on (address, port): answers each datagram with its name, a space, and the datagram. */
    private static final String ECHO = """
            import socket, sys
            fam = socket.AF_INET6 if ':' in sys.argv[3] else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((sys.argv[3], int(sys.argv[1])))
            name = sys.argv[2].encode()
            while True:
                d, a = s.recvfrom(65535)
                s.sendto(name + b" " + d, a)
            """;
    /** Sends N datagrams of SIZE bytes to ADDRESS:PORT, each from a new socket, and prints how many came back whole. */
    private static final String CLIENT = """
            import os, socket, sys
            address, port, size, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            fam = socket.AF_INET6 if ':' in address else socket.AF_INET
            ok = 0
            for i in range(n):
                s = socket.socket(fam, socket.SOCK_DGRAM)
                s.settimeout(1)
                payload = os.urandom(size)
                s.sendto(payload, (address, port))
                try:
                    d, a = s.recvfrom(70000)
                    ok += d.partition(b" ")[2] == payload
                except socket.timeout:
                    pass
                s.close()
            print("ok", ok, "of", n, flush=True)
            """;
    /** Sends N datagrams of 3,000 bytes to ADDRESS:PORT without waiting for answers. */
    private static final String FLOOD = """
            import os, socket, sys, time
            s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(int(sys.argv[3])):
                s.sendto(os.urandom(3000), (sys.argv[1], int(sys.argv[2])))
                if i % 50 == 49:
                    time.sleep(0.02)
            """;
    /** Receives one datagram on each of 0.0.0.0:PORT and [::]:PORT and prints its length and source. */
    private static final String RECEIVE = """
            import select, socket, sys
            port = int(sys.argv[1])
            v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            v4.bind(("0.0.0.0", port))
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            v6.bind(("::", port))
            waiting = [v4, v6]
            while waiting:
                ready, _, _ = select.select(waiting, [], [], 10)
                if not ready:
                    break
                for s in ready:
                    d, a = s.recvfrom(70000)
                    print(len(d), a[0], flush=True)
                    waiting.remove(s)
            """;
    /** Sends a datagram of SIZE bytes from port FROM to each ADDRESS:PORT. */
    private static final String SEND = """
            import os, socket, sys
            size, source, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
            for address in sys.argv[4:]:
                s = socket.socket(socket.AF_INET6 if ':' in address else socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(("::" if ':' in address else "0.0.0.0", source))
                s.sendto(os.urandom(size), (address, port))
                s.close()
            """;
    private PacketLab lab;
    private String python;

    @BeforeAll
    void up() throws Exception {
        python = io.jlvs.testkit.Lab.requireCommand("python3", "python3");
        lab = PacketLab.create("Masq", Map.of("jlvs.lab.ipv6", "true", "jlvs.lab.ports", String.valueOf(PORT)));
        for (int n = 1; n <= 3; n++) {
            lab.realServerBackground(n, lab.dir.resolve("echo4-" + n + ".log"), python, "-c", ECHO,
                    String.valueOf(PORT), "rs" + n, "0.0.0.0");
            lab.realServerBackground(n, lab.dir.resolve("echo6-" + n + ".log"), python, "-c", ECHO,
                    String.valueOf(PORT), "rs" + n, "::");
        }
        for (String ns : lab.rs) {
            Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> lab.lab.exec(ns, "ss", "-Hlun",
                    "sport = :" + PORT).output().lines().count() == 2);
        }
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    /** Sends n datagrams of size bytes to address:port from the client; returns how many came back whole. */
    private int echoed(String address, int port, int size, int n) throws IOException {
        Shell.Result r = lab.client(60, python, "-c", CLIENT, address, String.valueOf(port), String.valueOf(size),
                String.valueOf(n));
        String out = r.output().strip();
        assertThat(out).as(out + lab.stderr()).matches("ok \\d+ of " + n);
        return Integer.parseInt(out.split(" ")[1]);
    }

    /**
     * A capture on the client's link with this filter, running once tcpdump listens; in immediate mode, as
     * otherwise what it caught in the last second (a ring block not yet full) is lost when it is stopped.
     */
    private Process capture(Path pcap, String filter) throws IOException {
        Path log = lab.dir.resolve(pcap.getFileName() + ".log");
        Process p = lab.clientBackground(log, "tcpdump", "-i", "eth0", "-nn", "--immediate-mode", "-U", "-w",
                pcap.toString(), filter);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(log)
                && Files.readString(log).contains("listening on"));
        return p;
    }

    private static List<String> read(Process capture, Path pcap) throws Exception {
        Thread.sleep(300);
        capture.destroy();
        capture.waitFor(5, TimeUnit.SECONDS);
        return Shell.run(List.of("tcpdump", "-nn", "-r", pcap.toString()), 30).output().lines()
                .filter(l -> !l.startsWith("reading from")).toList();
    }

    /**
     * A NAT real server's answer larger than the MTU leaves it as fragments; the guard drops the kernel's copy of
     * the first (it carries the source port), and the later ones must not reach the client either: forwarded
     * untranslated by the director's kernel, they showed the client the real server's address and, waiting in the
     * client's reassembly for a first fragment that never comes, filled it (4 MiB: about 1,260 answers within its
     * 30 s or 60 s) until no fragmented answer could be put together there.
     */
    @Test
    @Order(1)
    void noFragmentOfANatRealServersAnswerReachesTheClientUntranslated() throws Exception {
        Path pcap = lab.dir.resolve("from-real-servers.pcap");
        Process p = capture(pcap, "src net 10.77.1.0/24 or src net 2001:db8:77:1::/64");
        assertThat(echoed(PacketLab.VIP, PORT, 3000, 20)).isEqualTo(20);
        assertThat(echoed(PacketLab.VIP6, PORT, 3000, 20)).isEqualTo(20);
        assertThat(read(p, pcap)).as("frames from the real servers' addresses on the client's link").isEmpty();
        // the guard dropped the kernel's copy of the later fragments (the answers' 2nd and 3rd of 3)
        assertThat(lab.nftRuleset()).containsPattern("@fragments counter packets [1-9]");
        assertThat(lab.nftRuleset6()).containsPattern("@fragments counter packets [1-9]");
    }

    /**
     * A client's datagram larger than the MTU to a UDP service: the guard drops the kernel's copy of the first
     * fragment (it carries the port), and the later ones must go too. Left to the kernel they waited in its
     * reassembly for 30 s (IPv4) or 60 s (IPv6), and IPv4's, whose memory (4 MiB) the fanout group's
     * defragmentation shares, filled it within about 1,260 such datagrams: after that the data plane was handed
     * no fragmented datagram at all until they timed out (0 of 20 answered).
     */
    @Test
    @Order(2)
    void theDirectorsKernelKeepsNoFragmentToAVirtualService() throws Exception {
        assertThat(echoed(PacketLab.VIP, PORT, 3000, 20)).isEqualTo(20);
        assertThat(echoed(PacketLab.VIP6, PORT, 3000, 20)).isEqualTo(20);
        assertThat(lab.inDirector("cat", "/proc/net/sockstat").output()).contains("FRAG: inuse 0 ");
        assertThat(lab.inDirector("cat", "/proc/net/sockstat6").output()).contains("FRAG6: inuse 0 ");
        Shell.Result flood = lab.client(60, python, "-c", FLOOD, PacketLab.VIP, String.valueOf(PORT), "1500");
        assertThat(flood.exitCode()).as(flood.output()).isZero();
        assertThat(echoed(PacketLab.VIP, PORT, 3000, 20)).as("answered after 1,500 datagrams").isEqualTo(20);
        assertThat(lab.inDirector("cat", "/proc/net/sockstat").output()).contains("FRAG: inuse 0 ");
    }

    /**
     * What a NAT real server sends itself, from another port (the director is its router), stays the kernel's: its
     * datagram larger than the MTU reaches a host beyond the director whole, over IPv4 and IPv6.
     */
    @Test
    @Order(3)
    void aNatRealServersOwnLargeDatagramIsStillRoutedByTheKernel() throws Exception {
        Path log = lab.dir.resolve("receive.log");
        Process receiver = lab.clientBackground(log, python, "-c", RECEIVE, "6000");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lab.client(5, "ss", "-Hlun", "sport = :6000")
                .output().lines().count() == 2);
        Shell.Result sent = lab.lab.exec(lab.rs.get(0), python, "-c", SEND, "4000", "40000", "6000", "10.77.0.10",
                PacketLab.CLIENT6);
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(receiver.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllLines(log)).containsExactlyInAnyOrder("4000 10.77.1.11", "4000 2001:db8:77:1::11");
    }

    /**
     * A port of the VIP that no service has stays the kernel's, fragments too: a UDP echo server of the director's
     * own on [VIP]:5400 answers datagrams larger than the MTU, over IPv4 and IPv6 (the guard remembers only the
     * datagrams whose first fragment it drops).
     */
    @Test
    @Order(4)
    void aPortOfTheVipNoServiceHasStaysTheKernelsFragmentsToo() throws Exception {
        lab.directorBackground(lab.dir.resolve("local-echo4.log"), python, "-c", ECHO, "5400", "director",
                PacketLab.VIP);
        lab.directorBackground(lab.dir.resolve("local-echo6.log"), python, "-c", ECHO, "5400", "director",
                PacketLab.VIP6);
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lab.inDirector("ss", "-Hlun", "sport = :5400")
                .output().lines().count() == 2);
        assertThat(echoed(PacketLab.VIP, 5400, 3000, 5)).isEqualTo(5);
        assertThat(echoed(PacketLab.VIP6, 5400, 3000, 5)).isEqualTo(5);
    }

}
