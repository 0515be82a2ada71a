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

/**
 * A track_interface that is not on the host: keepalived 2.2.7 -t names it and exits 5, and its VRRP process
 * refuses to start ("Non-existent interface specified in configuration", then "exited with permanent error
 * CONFIG. Terminating"). jlvs said nothing and ran the instance in FAULT for good.
 */
@Timeout(30)
class NonExistentInterfaceTest {
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

    private Path conf() throws Exception {
        Path f = dir.resolve("keepalived.conf");
        // a unicast instance needs no interface of its own: the tracked one is the only name the host is asked for
        Files.writeString(f, """
                vrrp_instance VI_1 {
                    virtual_router_id 51
                    priority 100
                    unicast_src_ip 192.0.2.9
                    unicast_peer {
                        192.0.2.10
                    }
                    track_interface {
                        jlvsnosuch0
                    }
                    virtual_ipaddress {
                        192.0.2.1/24
                    }
                }
                """);
        return f;
    }

    @Test
    void configTestNamesTheMissingTrackedInterface() throws Exception {
        Path f = conf();
        assertThat(jlvs("-t", "-f", f.toString())).isEqualTo(5);
        assertThat(err.toString().lines()).containsExactly(
                "(" + f + ": Line 9) (VI_1) tracked interface jlvsnosuch0 doesn't exist",
                "Non-existent interface specified in configuration");
    }

    @Test
    void runDoesNotStartAndSaysWhy() throws Exception {
        Path f = conf();
        assertThat(jlvs("run", "-f", f.toString(), "--no-admin", "--socket", dir.resolve("j.sock").toString()))
                .isEqualTo(1);
        assertThat(err.toString()).contains("jlvs: (" + f + ": Line 9) (VI_1) tracked interface jlvsnosuch0 doesn't exist")
                .contains("jlvs: Non-existent interface specified in configuration")
                .contains("jlvs: Not starting: " + f + " cannot be used");
        assertThat(dir.resolve("j.sock")).doesNotExist();
    }
}
