package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The checks made once a block, or the whole file, is read: keepalived prints them without a line, jlvs
 * at the line of the block concerned (the real_server for a real server's, the virtual_server, the
 * vrrp_instance or the vrrp_sync_group otherwise), with keepalived's words.
 */
class LateCheckLineTest {

    @Test
    void blockChecksCarryTheirBlocksLine() {
        ParseResult r = Corpus.parser().parse("k.conf", """
                vrrp_instance VI_1 {
                  interface nosuchif0
                  priority 100
                  virtual_ipaddress {
                    10.0.0.100
                  }
                }
                vrrp_sync_group VG1 {
                  group {
                    VI_9
                  }
                }
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  lb_algo rr
                  lb_kind DR
                  quorum 5
                  hysteresis 3
                  real_server 10.0.0.2 8080 {
                    weight 1
                  }
                  real_server 10.0.0.2 8080 {
                    weight 1
                  }
                }
                """, Path.of("."));
        assertThat(r.problems()).extracting(p -> p.format(false)).containsExactly(
                "(Line 2) WARNING - interface nosuchif0 for vrrp_instance VI_1 doesn't exist",
                "(Line 1) (VI_1) the virtual router id must be set",
                "(Line 1) (VI_1) Unknown interface!",
                // about the whole file, as keepalived prints it
                "Non-existent interface specified in configuration",
                "(Line 19) WARNING - virtual server [10.0.0.1]:tcp:80 and real server [10.0.0.2]:tcp:8080 ports"
                        + " don't match - resetting",
                "(Line 22) VS [10.0.0.1]:tcp:80: real server [10.0.0.2]:tcp:8080 is duplicated - removing second rs",
                "(Line 13) Warning - quorum 5 for [10.0.0.1]:tcp:80 exceeds total weight of real servers 1, reducing"
                        + " quorum to 1",
                "(Line 13) Virtual server [10.0.0.1]:tcp:80: hysteresis 3 >= quorum 1; setting hysteresis to 0",
                "(Line 8) Virtual router VI_9 specified in sync group VG1 doesn't exist - ignoring",
                "(Line 8) Sync group VG1 has no virtual router(s) - removing");
    }
}
