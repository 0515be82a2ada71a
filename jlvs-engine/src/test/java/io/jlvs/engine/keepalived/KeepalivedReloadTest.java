package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.engine.ServiceRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reload applies only the differences, and a broken file changes nothing. */
@Timeout(60)
class KeepalivedReloadTest {
    private static final InetServiceKey WEB = new InetServiceKey(Protocol.TCP, IpAddress.parse("192.168.0.10"), 80);
    private static final InetServiceKey MAIL = new InetServiceKey(Protocol.TCP, IpAddress.parse("192.168.0.10"), 25);

    @TempDir
    Path dir;

    private static String conf(String webServers, String mail) {
        return """
                virtual_server 192.168.0.10 80 {
                    lb_algo wlc
                    lb_kind NAT
                    protocol TCP
                """ + webServers + "}\n" + mail;
    }

    private static String rs(String ip, int weight) {
        return "    real_server " + ip + " 80 {\n        weight " + weight + "\n    }\n";
    }

    private static final String MAIL_BLOCK = """
            virtual_server 192.168.0.10 25 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 10.0.0.31 25 {
                }
            }
            """;

    private static DestinationState destination(Conf c, InetServiceKey key, String ip) {
        ServiceRuntime rt = c.engine.snapshot().service(key);
        return rt.destinations().get(rt.destinations().indexOf(IpAddress.parse(ip), 80));
    }

    @Test
    void weightChangesAreEditsAndEverythingElseStaysTheSameObject() {
        try (Conf c = new Conf(dir, conf(rs("10.0.0.11", 1) + rs("10.0.0.12", 1), MAIL_BLOCK))) {
            c.runtime.start();
            DestinationState a = destination(c, WEB, "10.0.0.11");
            DestinationState b = destination(c, WEB, "10.0.0.12");
            ServiceRuntime mail = c.engine.snapshot().service(MAIL);
            a.counters().inbound(3, 300);

            c.write(conf(rs("10.0.0.11", 5) + rs("10.0.0.12", 1), MAIL_BLOCK));
            assertThat(c.runtime.reload().applied()).isTrue();

            assertThat(c.table()).containsExactlyInAnyOrder(
                    Conf.row("[192.168.0.10]:tcp:80 wlc", "[10.0.0.11]:80 Masq w=5", "[10.0.0.12]:80 Masq w=1"),
                    Conf.row("[192.168.0.10]:tcp:25 rr", "[10.0.0.31]:25 Masq w=1"));
            assertThat(destination(c, WEB, "10.0.0.11")).isSameAs(a);
            assertThat(a.counters().sample().inPackets()).isEqualTo(3);
            assertThat(destination(c, WEB, "10.0.0.12")).isSameAs(b);
            assertThat(c.engine.snapshot().service(MAIL)).isSameAs(mail);
            assertThat(c.checkerLines).contains(
                    "Changing weight from 1 to 5 for active service [10.0.0.11]:tcp:80 of VS [192.168.0.10]:tcp:80");
            assertThat(c.runtime.reloads()).isEqualTo(1);
        }
    }

    @Test
    void serversAndServicesAreAddedAndRemoved() {
        try (Conf c = new Conf(dir, conf(rs("10.0.0.11", 1) + rs("10.0.0.12", 1), MAIL_BLOCK))) {
            c.runtime.start();
            DestinationState a = destination(c, WEB, "10.0.0.11");

            c.write(conf(rs("10.0.0.11", 1) + rs("10.0.0.13", 2), ""));
            assertThat(c.runtime.reload().applied()).isTrue();

            assertThat(c.table()).containsExactly(
                    Conf.row("[192.168.0.10]:tcp:80 wlc", "[10.0.0.11]:80 Masq w=1", "[10.0.0.13]:80 Masq w=2"));
            assertThat(destination(c, WEB, "10.0.0.11")).isSameAs(a);
            assertThat(c.checkerLines).contains(
                    "Removing service [10.0.0.12]:tcp:80 from VS [192.168.0.10]:tcp:80",
                    "Adding service [10.0.0.13]:tcp:80 to VS [192.168.0.10]:tcp:80",
                    "Removing Virtual Server [192.168.0.10]:tcp:25");
        }
    }

