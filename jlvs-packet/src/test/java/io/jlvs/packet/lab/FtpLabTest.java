package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The FTP helper in the NAT lab ({@code jlvs run --ftp-ports 21}, as {@code modprobe ip_vs_ftp ports=21}): vsftpd
 * on the three real servers (announcing their own private addresses in 227 replies, connecting from port 20 in
 * active mode) behind an rr service VIP:21, and curl as the client: passive (EPSV, and PASV with
 * {@code --disable-epsv}) and active (EPRT, and PORT with {@code --disable-eprt}) downloads arrive byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FtpLabTest {
    private static final int FILE_BYTES = 3 * 1024 * 1024 + 17;
    private PacketLab lab;
    private Path root;
    private String sha256;

    /** Data-plane variants of the director ({@code jlvs.lab.*}) besides the helper on port 21; none here. */
    Map<String, String> directorOptions() {
        return Map.of();
    }

    @BeforeAll
    void up() throws IOException {
        Lab.requireNetns();
        String vsftpd = Lab.requireCommand("vsftpd", "vsftpd");
        // vsftpd serves anonymous sessions as user ftp from a root it can read and not write
        root = Files.createTempDirectory("jlvs-ftplab", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path file = root.resolve("file.bin");
        Shell.run(List.of("sh", "-c", "head -c " + FILE_BYTES + " /dev/urandom > " + file + " && chmod 644 " + file),
                30).orThrow("test file");
        sha256 = Shell.run(List.of("sha256sum", file.toString()), 30).output().split(" ")[0];
        Path empty = Files.createDirectories(root.resolve(".empty"));
        Map<String, String> options = new java.util.HashMap<>(directorOptions());
        options.put("jlvs.lab.ftp", "21");
        lab = PacketLab.create("Masq", options);
        for (int n = 1; n <= 3; n++) {
            Path conf = lab.dir.resolve("vsftpd" + n + ".conf");
            Files.writeString(conf, """
                    listen=YES
                    listen_ipv6=NO
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
        for (String rs : lab.servers) {
            org.awaitility.Awaitility.await().atMost(15, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> reachable(rs));
        }
    }

    /** Whether vsftpd answers on {@code rs}:21, from the director's namespace. */
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

    /** Downloads ftp://VIP/file.bin with curl's {@code options}; the SHA-256 of what arrived. */
    private String download(String name, String... options) throws IOException {
        Path out = lab.dir.resolve(name + ".bin");
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-o", out.toString()));
        cmd.addAll(List.of(options));
        cmd.add("ftp://" + PacketLab.VIP + "/file.bin");
        Shell.Result r = lab.client(30, cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(name + ": " + r.output() + lab.stderr()).isZero();
        return Shell.run(List.of("sha256sum", out.toString()), 30).output().split(" ")[0];
    }

    @Test
    void passiveDownloadsThroughTheVirtualAddressArriveIntact() throws IOException {
        long rewritten = lab.counter("ftp_passive_replies");
        assertThat(download("epsv")).isEqualTo(sha256);
        assertThat(download("pasv", "--disable-epsv")).isEqualTo(sha256);
        // the 229 and the 227 reply, counted (jlvs_packets_total{event="ftp_reply_rewritten"})
        assertThat(lab.counter("ftp_passive_replies") - rewritten).isEqualTo(2);
        assertThat(lab.counter("ftp_ignored_lines")).isZero();
    }

    @Test
    void activeDownloadsFromPort20ReachTheClientFromTheVirtualAddress() throws IOException {
        long fastBefore = lab.counter("fast_path_packets");
        assertThat(download("eprt", "-P", "-")).isEqualTo(sha256);
        assertThat(download("port", "-P", "-", "--disable-eprt")).isEqualTo(sha256);
        if (lab.fastPath()) {
            // the data connections may go to the fast path as any other (the control connection stays);
            // what it forwarded is accounted once a second
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                    .until(() -> lab.counter("fast_path_packets") - fastBefore > FILE_BYTES / 1500 / 2);
        }
    }

    /**
     * A local TCP service on the virtual address (sshd, here a Python listener on VIP:2222 in the director's
     * namespace): reachable from the client only with {@code --ftp-passive-ports}; without it the data plane
     * takes every TCP port of the VIP (found by review), which this documents.
     */
    @Test
    void aLocalTcpServiceOnTheVirtualAddress() throws Exception {
        boolean passive = directorOptions().containsKey("jlvs.lab.ftpPassive");
        Process listener = lab.directorBackground(lab.dir.resolve("listener.log"), "python3", "-c", """
                import socket
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("%s", 2222)); s.listen(5)
                print("listening", flush=True)
                while True:
                    c, _ = s.accept(); c.sendall(b"SSH-2.0-lab\\r\\n"); c.close()
                """.formatted(PacketLab.VIP));
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(lab.dir.resolve("listener.log")).contains("listening"));
            Shell.Result r = lab.client(20, "python3", "-c", """
                    import socket
                    s = socket.create_connection(("%s", 2222), timeout=4)
                    print(s.recv(64).decode().strip())
                    """.formatted(PacketLab.VIP));
            if (passive) {
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
     * A real server's own outgoing TCP (apt, SMTP) through the director, which masquerades its real servers
     * (an nftables rule in the director's namespace): with {@code --ftp-passive-ports} it is the kernel's and
     * reaches the client from the director's address; without it the data plane takes every TCP port of the
     * real server and routes it past the director's netfilter, untranslated, and the connection fails (found by
     * review).
     */
    @Test
    void aRealServersOwnTcpThroughTheDirectorsMasquerade() throws Exception {
        boolean passive = directorOptions().containsKey("jlvs.lab.ftpPassive");
        Shell.Result nat = lab.inDirector("nft", "add table ip labnat; add chain ip labnat post { type nat hook "
                + "postrouting priority srcnat; }; add rule ip labnat post ip saddr 10.77.1.0/24 oifname eth0 "
                + "masquerade");
        assertThat(nat.exitCode()).as(nat.output()).isZero();
        Path peers = lab.dir.resolve("peers.log");
        Process listener = lab.clientBackground(peers, "python3", "-c", """
                import socket
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("0.0.0.0", 7777)); s.listen(5)
                print("listening", flush=True)
                while True:
                    c, a = s.accept(); print("peer", a[0], flush=True); c.close()
                """);
        Process connect = null;
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(peers).contains("listening"));
            connect = lab.realServerBackground(1, lab.dir.resolve("rs-connect.log"), "python3", "-c", """
                    import socket
                    socket.create_connection(("10.77.0.10", 7777), timeout=4).close()
                    """);
            connect.waitFor(10, TimeUnit.SECONDS);
            if (passive) {
                org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                        .pollInterval(java.time.Duration.ofMillis(100))
                        .until(() -> Files.readString(peers).contains("peer "));
                assertThat(Files.readString(peers)).contains("peer " + PacketLab.DIRECTOR)
                        .doesNotContain("peer 10.77.1.");
                assertThat(connect.exitValue()).isZero();
            } else {
                // the worker routes it past the masquerade, untranslated: the client cannot answer 10.77.1.11
                assertThat(connect.isAlive()).isFalse();
                assertThat(connect.exitValue()).as("without --ftp-passive-ports").isNotZero();
                assertThat(Files.readString(peers)).doesNotContain("peer ");
            }
        } finally {
            if (connect != null) {
                connect.destroyForcibly();
            }
            listener.destroyForcibly();
            lab.inDirector("nft", "delete table ip labnat");
        }
    }

    @Test
    void aPassiveDataConnectionIsListedAsTheKernelListsIt() throws IOException {
        // a session that asks for passive mode and then waits: the data entry, client port 0, in LISTEN
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
                print(cmd(b"PASV").decode().strip(), flush=True)
                time.sleep(20)
                """.formatted(PacketLab.VIP));
        try {
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS)
                    .pollInterval(java.time.Duration.ofMillis(100))
                    .until(() -> Files.readString(lab.dir.resolve("session.log")).contains("227"));
            String reply = Files.readString(lab.dir.resolve("session.log")).strip();
            assertThat(reply).contains("(10,77,0,100,");
            List<String> conns = lab.ask("conns");
            assertThat(conns).anyMatch(l -> l.matches("10\\.77\\.0\\.10:0 10\\.77\\.0\\.100:30\\d\\d\\d "
                    + "10\\.77\\.1\\.1[123]:30\\d\\d\\d LISTEN"));
            assertThat(conns).anyMatch(l -> l.matches("10\\.77\\.0\\.10:\\d+ 10\\.77\\.0\\.100:21 "
                    + "10\\.77\\.1\\.1[123]:21 ESTABLISHED"));
        } finally {
            session.destroyForcibly();
        }
    }
}
