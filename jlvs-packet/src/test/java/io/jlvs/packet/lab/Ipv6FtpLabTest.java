package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The FTP helper over IPv6 ({@code jlvs run --ftp-ports 21}, as {@code modprobe ip_vs_ftp ports=21}) in the IPv6
 * NAT lab: vsftpd listening on IPv6 on the three real servers (2001:db8:77:1::11-13) behind an rr service
 * [2001:db8:77::100]:21, one worker, and {@code curl -6} as the client: passive (EPSV, the 229 reply) and active
 * ({@code EPRT |2|...|}, the real server's connection from port 20) downloads arrive byte for byte, a waiting
 * passive data connection is listed as the kernel lists it, and the director's kernel never answers the client
 * (its {@code ip6 jlvs} guard kept the data connections from it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Ipv6FtpLabTest {
    private static final int FILE_BYTES = 3 * 1024 * 1024 + 17;
    PacketLab lab;
    private Path root;
    String sha256;

    /** Data-plane variants of the director ({@code jlvs.lab.*}) besides the helper on port 21 and IPv6; none here. */
    Map<String, String> directorOptions() {
        return Map.of();
    }

    /** More IPv6 addresses of the client (each downloads too: several workers); none here. */
    List<String> clientSources() {
        return List.of();
    }

    private boolean passiveRange() {
        return directorOptions().containsKey("jlvs.lab.ftpPassive");
    }

    @BeforeAll
    void up() throws IOException {
        Lab.requireNetns();
        String vsftpd = Lab.requireCommand("vsftpd", "vsftpd");
        root = Files.createTempDirectory("jlvs-ftp6lab", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = root.resolve("file.bin");
        Shell.run(List.of("sh", "-c", "head -c " + FILE_BYTES + " /dev/urandom > " + file + " && chmod 644 " + file),
                30).orThrow("test file");
        sha256 = Shell.run(List.of("sha256sum", file.toString()), 30).output().split(" ")[0];
        Path empty = Files.createDirectories(root.resolve(".empty"));
        Map<String, String> options = new HashMap<>(directorOptions());
        options.put("jlvs.lab.ftp", "21");
        options.put("jlvs.lab.ipv6", "true");
        lab = PacketLab.create("Masq", options);
        for (String a : clientSources()) {
            lab.client(10, "ip", "-6", "addr", "add", a + "/64", "dev", "eth0", "nodad").orThrow("client address");
        }
        for (int n = 1; n <= 3; n++) {
            Path conf = lab.dir.resolve("vsftpd" + n + ".conf");
            // listen_ipv6: one socket on [::]:21 (IPv4 too, which this test does not use)
            Files.writeString(conf, """
                    listen=NO
                    listen_ipv6=YES
                    background=NO
                    anonymous_enable=YES
                    no_anon_password=YES
                    local_enable=NO
                    write_enable=NO
                    anon_root=%s
                    secure_chroot_dir=%s
                    pasv_enable=YES
                    pasv_min_port=30000
                    pasv_max_port=30999
                    port_enable=YES
                    connect_from_port_20=YES
                    seccomp_sandbox=NO
                    isolate=NO
                    isolate_network=NO
                    xferlog_enable=NO
                    """.formatted(root, empty));
            lab.realServerBackground(n, lab.dir.resolve("vsftpd" + n + ".log"), vsftpd, conf.toString());
        }
        for (String rs : lab.servers6) {
            org.awaitility.Awaitility.await().atMost(15, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> reachable(rs));
        }
    }

    /** Whether vsftpd answers on [{@code rs}]:21, from the director's namespace. */
    private boolean reachable(String rs) throws IOException {
        return lab.inDirector("bash", "-c", "exec 3<>/dev/tcp/" + rs + "/21").exitCode() == 0;
    }

    @AfterAll
    void down() throws IOException {
        if (lab != null) {
            lab.close();
        }
        if (root != null) {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Downloads ftp://[VIP6]/file.bin over IPv6 with curl's {@code options}; the SHA-256 of what arrived. */
    String download(String name, String... options) throws IOException {
        Path out = lab.dir.resolve(name + ".bin");
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-6", "-g", "-sS", "--max-time", "20", "-o",
                out.toString()));
        cmd.addAll(List.of(options));
        cmd.add("ftp://[" + PacketLab.VIP6 + "]/file.bin");
        Shell.Result r = lab.client(30, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(name + ": " + r.output() + lab.stderr()).isZero();
        return Shell.run(List.of("sha256sum", out.toString()), 30).output().split(" ")[0];
    }

    @Test
    @Order(1)
    void aPassiveDownloadOverIpv6ArrivesIntact() throws IOException {
        long rewritten = lab.counter("ftp_passive_replies");
        long data = lab.counter("ftp_data_connections");
        assertThat(download("epsv6")).isEqualTo(sha256);
        // the 229 reply (curl -6 asks EPSV), its data connection's entry made by the helper
        assertThat(lab.counter("ftp_passive_replies") - rewritten).isEqualTo(1);
        assertThat(lab.counter("ftp_data_connections") - data).isEqualTo(1);
        assertThat(lab.counter("ftp_ignored_lines")).isZero();
    }

    @Test
    @Order(2)
    void anActiveDownloadFromPort20ReachesTheClientFromTheVirtualAddress() throws IOException {
        long data = lab.counter("ftp_data_connections");
        // -P -: EPRT |2|2001:db8:77::10|port|, the real server connects from [RS]:20
        assertThat(download("eprt6", "-P", "-")).isEqualTo(sha256);
        assertThat(lab.counter("ftp_data_connections") - data).isEqualTo(1);
        assertThat(lab.counter("ftp_ignored_lines")).isZero();
    }

    @Test
    @Order(3)
    void aPassiveDataConnectionIsListedAsTheKernelListsIt() throws IOException {
        // a session that asks for extended passive mode and then waits: the data entry, client port 0, in LISTEN
        Process session = lab.clientBackground(lab.dir.resolve("session.log"), "python3", "-c", """
                import socket, time
                s = socket.create_connection(("%s", 21), timeout=10)
                f = s.makefile("rwb")
                def cmd(c):
                    f.write(c + b"\\r\\n"); f.flush()
                    while True:
                        l = f.readline()
                        if l[3:4] == b" ": return l
                f.readline()
                cmd(b"USER anonymous"); cmd(b"PASS x")
                print(cmd(b"EPSV").decode().strip(), flush=True)
                time.sleep(20)
                """.formatted(PacketLab.VIP6));
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(lab.dir.resolve("session.log")).contains("229"));
            String reply = Files.readString(lab.dir.resolve("session.log")).strip();
            assertThat(reply).matches("229 .*\\(\\|\\|\\|30\\d\\d\\d\\|\\)");
            String port = reply.replaceAll(".*\\|\\|\\|(\\d+)\\|.*", "$1");
            List<String> conns = lab.ask("conns");
            // the client's address: 2001:db8:77::10, or the one its kernel picked among more (clientSources)
            String client = "\\[2001:db8:77::[0-9a-f]+]";
            assertThat(conns).anyMatch(l -> l.matches(client + ":0 \\[2001:db8:77::100]:" + port
                    + " \\[2001:db8:77:1::1[123]]:" + port + " LISTEN"));
            assertThat(conns).anyMatch(l -> l.matches(client + ":\\d+ \\[2001:db8:77::100]:21 "
                    + "\\[2001:db8:77:1::1[123]]:21 ESTABLISHED"));
        } finally {
            session.destroyForcibly();
        }
    }

    /**
     * The director's kernel never answered the client (no RST for the passive SYN to [VIP]:30xxx, no ICMPv6
     * error), and the {@code ip6 jlvs} guard counted what of the data connections it kept from it.
     */
    @Test
    @Order(4)
    void theDirectorsKernelStayedOutOfTheDataConnections() throws IOException {
        assertThat(lab.capturedRstAndIcmp()).isEmpty();
        String guard = lab.nftRuleset6();
        // the rules that drop (a rule before each remembers a first fragment's datagram, with no counter)
        String vipRule = guard.lines().filter(l -> l.contains("@ranges counter")).findFirst().orElse("");
        assertThat(vipRule).as(guard).matches(".*counter packets [1-9]\\d* .*");
        String serverRule = guard.lines().filter(l -> l.contains(passiveRange() ? "@masqranges" : "@masq ")
                        && l.contains(" counter ")).findFirst().orElse("");
        assertThat(serverRule).as(guard).matches(".*counter packets [1-9]\\d* .*");
    }

    /**
     * A local TCP service on the IPv6 virtual address (a Python listener on [VIP]:2222 in the director's
     * namespace): reachable from the client only with {@code --ftp-passive-ports}; without it the data plane
     * takes every TCP port of the VIP, as for IPv4.
     */
    @Test
    @Order(5)
    void aLocalTcpServiceOnTheVirtualAddress() throws Exception {
        Process listener = lab.directorBackground(lab.dir.resolve("listener.log"), "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("%s", 2222)); s.listen(5)
                print("listening", flush=True)
                while True:
                    c, _ = s.accept(); c.sendall(b"SSH-2.0-lab\\r\\n"); c.close()
                """.formatted(PacketLab.VIP6));
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(lab.dir.resolve("listener.log")).contains("listening"));
            Shell.Result r = lab.client(20, "python3", "-c", """
                    import socket
                    s = socket.create_connection(("%s", 2222), timeout=4)
                    print(s.recv(64).decode().strip())
                    """.formatted(PacketLab.VIP6));
            if (passiveRange()) {
                assertThat(r.exitCode()).as(r.output()).isZero();
                assertThat(r.output()).contains("SSH-2.0-lab");
            } else {
                assertThat(r.exitCode()).as("without --ftp-passive-ports the VIP's every TCP port is the data "
                        + "plane's: " + r.output()).isNotZero();
            }
        } finally {
            listener.destroyForcibly();
        }
    }

    /**
     * A real server's own outgoing TCP over IPv6 through the director, which masquerades its real servers (an
     * nftables rule in the director's namespace): with {@code --ftp-passive-ports} it is the kernel's and reaches
     * the client from a director's address; without it the data plane takes every TCP port of the real server
     * and routes it past the director's netfilter, untranslated, and the connection fails, as for IPv4.
     */
    @Test
    @Order(6)
    void aRealServersOwnTcpThroughTheDirectorsMasquerade() throws Exception {
        Shell.Result nat = lab.inDirector("nft", "add table ip6 labnat; add chain ip6 labnat post { type nat hook "
                + "postrouting priority srcnat; }; add rule ip6 labnat post ip6 saddr 2001:db8:77:1::/64 oifname eth0 "
                + "masquerade");
        assertThat(nat.exitCode()).as(nat.output()).isZero();
        Path peers = lab.dir.resolve("peers6.log");
        Process listener = lab.clientBackground(peers, "python3", "-c", """
                import socket
                s = socket.socket(socket.AF_INET6)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("::", 7777)); s.listen(5)
                print("listening", flush=True)
                while True:
                    c, a = s.accept(); print("peer", a[0], flush=True); c.close()
                """);
        Process connect = null;
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(peers).contains("listening"));
            connect = lab.realServerBackground(1, lab.dir.resolve("rs-connect6.log"), "python3", "-c", """
                    import socket
                    socket.create_connection(("%s", 7777), timeout=4).close()
                    """.formatted(PacketLab.CLIENT6));
            assertThat(connect.waitFor(10, TimeUnit.SECONDS)).isTrue();
            if (passiveRange()) {
                org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                        .pollInterval(java.time.Duration.ofMillis(100))
                        .until(() -> Files.readString(peers).contains("peer "));
                assertThat(Files.readString(peers)).containsAnyOf("peer " + PacketLab.DIRECTOR6 + "\n",
                        "peer " + PacketLab.VIP6 + "\n").doesNotContain("peer 2001:db8:77:1:");
                assertThat(connect.exitValue()).isZero();
            } else {
                // the worker routes it past the masquerade, untranslated: the client cannot answer 2001:db8:77:1::11
                assertThat(connect.exitValue()).as("without --ftp-passive-ports").isNotZero();
                assertThat(Files.readString(peers)).doesNotContain("peer ");
            }
        } finally {
            if (connect != null) {
                connect.destroyForcibly();
            }
            listener.destroyForcibly();
            lab.inDirector("nft", "delete table ip6 labnat");
        }
    }
}
