package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every problem found inside a block carries the file:line of the line where it is, not the line of the
 * block's keyword (keepalived prints the line it was reading). One case per kind of block; the line
 * with the problem is marked {@code # <-}.
 */
class ProblemLineTest {
    private static final String MARK = "# <-";

    @TempDir
    Path dir;

    static Stream<Arguments> blocks() {
        return Stream.of(
                Arguments.of("global_defs", """
                        global_defs {
                            router_id r1
                            vrrp_version 7 # <-
                        }
                        """, "Version must be either 2 or 3"),
                Arguments.of("global_defs unknown keyword", """
                        global_defs {
                            router_id r1

                            no_such_global_keyword 1 # <-
                        }
                        """, "Unknown keyword"),
                Arguments.of("vrrp_instance", """
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            priority 0 # <-
                            virtual_ipaddress {
                                192.0.2.100
                            }
                        }
                        """, "Priority not valid"),
                Arguments.of("vrrp_instance virtual_ipaddress line", """
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            virtual_ipaddress {
                                192.0.2.100
                                not-an-address # <-
                            }
                        }
                        """, "Invalid address not-an-address"),
                Arguments.of("vrrp_instance authentication", """
                        vrrp_instance VI_1 {
                            interface eth0
                            virtual_router_id 51
                            authentication {
                                auth_pass secret
                                auth_type NONE # <-
                            }
                            virtual_ipaddress {
                                192.0.2.100
                            }
                        }
                        """, "unknown authentication type"),
                Arguments.of("vrrp_script", """
                        global_defs {
                            enable_script_security
                        }
                        vrrp_script chk {
                            script "/bin/true"
                            interval 2
                            weight 1000 # <-
                        }
                        """, "weight 1000 must be in"),
                Arguments.of("vrrp_sync_group", """
                        vrrp_sync_group G {
                            group {
                                VI_1
                            }
                            global_tracking # <-
                        }
                        """, "global_tracking is deprecated"),
                Arguments.of("track_file", """
                        track_file tf {
                            file /tmp/x
                            weight 9999 # <-
                        }
                        """, "weight"),
                Arguments.of("virtual_server_group member line", """
                        virtual_server_group G {
                            192.0.2.1 80
                            192.0.2.300 80 # <-
                        }
                        """, "192.0.2.300"),
                Arguments.of("virtual_server", """
                        virtual_server 192.0.2.1 80 {
                            lb_kind NAT
                            protocol TCP
                            lb_algo roundrobin # <-
                            real_server 192.0.2.2 80 {
                            }
                        }
                        """, "Invalid lvs_scheduler"),
                Arguments.of("real_server", """
                        virtual_server 192.0.2.1 80 {
                            lb_algo rr
                            lb_kind NAT
                            protocol TCP
                            real_server 192.0.2.2 80 {
                                weight 1
                                inhibit_on_failure maybe # <-
                            }
                        }
                        """, "maybe"),
                Arguments.of("TCP_CHECK", """
                        virtual_server 192.0.2.1 80 {
                            lb_algo rr
                            lb_kind NAT
                            protocol TCP
                            real_server 192.0.2.2 80 {
                                TCP_CHECK {
                                    connect_port 80
                                    connect_timeout x # <-
                                }
                            }
                        }
                        """, "connect_timeout"),
                Arguments.of("HTTP_GET url", """
                        virtual_server 192.0.2.1 80 {
                            lb_algo rr
                            lb_kind NAT
                            protocol TCP
                            real_server 192.0.2.2 80 {
                                HTTP_GET {
                                    url {
                                        path /
                                        status_code 9999 # <-
                                    }
                                }
                            }
                        }
                        """, "status code"));
    }

    @Test
    void valueLineFromAnIncludedFileNamesThatFileAndLine() throws IOException {
        Files.writeString(dir.resolve("members.conf"), "192.0.2.1 80\n192.0.2.300 80\n");
        ParseResult r = new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), 1)
                .parse("main.conf", "virtual_server_group G {\n    include members.conf\n}\n", dir);
        assertThat(r.problems()).filteredOn(p -> p.message().contains("192.0.2.300")).isNotEmpty()
                .allSatisfy(p -> assertThat(p.format(true)).startsWith("(members.conf: Line 2) "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void problemCarriesTheLineItIsOn(String block, String text, String messagePart) {
        List<String> lines = text.lines().toList();
        int expected = java.util.stream.IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(MARK))
                .findFirst().orElseThrow() + 1;
        ParseResult r = new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), 1)
                .parse("lines.conf", text, dir);
        assertThat(r.problems()).as(block).filteredOn(p -> p.message().contains(messagePart)).isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(p.line()).as(p.format(true)).isEqualTo(expected);
                    assertThat(p.file()).isEqualTo("lines.conf");
                });
    }
}
