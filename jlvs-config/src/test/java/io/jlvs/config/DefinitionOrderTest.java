package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.FileCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * keepalived looks a tracked vrrp_script / track_file, a FILE_CHECK's track_file and a BFD_CHECK's
 * bfd_instance up when it reads the line that names it: one defined further down the file is "not found"
 * and left out (checked with keepalived 2.2.7 --config-test), and so it is in jlvs.
 */
class DefinitionOrderTest {

    private static ParseResult parse(String text) {
        return Corpus.parser().parse("k.conf", text, Path.of("."));
    }

    @Test
    void aScriptOrFileDefinedAfterTheInstanceIsNotTracked() {
        ParseResult r = parse("""
                global_defs {
                  enable_script_security
                  script_user root
                }
                vrrp_script chk_early {
                  script /bin/true
                }
                vrrp_instance VI_1 {
                  interface eth0
                  virtual_router_id 51
                  priority 100
                  virtual_ipaddress {
                    10.0.0.100
                  }
                  track_script {
                    chk_early
                    chk_later weight 10
                  }
                  track_file {
                    tf_later
                  }
                }
                vrrp_instance VI_2 {
                  interface eth0
                  virtual_router_id 52
                  priority 100
                  virtual_ipaddress {
                    10.0.0.101
                  }
                }
                vrrp_sync_group G1 {
                  group {
                    VI_1
                    VI_2
                  }
                  track_script {
                    chk_later
                  }
                }
                vrrp_script chk_later {
                  script /bin/true
                }
                track_file tf_later {
                  file /tmp/x
                }
                """);
        assertThat(r.problems()).extracting(p -> p.format(false)).containsExactly(
                "(Line 17) (VI_1) track script chk_later not found, ignoring...",
                "(Line 20) (VI_1) track file tf_later not found, ignoring...",
                "(Line 37) (G1) track script chk_later not found, ignoring...");
        assertThat(r.config().vrrpInstances().getFirst().trackScripts()).containsExactly("chk_early");
        assertThat(r.config().vrrpInstances().getFirst().trackFiles()).isEmpty();
        assertThat(r.config().syncGroups().getFirst().trackScripts()).isEmpty();
        assertThat(r.config().vrrpScripts()).extracting(s -> s.name()).containsExactly("chk_early", "chk_later");
    }

    @Test
    void aScriptDefinedBeforeIsTrackedWhereverTheInstanceIs() {
        ParseResult r = parse("""
                vrrp_script chk {
                  script /bin/true
                }
                vrrp_instance VI_1 {
                  interface eth0
                  virtual_router_id 51
                  priority 100
                  virtual_ipaddress {
                    10.0.0.100
                  }
                  track_script {
                    chk weight 5
                  }
                }
                """);
        assertThat(r.config().vrrpInstances().getFirst().trackScripts()).containsExactly("chk weight 5");
    }

    @Test
    void checkersNameOnlyTrackFilesAndBfdInstancesDefinedAboveThem() {
        String vs = """
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  lb_algo rr
                  lb_kind NAT
                  real_server 10.0.0.2 80 {
                    FILE_CHECK {
                      track_file tf1
                    }
                    BFD_CHECK {
                      name b1
                    }
                  }
                }
                """;
        String defs = """
                track_file tf1 {
                  file /tmp/x
                }
                bfd_instance b1 {
                  neighbor_ip 10.0.0.2
                }
                """;
        ParseResult after = parse(vs + defs);
        assertThat(after.problems()).extracting(p -> p.format(false)).containsExactly(
                "(Line 7) track_file tf1 not found", "(Line 6) FILE_CHECK has no track_file specified - ignoring",
                "(Line 10) BFD_CHECK - BFD b1 not configured");
        assertThat(after.config().virtualServers().getFirst().realServers().getFirst().checkers()).isEmpty();
        ParseResult before = parse(defs + vs);
        assertThat(before.problems()).isEmpty();
        assertThat(before.config().virtualServers().getFirst().realServers().getFirst().checkers())
                .hasSize(2).first().isInstanceOf(FileCheck.class);
    }
}
