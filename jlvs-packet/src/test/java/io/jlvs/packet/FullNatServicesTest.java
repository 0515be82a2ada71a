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
}