    @Test
    void aBrokenFileKeepsTheRunningTable() {
        try (Conf c = new Conf(dir, conf(rs("10.0.0.11", 1), MAIL_BLOCK))) {
            c.runtime.start();
            List<String> before = c.table();

            c.write(conf(rs("10.0.0.11", 7), MAIL_BLOCK) + "virtual_server 192.168.0.10 {\n");
            ReloadResult r = c.runtime.reload();

            assertThat(r.applied()).isFalse();
            assertThat(r.problems()).isNotEmpty();
            assertThat(r.summary()).contains("refused").contains("keeping the running configuration");
            assertThat(c.table()).isEqualTo(before);
            assertThat(c.runtime.reloads()).isZero();
            assertThat(c.reloadLines).last().asString().contains("refused");
        }
    }

    /**
     * keepalived corrects some configuration errors and goes on (a fwmark block with {@code protocol TCP}:
     * "protocol will be ignored", as in keepalived's own examples). The daemon starts with them, and a reload
     * with them applies, a new such block included; a new error (an unknown keyword, an unknown protocol that
     * would make the TCP service a UDP one) still refuses it.
     * Before, every reload of such a file was refused.
     */
    @Test
    void anErrorTheRunningConfigurationWasAcceptedWithDoesNotRefuseAReload() {
        String fwmark = """
                virtual_server fwmark 7 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.0.41 80 {
                    }
                }
                """;
        try (Conf c = new Conf(dir, conf(rs("10.0.0.11", 1), fwmark))) {
            c.runtime.start();
            assertThat(c.table()).hasSize(2);

            c.write(conf(rs("10.0.0.11", 5), fwmark));
            ReloadResult r = c.runtime.reload();

            assertThat(r.problems()).extracting(io.jlvs.config.ConfigProblem::message)
                    .contains("Warning: Virtual server FWM 7: protocol specified for fwmark - protocol will be ignored");
            assertThat(r.applied()).as(r.summary()).isTrue();
            assertThat(c.table()).contains(Conf.row("[192.168.0.10]:tcp:80 wlc", "[10.0.0.11]:80 Masq w=5"));

            c.write(conf(rs("10.0.0.11", 5), fwmark + fwmark.replace("fwmark 7", "fwmark 8")));
            assertThat(c.runtime.reload().applied()).as("a new fwmark block with protocol TCP").isTrue();
            assertThat(c.table()).hasSize(3);

            c.write(conf(rs("10.0.0.11", 6), fwmark.replace("lb_algo rr", "lb_algo rr\n    lb_algoo wlc")));
            assertThat(c.runtime.reload().applied()).as("a new error (an unknown keyword)").isFalse();
            // an unknown protocol: keepalived ignores it and the block would become a UDP service, dropping the
            // running TCP one
            c.write(conf(rs("10.0.0.11", 6), fwmark).replace("protocol TCP\n    real_server 10.0.0.11",
                    "protocol TPC\n    real_server 10.0.0.11"));
            assertThat(c.runtime.reload().applied()).as("a new error (an unknown protocol)").isFalse();
            assertThat(c.table()).contains(Conf.row("[192.168.0.10]:tcp:80 wlc", "[10.0.0.11]:80 Masq w=5"));
        }
    }

    @Test
    void aFailedServerStaysOutWhenItsBlockIsReloadedForAnotherChange() throws Exception {
        try (LoopbackServer up = LoopbackServer.start(); LoopbackServer down = LoopbackServer.start()) {
            down.stop();
            String checked = """
                    virtual_server 127.0.0.1 18081 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        delay_loop 0.2
                        connect_timeout 0.5
                        retry 1
                        delay_before_retry 0.1
                        warmup 0
                        real_server 127.0.0.1 %d {
                            weight %d
                            TCP_CHECK {
                            }
                        }
                        real_server 127.0.0.1 %d {
                            delay_loop 30
                            delay_before_retry 2
                            TCP_CHECK {
                            }
                        }
                    }
                    """;
            try (Conf c = new Conf(dir, checked.formatted(up.port, 1, down.port))) {
                c.runtime.start();
                // the second server fails its first check and its retry 2 s later, and leaves
                await().atMost(Duration.ofSeconds(4)).until(() -> c.table().equals(List.of(
                        Conf.row("[127.0.0.1]:tcp:18081 rr", "[127.0.0.1]:" + up.port + " Masq w=1"))));

                c.write(checked.formatted(up.port, 4, down.port));
                ReloadResult r = c.runtime.reload();
                assertThat(r.applied()).as(r.problems().toString()).isTrue();

                // carried over as failed: not put back by the reload (a fresh checker would count it up for
                // the 2 s of its retry)
                assertThat(c.table()).containsExactly(
                        Conf.row("[127.0.0.1]:tcp:18081 rr", "[127.0.0.1]:" + up.port + " Masq w=4"));
            }
        }
    }
}
