package io.jlvs.cli.rs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a user sees when rs-setup or rs-tunnel cannot do its job: one line and an exit code, before any change. */
class RsCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int setup(int euid, String... args) {
        return new CommandLine(new RsSetupCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> euid, dir.resolve("proc-sys"))).execute(args);
    }

    private int tunnel(int euid, String... args) {
        return new CommandLine(new RsTunnelCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> euid)).execute(args);
    }

    private String error() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rsSetupAsAnOrdinaryUserSaysItNeedsRoot() {
        assertThat(setup(1000, "dr", "10.0.0.100", "--state-dir", dir.toString())).isEqualTo(1);
        assertThat(error()).isEqualTo("jlvs rs-setup: must be run as root (it changes addresses and sysctls)\n");
        assertThat(out.size()).isZero();
    }

    @Test
    void rsSetupRefusesWhatIsNotAnIpv4AddressOrAMethod() {
        assertThat(setup(0, "dr", "10.0.0.300")).isEqualTo(2);
        assertThat(setup(0, "dr", "2001:db8::1")).isEqualTo(2);
        assertThat(setup(0, "nat", "10.0.0.1")).isEqualTo(2);
        assertThat(error().lines().toList()).containsExactly(
                "jlvs rs-setup: '10.0.0.300' is not an IPv4 address",
                "jlvs rs-setup: '2001:db8::1' is not an IPv4 address",
                "jlvs rs-setup: unknown method 'nat' (dr or tun)");
    }

    @Test
    void undoingAnAddressNeverSetUpNamesItAndTheMissingState() {
        assertThat(setup(0, "dr", "10.0.0.100", "--undo", "--state-dir", dir.toString())).isEqualTo(1);
        assertThat(error()).isEqualTo("jlvs rs-setup: 10.0.0.100 is not set up here (no "
                + dir.resolve("rs-setup-10.0.0.100") + ")\n");
    }

    /**
     * Real servers in network namespaces of one host (containers, a lab) share /run: each namespace other
     * than the host's keeps its rs-setup state apart, so undoing a VIP in one does not claim the VIP of
     * another was never set up.
     */
    @Test
    void eachNetworkNamespaceKeepsItsOwnStateByDefault() {
        Path base = Path.of("/run/jlvs");
        assertThat(RsSetupCommand.defaultStateDir(base, "net:[4026531840]", "net:[4026531840]")).isEqualTo(base);
        assertThat(RsSetupCommand.defaultStateDir(base, "net:[4026532281]", "net:[4026531840]"))
                .isEqualTo(base.resolve("netns-4026532281"));
        assertThat(RsSetupCommand.defaultStateDir(base, "net:[4026532290]", "net:[4026531840]"))
                .isNotEqualTo(RsSetupCommand.defaultStateDir(base, "net:[4026532281]", "net:[4026531840]"));
        // init's namespace unreadable (pid 1 of another pid namespace, as in a container): this namespace's own
        // directory, since it cannot tell it from another one of the host (before, every namespace shared /run/jlvs
        // there, and an --undo in one took another's state)
        assertThat(RsSetupCommand.defaultStateDir(base, "net:[4026532281]", null))
                .isEqualTo(base.resolve("netns-4026532281"));
        assertThat(RsSetupCommand.defaultStateDir(base, null, null)).as("nothing readable").isEqualTo(base);
    }

    @Test
    void rsTunnelChecksItsArgumentsAndRoot() {
        assertThat(tunnel(0, "10.0.0.100", "vip2")).isEqualTo(2);
        assertThat(tunnel(0, "10.0.0.100", "--gue", "0")).isEqualTo(2);
        assertThat(tunnel(1000, "10.0.0.100")).isEqualTo(1);
        // IPv6 virtual addresses (an IPv6 TUN service's) are taken too: parsed, then refused for the uid
        assertThat(tunnel(1000, "2001:db8::100", "10.0.0.100")).isEqualTo(1);
        assertThat(error().lines().toList()).containsExactly(
                "jlvs rs-tunnel: 'vip2' is not an IPv4 or IPv6 address",
                "jlvs rs-tunnel: --gue port must be 1..65535: 0",
                "jlvs rs-tunnel: must be run as root (it creates a TUN device and a raw socket)",
                "jlvs rs-tunnel: must be run as root (it creates a TUN device and a raw socket)");
    }

    @Test
    void rsTunnelTakesGueOrGreNotBoth() {
        assertThat(tunnel(1000, "10.0.0.100", "--gre")).as("parsed, then refused for the uid").isEqualTo(1);
        CommandLine jlvs = io.jlvs.cli.JlvsMain.commandLine();
        java.io.StringWriter usage = new java.io.StringWriter();
        jlvs.setErr(new java.io.PrintWriter(usage, true));
        assertThat(jlvs.execute("rs-tunnel", "10.0.0.100", "--gre", "--gue", "6080")).isEqualTo(2);
        assertThat(usage.toString()).startsWith("jlvs: ").contains("--gre").contains("mutually exclusive");
    }
}
