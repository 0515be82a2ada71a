package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.ServiceRuntime;
import org.junit.jupiter.api.Test;

/**
 * A service whose real servers are all FULLNAT is the proxy's, which listens in the kernel's stack: the data
 * plane leaves it to the kernel (not in the kernel guard, the packet filter or the IPv6 service table), for IPv4
 * and IPv6. Before, `jlvs run -I` put every TCP/UDP service in the guard, which dropped the kernel's copy of
 * its SYNs, and the data plane dropped them as UNSUPPORTED_METHOD: a FULLNAT service got no traffic.
 */
class FullNatServicesTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, Director.VIP, 80);
    private static final InetServiceKey WEB6 = Ipv6ForwardingTest.WEB6;

    private static ServiceRuntime runtime(Director d, InetServiceKey key) {
        return d.engine.snapshot().services().get(key);
    }

    @Test
    void aServiceIsTheDataPlanesWhenItHasARealServerItForwardsToOrNone() throws Exception {
        try (Director d = new Director()) {
            d.service(VirtualService.of(WEB, "rr")).service(VirtualService.of(WEB6, "rr"));
            assertThat(Dataplane.forwards(runtime(d, WEB))).as("no real servers: port unreachable, as IPVS").isTrue();
            assertThat(Ipv6Forwarder.forwards(runtime(d, WEB6))).isTrue();
            d.server(WEB, Director.RS1, 80, ForwardingMethod.FULLNAT, 1);
            d.server(WEB6, Ipv6ForwardingTest.RS6_1, 80, ForwardingMethod.FULLNAT, 1);
            assertThat(Dataplane.forwards(runtime(d, WEB))).isFalse();
            assertThat(Ipv6Forwarder.forwards(runtime(d, WEB6))).isFalse();
            d.server(WEB, Director.RS2, 80, ForwardingMethod.DROUTE, 1);
            d.server(WEB6, Ipv6ForwardingTest.RS6_2, 80, ForwardingMethod.MASQ, 1);
            assertThat(Dataplane.forwards(runtime(d, WEB))).isTrue();
            assertThat(Ipv6Forwarder.forwards(runtime(d, WEB6))).isTrue();
        }
    }

    @Test
    void anIpv6FullNatServicesSynIsPassedToTheKernel() throws Exception {
        try (Director d = new Director()) {
            d.neighbours6.put(io.jlvs.core.IpAddress.parse(Ipv6ForwardingTest.RS6_1), Director.RS1_MAC);
            d.service(VirtualService.of(WEB6, "rr"));
            d.server(WEB6, Ipv6ForwardingTest.RS6_1, 80, ForwardingMethod.FULLNAT, 1);
            assertThat(d.send(Packet6Builder.tcp(Ipv6ForwardingTest.CLIENT6, 40000, Ipv6ForwardingTest.VIP6, 80)
                    .build())).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
            assertThat(d.connections()).isEmpty();
        }
    }

    /** The kernel guard and the packet filter's addresses hold the DR service, not the FULLNAT ones. */
    @Test
    void theGuardAndTheFilterLeaveFullNatServicesToTheKernel() throws Exception {
        InetServiceKey dr = Director.key(Protocol.TCP, "10.77.0.101", 80);
        InetServiceKey dr6 = Director.key(Protocol.UDP, "2001:db8::101", 53);
        try (Director d = new Director()) {
            d.service(VirtualService.of(WEB, "rr")).service(VirtualService.of(WEB6, "rr"))
                    .service(VirtualService.of(dr, "rr")).service(VirtualService.of(dr6, "rr"));
            d.server(WEB, Director.RS1, 80, ForwardingMethod.FULLNAT, 1);
            d.server(WEB6, Ipv6ForwardingTest.RS6_1, 80, ForwardingMethod.FULLNAT, 1);
            d.server(dr, Director.RS2, 80, ForwardingMethod.DROUTE, 1);
            d.server(dr6, Ipv6ForwardingTest.RS6_2, 53, ForwardingMethod.DROUTE, 1);
            PacketDirector.Taken t = PacketDirector.taken(d.engine.snapshot(),
                    PacketDirectorSettings.of(java.util.List.of("eth0")));
            assertThat(t.destinations()).containsExactly(io.jlvs.core.IpAddress.parse("10.77.0.101"));
            assertThat(t.destinations6()).containsExactly(io.jlvs.core.IpAddress.parse("2001:db8::101"));
            assertThat(t.script()).contains("10.77.0.101 . tcp . 80").contains("2001:db8::101 . udp . 53")
                    .doesNotContain(Director.VIP).doesNotContain(Ipv6ForwardingTest.VIP6);
        }
    }
}
