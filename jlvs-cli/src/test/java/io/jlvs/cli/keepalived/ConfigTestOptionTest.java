package io.jlvs.cli.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.cli.JlvsMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jlvs -t} and {@code jlvs --dump-conf}, keepalived's options on the top-level command. */
@Timeout(30)
class ConfigTestOptionTest {
    private static final String VALID = """
            global_defs {
                router_id lb1
            }
            virtual_server 192.168.0.10 80 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 10.0.0.11 80 {
                    weight 2
                    TCP_CHECK {
                        connect_timeout 3
                    }
                }
            }
            """;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int jlvs(String... args) {
        CommandLine cl = JlvsMain.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Path file(String text) throws Exception {
        Path f = dir.resolve("keepalived.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void aValidFileExitsZeroAndPrintsNothing() throws Exception {
        assertThat(jlvs("-t", "-f", file(VALID).toString())).isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anUnknownKeywordExitsFiveWithTheLine() throws Exception {
        Path f = file(VALID.replace("weight 2", "weight 2\n        wieght 3"));
        assertThat(jlvs("--config-test", "--use-file", f.toString(), "-i", "lb1")).isEqualTo(5);
        assertThat(err.toString()).isEqualTo("(" + f + ": Line 10) Unknown keyword 'wieght'" + System.lineSeparator());
    }

    @Test
    void aMissingFileExitsFour() {
        assertThat(jlvs("-t", "-f", dir.resolve("nope.conf").toString())).isEqualTo(4);
        assertThat(err.toString()).isNotEmpty();
    }

    @Test
    void dumpConfPrintsTheEffectiveConfiguration() throws Exception {
        Path f = file("$W=4\n" + VALID.replace("weight 2", "weight $W"));
        assertThat(jlvs("--dump-conf", "-f", f.toString())).isZero();
        assertThat(out.toString()).contains("virtual_server 192.168.0.10 80").contains("real_server 10.0.0.11 80")
                .contains("weight 4").contains("TCP_CHECK");
        out.getBuffer().setLength(0);
        assertThat(jlvs("-d", "-f", f.toString())).isZero();
        assertThat(out.toString()).contains("weight 4");
    }

    @Test
    void whatTheVrrpRuntimeDoesNotActOnIsSaidByConfigTestAndDump() throws Exception {
        Path f = file("""
                global_defs {
                    vrrp_mcast_group4 224.0.0.19
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        10.0.0.100/24 brd 10.0.0.255
                    }
                    virtual_ipaddress_excluded {
                        10.0.1.100/24
                    }
                }
                """);
        String mcast = "VRRP: global_defs: vrrp_mcast_group4 224.0.0.19 is not supported by the jlvs VRRP runtime"
                + " - ignored";
        String brd = "VRRP: (VI_1) virtual_ipaddress 10.0.0.100/24: brd 10.0.0.255 is not supported - the address"
                + " is added without a broadcast address";
        String excluded = "VRRP: (VI_1) virtual_ipaddress_excluded is not supported - 1 address(es) not added";
        // keepalived's verdict (exit code) is unchanged: these are jlvs's own notes, as jlvs run logs them
        int rc = jlvs("-t", "-f", f.toString());
        assertThat(err.toString().lines()).contains(mcast, brd, excluded);
        assertThat(err.toString()).doesNotContain("virtual_ipaddress_excluded is not supported by");
        assertThat(jlvs("-d", "-f", f.toString())).isEqualTo(rc);
        assertThat(out.toString()).contains("# jlvs run also logs:\n#   " + mcast + "\n#   " + brd + "\n#   " + excluded)
                .contains("#   global_defs: vrrp_mcast_group4 224.0.0.19  (")
                .contains("#   vrrp_instance: virtual_ipaddress_excluded  (");
    }
}
