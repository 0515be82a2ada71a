package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The packet lab with IPv6 beside IPv4 (option {@code jlvs.lab.ipv6}): a TCP service [2001:db8:77::100]:80
 * with the three nginx real servers (listening on [::]:80) by one forwarding method. Requests with curl over
 * IPv6 spread as rr says and are counted, a 100 MB download arrives intact, and the director's kernel never
 * answers the client with a RST or an ICMPv6 error (tcpdump in the client namespace), while its {@code ip6
 * jlvs} guard counted the frames it kept from it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class Ipv6PacketLabSuite {
    private static final int REQUESTS = 600;
    PacketLab lab;

    abstract String method();

    /**
     * The largest UDP datagram (payload bytes) whose way to a real server and answer fit the MTU unfragmented:
     * 1,448 (the answer, 40 + 8 + 1,452 bytes); less under a tunnel.
     */
    int largestUdp() {
        return 1448;
    }

    /** A line of the client's RST/ICMPv6 capture that the director sent on purpose (none by default). */
    boolean sentOnPurpose(String capturedLine) {
        return false;
    }

    /** Data-plane and lab variants ({@code jlvs.lab.*}); none by default. */
    Map<String, String> directorOptions() {
        return Map.of();
    }

    /**
     * More IPv6 addresses of the client that the requests of the first test come from in turn (several workers
     * take IPv6 clients by address); none by default: all from {@link PacketLab#CLIENT6}.
     */
    List<String> clientSources() {
        return List.of();
    }

    private int workers() {
        return Integer.parseInt(directorOptions().getOrDefault("jlvs.lab.workers", "1"));
    }

    @BeforeAll
    void up() throws IOException {
        Map<String, String> options = new HashMap<>(directorOptions());
        options.put("jlvs.lab.ipv6", "true");
        lab = PacketLab.create(method(), options);
        for (String a : clientSources()) {
            lab.client(10, "ip", "-6", "addr", "add", a + "/64", "dev", "eth0", "nodad").orThrow("client address");
        }
    }

    @AfterAll
    void down() {
        if (lab != null) {
            lab.close();
        }
    }

    private Map<String, long[]> stats() throws IOException {
        Map<String, long[]> out = new HashMap<>();
        for (String line : lab.ask("stats6")) {
            String[] f = line.split(" ");
            long[] v = new long[5];
            for (int i = 0; i < 5; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
            out.put(f[0], v);
        }
        return out;
    }

    private static String url(String path) {
        return "http://[" + PacketLab.VIP6 + "]" + path;
    }

    @Test
    @Order(1)
    void requestsOverIpv6SpreadInEqualThirdsAndAreCounted() throws IOException {
        Map<String, long[]> before = stats();
        long[] forwardedBefore = forwardedIpv6ByWorker();
        // one curl, one connection per request (Connection: close); -g: the brackets are the address, not a glob;
        // with client sources, one curl from each in turn
        List<String> sources = clientSources().isEmpty() ? java.util.Collections.singletonList(null) : clientSources();
        Map<String, Integer> byServer = new HashMap<>();
        for (int s = 0; s < sources.size(); s++) {
            Path config = lab.dir.resolve("requests6-" + s + ".curl");
            StringBuilder sb = new StringBuilder();
            for (int i = s; i < REQUESTS; i += sources.size()) {
                sb.append("url = \"").append(url("/name?i=" + i)).append("\"\n");
            }
            Files.writeString(config, sb.toString());
            List<String> curl = new java.util.ArrayList<>(List.of("curl", "-6", "-g", "-sS", "--max-time", "5",
                    "--retry", "0", "-H", "Connection: close", "-K", config.toString()));
            if (sources.get(s) != null) {
                curl.addAll(List.of("--interface", sources.get(s)));
            }
            Shell.Result r = lab.client(90, curl.toArray(String[]::new));
            assertThat(r.exitCode()).as(sources.get(s) + ": " + r.output() + lab.stderr()).isZero();
            r.output().lines().forEach(l -> byServer.merge(l.strip(), 1, Integer::sum));
        }
        assertThat(byServer).containsOnlyKeys("rs1", "rs2", "rs3");
        assertThat(byServer.values()).allSatisfy(n -> assertThat(n).isBetween(REQUESTS / 3 - 10, REQUESTS / 3 + 10));
        assertThat(byServer.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(REQUESTS);
        Map<String, long[]> after = stats();
        long allConns = 0;
        for (int i = 0; i < 3; i++) {
            String addr = lab.servers6.get(i);
            long[] a = after.get(addr);
            long[] b = before.get(addr);
            assertThat(a).as("statistics of " + addr + " in " + after.keySet()).isNotNull();
            long conns = a[0] - b[0];
            long answered = byServer.get("rs" + (i + 1)).longValue();
            allConns += conns;
            if (lab.nat()) {
                assertThat(conns).as("connections counted for " + addr).isEqualTo(answered);
                assertThat(a[2] - b[2]).as("NAT replies counted for " + addr).isGreaterThanOrEqualTo(3 * conns);
            } else {
                assertThat(conns).as("connections counted for " + addr).isPositive().isLessThanOrEqualTo(answered);
                assertThat(a[2] - b[2]).as("DR replies bypass the director").isZero();
            }
            assertThat(a[1] - b[1]).as("packets in for " + addr).isGreaterThanOrEqualTo(4 * conns);
        }
        assertThat(allConns).as("new connections").isGreaterThanOrEqualTo(REQUESTS * 9 / 10);
        if (workers() > 1) {
            // every worker forwarded IPv6: the fanout program spreads IPv6 clients (before, worker 0 took it all)
            long[] forwarded = forwardedIpv6ByWorker();
            for (int w = 0; w < workers(); w++) {
                assertThat(forwarded[w] - forwardedBefore[w]).as("IPv6 frames worker %d forwarded", w)
                        .isGreaterThanOrEqualTo(3L * REQUESTS / sources.size());
            }
        }
    }

    /** Per worker, the IPv6 frames it forwarded so far. */
    private long[] forwardedIpv6ByWorker() throws IOException {
        long[] out = new long[workers()];
        for (int w = 0; w < out.length; w++) {
            out[w] = lab.counter("forwarded_ipv6_worker_" + w);
        }
        return out;
    }

    @Test
    @Order(2)
    void hundredMegabyteDownloadOverIpv6IsByteIdentical() throws IOException {
        String expected = Shell.run(List.of("sha256sum", lab.dir.resolve("www/big.bin").toString()), 60)
                .output().split(" ")[0];
        Shell.Result r = lab.client(90, "sh", "-c", "curl -6 -g -sS --max-time 80 '" + url("/big.bin")
                + "' | sha256sum");
        assertThat(r.output().split(" ")[0]).as(r.output() + lab.stderr()).isEqualTo(expected);
        if (directorOptions().containsKey("jlvs.lab.segmentationOffloads")) {
            // only IPv6 has crossed the director so far: these are its super-packets and partial checksums (in
            // DR only the client's requests and ACKs cross it: no super-packets)
            if (lab.nat()) {
                assertThat(lab.counter("segmented_packets")).as("IPv6 super-packets cut").isPositive();
            }
            assertThat(lab.counter("checksums_completed")).as("IPv6 checksums finished").isPositive();
        }
    }

    @Test
    @Order(3)
    void ipv4KeepsWorkingBesideIt() throws IOException {
        Shell.Result r = lab.client(30, "curl", "-sS", "--max-time", "5", "-H", "Connection: close",
                "http://" + PacketLab.VIP + "/name?i=[1-30]");
        assertThat(r.exitCode()).as(r.output() + lab.stderr()).isZero();
        assertThat(r.output().lines().map(String::strip).toList()).hasSize(30).allMatch(l -> l.matches("rs[123]"));
    }

    /** A UDP echo server on [::]:PORT (DR: bound to the VIP, so that answers come from it). */
    private static final String ECHO6 = """
            import socket, sys
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.bind((sys.argv[3], int(sys.argv[1])))
            name = sys.argv[2].encode()
            while True:
                d, a = s.recvfrom(65535)
                s.sendto(name + b" " + d, a)
            """;
    /** Sends a datagram of each size from its own socket (a new connection each) and prints what came back. */
    private static final String CLIENT6 = """
            import os, socket, sys
            vip, port = sys.argv[1], int(sys.argv[2])
            for size in map(int, sys.argv[3:]):
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                s.settimeout(2)
                payload = os.urandom(size)
                result = "lost"
                for attempt in range(3):
                    s.sendto(payload, (vip, port))
                    try:
                        d, a = s.recvfrom(70000)
                    except socket.timeout:
                        continue
                    name, _, echoed = d.partition(b" ")
                    result = ("intact " if echoed == payload else "damaged ") + name.decode() + " " + a[0]
                    break
                s.close()
                print(size, result, flush=True)
            """;

    /**
     * UDP over IPv6 (the receivers' kernels verify every UDP checksum, which IPv6 makes mandatory): datagrams whose
     * answers fit the MTU, from new client ports, each reach a real server by rr and come back whole from the VIP.
     */
    /** Starts the UDP echo servers on the real servers (once) and returns python's path. */
    private String udpEcho() throws Exception {
        String python = io.jlvs.testkit.Lab.requireCommand("python3", "python3");
        if (echoStarted) {
            return python;
        }
        for (int n = 1; n <= 3; n++) {
            lab.realServerBackground(n, lab.dir.resolve("udp6-echo" + n + ".log"), python, "-c", ECHO6, "5300",
                    "rs" + n, lab.nat() ? "::" : PacketLab.VIP6);
        }
        for (String ns : lab.rs) {
            org.awaitility.Awaitility.await().atMost(20, TimeUnit.SECONDS).until(() -> lab.lab.exec(ns, "ss", "-Hlun",
                    "sport = :5300").output().contains(":5300"));
        }
        echoStarted = true;
        return python;
    }

    private boolean echoStarted;

    @Test
    @Order(4)
    void udpOverIpv6GoesThroughAndComesBackFromTheVip() throws Exception {
        String python = udpEcho();
        // 1,448: the largest whose answer ("rsN " and the datagram: 40 + 8 + 1,452 bytes) fits the MTU unfragmented
        // (larger ones: the next test)
        Shell.Result r = lab.client(60, python, "-c", CLIENT6, PacketLab.VIP6, "5300", "1", "100", "1000",
                String.valueOf(largestUdp()), "333", "7");
        List<String> lines = r.output().lines().toList();
        assertThat(lines).as(r.output() + lab.stderr()).hasSize(6).allSatisfy(l ->
                assertThat(l).matches("\\d+ intact rs[123] " + java.util.regex.Pattern.quote(PacketLab.VIP6)));
        assertThat(lines.stream().map(l -> l.split(" ")[2]).distinct()).containsExactlyInAnyOrder("rs1", "rs2", "rs3");
    }

    /**
     * UDP datagrams larger than the MTU: the client's kernel sends them as IPv6 fragments, which the director puts
     * together (a virtual service's datagram is scheduled whole), and sends on cut again; a NAT real server's
     * answer, fragmented by its kernel, reaches the client from the VIP the same way. Each comes back intact
     * (the receivers' kernels put the fragments together and verify the UDP checksum). TUN: fragments larger than
     * the tunnel's MTU get packet too big with it (the client's next ones fit), and the outer packet leaves cut.
     * Until 2026-11-28 every
     * IPv6 fragment was dropped as {@code FRAGMENT}, and these were lost.
     */
    @Test
    @Order(6) // after a subclass's own test at 5 (TUN's needs a client that learnt no path MTU yet)
    void udpDatagramsLargerThanTheMtuGoThroughAsFragmentsBothWays() throws Exception {
        String python = udpEcho();
        long reassembled = lab.counter("reassembled_packets");
        long fragmented = lab.counter("fragmented_packets");
        long givenUp = lab.counter("drop_fragment");
        // 1,452: the client's datagram fits the MTU, the answer ("rsN " and it) does not
        List<String> sizes = List.of("3000", "8000", "1452", "20000", "3001", "8000");
        List<String> argv = new java.util.ArrayList<>(List.of(python, "-c", CLIENT6, PacketLab.VIP6, "5300"));
        argv.addAll(sizes);
        Shell.Result r = lab.client(60, argv.toArray(String[]::new));
        List<String> lines = r.output().lines().toList();
        assertThat(lines).as(r.output() + lab.stderr()).hasSize(sizes.size()).allSatisfy(l ->
                assertThat(l).matches("\\d+ intact rs[123] " + java.util.regex.Pattern.quote(PacketLab.VIP6)));
        // five datagrams came to the VIP in fragments; in NAT all six answers did too
        int inFragments = lab.nat() ? 11 : 5;
        assertThat(lab.counter("reassembled_packets") - reassembled).as("datagrams put together")
                .isGreaterThanOrEqualTo(inFragments);
        assertThat(lab.counter("fragmented_packets") - fragmented).as("datagrams sent on as fragments")
                .isGreaterThanOrEqualTo(inFragments);
        assertThat(lab.counter("drop_fragment") - givenUp).as("fragments given up").isZero();
    }

    /**
     * NAT: the client-facing link's MTU lowered to 1,400 under a running director: the real servers' full-size
     * replies get ICMPv6 packet too big (MTU 1400) from the VIP, quoting their own packet, so their kernels lower
     * the path MTU and a download arrives intact (DR replies do not pass the director).
     */
    @Test
    @Order(7)
    void natRepliesOverTheMtuGetPacketTooBigAndTheDownloadStillArrives() throws IOException {
        if (!lab.nat()) {
            return; // DR replies bypass the director
        }
        long tooBigBefore = lab.counter("drop_frag_needed");
        lab.directorLinkMtu("eth0", "1400");
        try {
            String expected = Shell.run(List.of("sh", "-c", "head -c 20000000 " + lab.dir.resolve("www/big.bin")
                    + " | sha256sum"), 60).output().split(" ")[0];
            Shell.Result r = lab.client(60, "sh", "-c", "curl -6 -g -sS --max-time 50 -r 0-19999999 '"
                    + url("/big.bin") + "' | sha256sum");
            assertThat(r.output().split(" ")[0]).as(r.output() + lab.stderr()).isEqualTo(expected);
            assertThat(lab.counter("drop_frag_needed") - tooBigBefore).as("packet too big sent").isPositive();
        } finally {
            lab.directorLinkMtu("eth0", "1500");
        }
    }

    @Test
    @Order(8)
    void theDirectorNeverAnswersWithRstOrIcmpv6ErrorsAndItsIpv6GuardDroppedWhatTheKernelSaw() throws IOException {
        String ruleset = lab.nftRuleset6();
        assertThat(ruleset).contains("chain prerouting").contains(PacketLab.VIP6 + " . tcp . 80");
        assertThat(ruleset).containsPattern("@services counter packets [1-9]");
        if (lab.nat()) {
            assertThat(ruleset).containsPattern("@masqports fib daddr type != local counter packets [1-9]");
        }
        List<String> seen = lab.capturedRstAndIcmp().stream().filter(l -> !sentOnPurpose(l)).toList();
        assertThat(seen).as("RST or ICMP(v6) errors from the VIPs or the director seen by the client").isEmpty();
        List<String> counters = lab.ask("counters");
        assertThat(counters).contains("drop_tx_full=0", "drop_no_service=0", "drop_no_connection=0",
                "drop_ipv6_extension=0", "drop_not_routed=0", "drop_fragment=0");
        // a first frame towards a next hop not resolved yet is dropped: at most once per next hop (IPv4 and IPv6:
        // the client and three real servers each), recovered by TCP's retransmission
        long noNeighbour = counters.stream().filter(c -> c.startsWith("drop_no_neighbour="))
                .mapToLong(c -> Long.parseLong(c.substring(c.indexOf('=') + 1))).sum();
        assertThat(noNeighbour).isLessThanOrEqualTo(8);
    }
}
