package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The availability probe's one line, from fixtures and from a real unprivileged process. */
class SysProbeTest {
    private static final String ROOT_STATUS = """
            Name:\tjava
            Uid:\t0\t0\t0\t0
            CapInh:\t0000000000000000
            CapPrm:\t000001ffffffffff
            CapEff:\t000001ffffffffff
            CapBnd:\t000001ffffffffff
            """;
    private static final String NOBODY_STATUS = """
            Name:\tjava
            Uid:\t65534\t65534\t65534\t65534
            CapInh:\t0000000000000000
            CapPrm:\t0000000000000000
            CapEff:\t0000000000000000
            """;
    private static final String NET_RAW_ONLY = "CapEff:\t0000000000002000\n";

    @TempDir
    Path dir;

    private Path fixture(String text) throws Exception {
        Path p = Files.createTempFile(dir, "status", "");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void capEffBitsAreParsed() {
        Capabilities root = Capabilities.parseStatus(ROOT_STATUS);
        Capabilities raw = Capabilities.parseStatus(NET_RAW_ONLY);
        Capabilities none = Capabilities.parseStatus(NOBODY_STATUS);

        assertThat(root.netRaw()).isTrue();
        assertThat(root.netAdmin()).isTrue();
        assertThat(raw.netRaw()).isTrue();
        assertThat(raw.netAdmin()).isFalse();
        assertThat(none.netRaw()).isFalse();
        assertThat(none.hex()).isEqualTo("0000000000000000");
        assertThatThrownBy(() -> Capabilities.parseStatus("Name:\tjava\n")).hasMessageContaining("no CapEff");
        assertThatThrownBy(() -> Capabilities.parseStatus("CapEff:\tzz\n")).hasMessageContaining("'zz'");
    }

    @Test
    void saysWhyInOneLine() throws Exception {
        assertThat(new SysProbe("Mac OS X", fixture(ROOT_STATUS)).probe("lo").message())
                .isEqualTo("packet data plane cannot start: not Linux (os.name=Mac OS X); AF_PACKET is Linux only");
        assertThat(new SysProbe("Linux", fixture(NOBODY_STATUS)).probe("lo").message())
                .isEqualTo("packet data plane cannot start: no CAP_NET_RAW (CapEff=0000000000000000); "
                        + "run as root or grant cap_net_raw,cap_net_admin");
        assertThat(new SysProbe("Linux", dir.resolve("missing")).probe("lo").message())
                .startsWith("packet data plane cannot start: cannot read capabilities from " + dir.resolve("missing"));
        ProbeResult noIf = new SysProbe("Linux", fixture(ROOT_STATUS)).probe("jlvsnosuch0");
        assertThat(noIf.ok()).isFalse();
        assertThat(noIf.message()).isEqualTo("packet data plane cannot start: no such interface: jlvsnosuch0 (ENODEV)");
        assertThat(noIf.message()).doesNotContain("\n");
    }

    @Test
    void rootCanStartOnLoopback() {
        Lab.requireRoot();
        ProbeResult r = SysProbe.forThisProcess().probe("lo");
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.message()).isEqualTo("packet data plane can start on lo (ifindex 1)");
    }

    /** A child JVM as nobody: the real CapEff says no; told it has the capability, the kernel says EPERM. */
    @Test
    void anUnprivilegedProcessIsToldWhy() throws Exception {
        Lab.requireRoot();
        String runuser = Lab.requireCommand("runuser", "util-linux");
        Path classes = Path.of(SysProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Lab.require(Files.isDirectory(classes), "jlvs-sys classes are not a directory: " + classes);
        Path copy = Files.createTempDirectory("jlvs-probe");
        try {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path p : files.toList()) {
                    Path to = copy.resolve(classes.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to);
                    }
                }
            }
            Path claims = copy.resolve("status-claims-net-raw");
            Files.writeString(claims, ROOT_STATUS);
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path p : files.toList()) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                            Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> base = List.of(runuser, "-u", "nobody", "--", java, "-XX:-UsePerfData", "-Xshare:auto",
                    "--enable-native-access=ALL-UNNAMED", "-cp", copy.toString(), SysProbe.class.getName(), "lo");

            Shell.Result real = Shell.run(base, 60);
            List<String> withClaim = new java.util.ArrayList<>(base);
            withClaim.add(claims.toString());
            Shell.Result claimed = Shell.run(withClaim, 60);

            assertThat(real.output().strip()).isEqualTo("packet data plane cannot start: no CAP_NET_RAW "
                    + "(CapEff=0000000000000000); run as root or grant cap_net_raw,cap_net_admin");
            assertThat(claimed.output().strip()).isEqualTo("packet data plane cannot start: AF_PACKET refused: "
                    + "socket(AF_PACKET, 3, 0): EPERM (Operation not permitted)");
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
