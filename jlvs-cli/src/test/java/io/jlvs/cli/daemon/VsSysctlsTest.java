package io.jlvs.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.DefenseSettings;
import io.jlvs.conn.ForwardingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPVS sysctls an SRE already keeps in sysctl.d reach the packet data plane: read in systemd-sysctl's
 * order (file names across the directories, /etc replacing /usr/lib, /etc/sysctl.conf last; later wins),
 * then {@code --sysctl}. Bad values in files are reported and the default kept; keys jlvs does not apply are
 * reported; nothing else in the files matters.
 */
class VsSysctlsTest {
    @TempDir
    Path dir;

    @Test
    void theFilesAreReadInSystemdOrderAndTheLaterAssignmentWins() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("usr/lib/sysctl.d"));
        Path etc = Files.createDirectories(dir.resolve("etc/sysctl.d"));
        Files.writeString(lib.resolve("50-lvs.conf"), "net.ipv4.vs.sloppy_tcp = 1\nnet.ipv4.vs.conn_reuse_mode=0\n");
        Files.writeString(lib.resolve("60-other.conf"), "net.ipv4.vs.expire_quiescent_template = 1\n");
        // the same name in /etc replaces the /usr/lib file as a whole
        Files.writeString(etc.resolve("60-other.conf"), "# local\nnet.ipv4.ip_forward = 1\n");
        Files.writeString(etc.resolve("90-lvs.conf"), """
                ; comment
                net/ipv4/vs/expire_nodest_conn=1
                -net.ipv4.vs.conn_reuse_mode = 2
                net.ipv4.vs.sloppy_sctp = yes
                net.ipv4.vs.secure_tcp = 3
                net.ipv4.vs.snat_reroute = 0
                net.ipv4.vs.drop_entry = 4
                net.ipv4.vs.amemthresh = 0x800
                net.ipv4.vs.nat_icmp_send = 1
                """);
        Path conf = dir.resolve("etc/sysctl.conf");
        Files.writeString(conf, "net.ipv4.vs.sloppy_tcp = 0\n");

        VsSysctls s = VsSysctls.fromFiles(List.of(lib, dir.resolve("run/sysctl.d"), etc), conf);
        DefenseSettings secure = new DefenseSettings(2048, 0, 0, 3, 10);
        ForwardingSettings natIcmpSend = new ForwardingSettings(false, true, true);
        assertThat(s.connSettings()).isEqualTo(new ConnTableSettings(true, false, 3, false, false, secure,
                natIcmpSend));
        assertThat(s.appliedLines()).contains("net.ipv4.vs.expire_nodest_conn = 1 (from " + etc.resolve("90-lvs.conf")
                + ":2)", "net.ipv4.vs.sloppy_tcp = 0 (from " + conf + ":1)");
        assertThat(s.problems()).containsExactly(
                etc.resolve("90-lvs.conf") + ":4: net.ipv4.vs.sloppy_sctp: 'yes' is not an integer; the default is kept",
                etc.resolve("90-lvs.conf") + ":7: net.ipv4.vs.drop_entry: '4' is not a mode (0 off, 1 and 2 automatic, "
                        + "3 always); the default is kept",
                etc.resolve("90-lvs.conf") + ":6: net.ipv4.vs.snat_reroute is not applied: the packet data plane has no "
                        + "such setting");

        s.set("net.ipv4.vs.sloppy_tcp=1");
        s.set("expire_nodest_conn=0");
        s.set("net.ipv4.vs.drop_packet=1");
        s.set("net.ipv4.vs.schedule_icmp=1");
        assertThat(s.connSettings()).isEqualTo(new ConnTableSettings(false, false, 3, true, false,
                new DefenseSettings(2048, 0, 1, 3, 10), new ForwardingSettings(true, true, true)));
        assertThatThrownBy(() -> s.set("sloppy_tcp")).hasMessageStartingWith("--sysctl takes KEY=VALUE");
    }

    /**
     * As the kernel and systemd-sysctl read them: a value with a comment after it, hex, any non-zero
     * conn_reuse_mode (bit 2 adds FIN_WAIT), key globs, Latin-1 bytes in a comment; and /etc/sysctl.conf,
     * which Debian links as /etc/sysctl.d/99-sysctl.conf, read once, in that place (a later file wins over it).
     */
    @Test
    void valuesGlobsAndTheDebianSysctlConfLinkAreReadAsSystemdAndTheKernelDo() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc/sysctl.d"));
        Path conf = dir.resolve("etc/sysctl.conf");
        Files.writeString(conf, "net.ipv4.vs.expire_nodest_conn = 0\n");
        Files.createSymbolicLink(etc.resolve("99-sysctl.conf"), conf);
        Files.write(etc.resolve("zz-lvs.conf"), ("# r\u00e9glages\nnet.ipv4.vs.expire_nodest_conn = 1   # drain\n"
                + "net.ipv4.vs.sloppy_* = 0x1\nnet.ipv4.vs.conn_reuse_mode = 2\nnet.ipv4.vs.expire_quiescent_template\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        VsSysctls s = VsSysctls.fromFiles(List.of(etc), conf);
        assertThat(s.connSettings()).isEqualTo(new ConnTableSettings(true, false, 3, true, true));
        assertThat(s.problems()).containsExactly(etc.resolve("zz-lvs.conf") + ":5: "
                + "'net.ipv4.vs.expire_quiescent_template' has no '='; ignored");
        assertThat(VsSysctls.integer(" -1 ")).isEqualTo(-1);
        assertThat(VsSysctls.integer("+1")).isNull();
        assertThat(VsSysctls.integer("010")).isEqualTo(8);
    }

    @Test
    void withoutFilesTheKernelsDefaultsApply() {
        VsSysctls s = VsSysctls.fromFiles(List.of(dir.resolve("none")), dir.resolve("sysctl.conf"));
        assertThat(s.connSettings()).isEqualTo(ConnTableSettings.DEFAULTS);
        assertThat(s.problems()).isEmpty();
        assertThat(s.appliedLines()).isEmpty();
    }
}
