package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.HostInterfaces;
import io.jlvs.config.KeepalivedParser;
import io.jlvs.config.model.CheckerDef;
import io.jlvs.config.model.CheckerOptions;
import io.jlvs.config.model.DnsCheck;
import io.jlvs.config.model.HttpCheck;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.TcpCheck;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.health.CheckTiming;
import io.jlvs.health.CheckerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checker timing is inherited checker -> real_server -> virtual_server -> keepalived's default. */
class CheckerTimingTest {

    private static KeepalivedConfig parse(String text) {
        return new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0")), 1)
                .parse("keepalived.conf", text, Path.of(".")).config();
    }

    private static CheckTiming timing(VirtualServerDef vs, int rs, int checker) {
        RealServerDef r = vs.realServers().get(rs);
        CheckerDef c = r.checkers().get(checker);
        CheckerOptions o = switch (c) {
            case TcpCheck t -> t.options();
            case HttpCheck h -> h.options();
            case DnsCheck d -> d.options();
            default -> throw new IllegalArgumentException(c.keyword());
        };
        CheckerKind kind = CheckerKind.valueOf(c.keyword());
        return CheckerMapping.timing(kind, o, r, vs);
    }

    @Test
    void eachLevelOverridesTheOneAbove() {
        VirtualServerDef vs = parse("""
                virtual_server 192.168.0.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    delay_loop 20
                    connect_timeout 7
                    retry 4
                    real_server 10.0.0.11 80 {
                        delay_loop 10
                        TCP_CHECK {
                            connect_timeout 2
                        }
                    }
                    real_server 10.0.0.12 80 {
                        retry 2
                        HTTP_GET {
                            url {
                                path /
                            }
                        }
                        DNS_CHECK {
                        }
                    }
                }
                virtual_server 192.168.0.10 81 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.0.11 81 {
                        TCP_CHECK {
                        }
                    }
                }
                """).virtualServers().getFirst();
        CheckTiming tcp = timing(vs, 0, 0);
        assertThat(tcp.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tcp.delayLoop()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tcp.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tcp.retry()).isEqualTo(4);
        assertThat(tcp.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(1));

        CheckTiming http = timing(vs, 1, 0);
        assertThat(http.connectTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(http.delayLoop()).isEqualTo(Duration.ofSeconds(20));
        assertThat(http.retry()).isEqualTo(2);
        assertThat(http.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(3));

        CheckTiming dns = timing(vs, 1, 1);
        assertThat(dns.delayBeforeRetry()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void nothingSetGivesKeepalivedsDefaults() {
        VirtualServerDef vs = parse("""
                virtual_server 192.168.0.10 81 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.0.11 81 {
                        TCP_CHECK {
                        }
                    }
                }
                """).virtualServers().getFirst();
        assertThat(timing(vs, 0, 0)).isEqualTo(CheckTiming.defaults(CheckerKind.TCP_CHECK));
    }
}
