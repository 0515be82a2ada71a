package io.jlvs.engine.keepalived;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** keepalived.conf text in, the IPVS table out (real servers without checkers are always up). */
@Timeout(30)
class KeepalivedMappingTest {
    @TempDir
    Path dir;

    @Test
    void natServiceWithPersistenceThresholdsAndWeights() {
        try (Conf c = new Conf(dir, """
                virtual_server 192.168.0.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    persistence_timeout 300
                    persistence_granularity 255.255.255.0
                    protocol TCP
                    real_server 10.0.0.11 8080 {
                        weight 3
                        uthreshold 100
                        lthreshold 10
                    }
                    real_server 10.0.0.12 8080 {
                    }
                }
                virtual_server 192.168.0.10 53 {
                    lb_algo sh
                    protocol UDP
                    ops
                    real_server 10.0.0.21 53 {
                        lvs_method DR
                    }
                }
                """)) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.table()).containsExactlyInAnyOrder(
                    "[192.168.0.10]:tcp:80 rr p=300/24 | [10.0.0.11]:8080 Masq w=3 x=100 y=10"
                            + " | [10.0.0.12]:8080 Masq w=1",
                    "[192.168.0.10]:udp:53 sh ops | [10.0.0.21]:53 Route w=1");
        }
    }

    /**
     * What keepalived builds beyond the literal lines: no protocol (or a lower-case one) is UDP; lvs_timeouts
     * set the table's timeouts (0 leaves one); a quorum above the total weight is lowered to it, so the real
     * servers serve instead of the sorry server; real servers take the virtual server's inhibit_on_failure.
     */
    @Test
    void protocolDefaultsTimeoutsAndQuorumAsKeepalivedAppliesThem() {
        try (Conf c = new Conf(dir, """
                global_defs {
                    lvs_timeouts tcp 7200 udp 600
                }
                virtual_server 192.168.0.10 53 {
                    lb_algo rr
                    lb_kind NAT
                    real_server 10.0.0.21 53 {
                    }
                }
                virtual_server 192.168.0.10 54 {
                    lb_algo rr
                    lb_kind NAT
                    protocol udp
                    real_server 10.0.0.21 54 {
                    }
                }
                virtual_server 192.168.0.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    quorum 5
                    sorry_server 10.0.0.99 80
                    real_server 10.0.0.11 80 {
                        weight 2
                    }
                    real_server 10.0.0.12 80 {
                        weight 2
                    }
                }
                """)) {
            assertThat(c.runtime.start().applied()).isTrue();
            assertThat(c.table()).containsExactlyInAnyOrder(
                    "[192.168.0.10]:udp:53 rr | [10.0.0.21]:53 Masq w=1",
                    "[192.168.0.10]:udp:54 rr | [10.0.0.21]:54 Masq w=1",
                    "[192.168.0.10]:tcp:80 rr | [10.0.0.11]:80 Masq w=2 | [10.0.0.12]:80 Masq w=2");
            assertThat(c.engine.timeouts()).isEqualTo(new io.jlvs.core.view.Timeouts(7200, 120, 600));
        }
    }

    @Test
    void groupsMakeOneServicePerMemberWithTheSameRealServers() {
        try (Conf c = new Conf(dir, """
                virtual_server_group web {
                    192.168.0.1-3 80
                    fwmark 7
                }
                virtual_server group web {
                    lb_algo wlc
                    lb_kind DR
                    protocol TCP
                    real_server 10.0.0.11 80 {
                        weight 2
                    }
                }
                """)) {
            c.runtime.start();
            assertThat(c.table()).containsExactlyInAnyOrder(
                    "[192.168.0.1]:tcp:80 wlc | [10.0.0.11]:80 Route w=2",
                    "[192.168.0.2]:tcp:80 wlc | [10.0.0.11]:80 Route w=2",
                    "[192.168.0.3]:tcp:80 wlc | [10.0.0.11]:80 Route w=2",
                    "FWM 7 wlc | [10.0.0.11]:80 Route w=2");
        }
    }

    /**
     * A DR real server listed with two ports in a fwmark block is one table entry once its port is cleared:
     * the second is ignored with a warning, so two health states never drive one entry.
     */
    @Test
    void aDrRealServerListedWithTwoPortsInAFwmarkBlockIsOneEntry() {
        try (Conf c = new Conf(dir, """
                virtual_server fwmark 6 {
                    lb_algo rr
                    lb_kind DR
                    real_server 10.0.0.32 80 {
                    }
                    real_server 10.0.0.32 443 {
                    }
                }
                """)) {
            c.runtime.start();
            assertThat(c.table()).containsExactly("FWM 6 rr | [10.0.0.32]:0 Route w=1");
            assertThat(c.configLines).anyMatch(l -> l.contains("listed twice in virtual server")
                    && l.contains("ignoring the second one"));
        }
    }

    @Test
    void fwmarkTunnelAndFullNatServices() {
        try (Conf c = new Conf(dir, """
                virtual_server fwmark 5 {
                    lb_algo lc
                    lb_kind TUN type gue port 6080 csum
                    real_server 10.0.0.31 0 {
                    }
                }
                virtual_server fwmark 6 {
                    lb_algo rr
                    lb_kind DR
                    real_server 10.0.0.32 80 {
                    }
                }
                virtual_server 192.168.0.20 443 {
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server 10.0.0.41 8443 {
                    }
                    real_server 10.0.0.42 443 {
                        lvs_method TUN
                    }
                }
                virtual_server 127.0.0.1 8080 {
                    lb_algo wrr
                    lb_kind FNAT
                    protocol TCP
                    real_server 127.0.0.1 9001 {
                        weight 5
                    }
                }
                """)) {
            c.runtime.start();
            assertThat(c.table()).containsExactlyInAnyOrder(
                    "FWM 5 lc | [10.0.0.31]:0 Tunnel w=1 GUE:6080 CSUM",
                    // a DR real server's port in a fwmark service is cleared, as keepalived clears it
                    "FWM 6 rr | [10.0.0.32]:0 Route w=1",
                    // DR and TUN keep the service port, as IPVS stores them
                    "[192.168.0.20]:tcp:443 rr | [10.0.0.41]:443 Route w=1 | [10.0.0.42]:443 Tunnel w=1 IPIP NOCSUM",
                    "[127.0.0.1]:tcp:8080 wrr | [127.0.0.1]:9001 FullNat w=5");
        }
    }

    @Test
    void servicesAddedByHandAreLeftAloneAcrossReloads() throws Exception {
        InetServiceKey manual = new InetServiceKey(Protocol.TCP, IpAddress.parse("192.168.9.9"), 25);
        try (Conf c = new Conf(dir, """
                virtual_server 192.168.0.10 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.0.0.11 80 {
                    }
                }
                """)) {
            c.engine.execute(new IpvsCommand.AddService(VirtualService.of(manual, "wlc")));
            c.engine.execute(new IpvsCommand.AddServer(manual,
                    RealServer.of(IpAddress.parse("10.9.9.9"), 25, ForwardingMethod.MASQ, 4)));
            c.runtime.start();
            c.write("""
                    virtual_server 192.168.0.11 80 {
                        lb_algo rr
                        lb_kind NAT
                        protocol TCP
                        real_server 10.0.0.11 80 {
                        }
                    }
                    """);
            ReloadResult r = c.runtime.reload();
            assertThat(r.applied()).as(r.problems().toString()).isTrue();
            assertThat(c.table()).containsExactlyInAnyOrder(
                    "[192.168.0.11]:tcp:80 rr | [10.0.0.11]:80 Masq w=1",
                    "[192.168.9.9]:tcp:25 wlc | [10.9.9.9]:25 Masq w=4");
            assertThat(c.runtime.reloads()).isEqualTo(1);
        }
    }

    @Test
    void aMissingFileRefusesToStart() {
        try (Conf c = new Conf(dir, "")) {
            c.file.toFile().delete();
            ReloadResult r = c.runtime.start();
            assertThat(r.applied()).isFalse();
            assertThat(r.summary()).startsWith("Not starting: ");
            assertThat(c.table()).isEmpty();
        }
    }
}
