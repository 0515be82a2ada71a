package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the fanout program of several workers is built from: the IPv6 virtual addresses beside the IPv4 ones,
 * and each family's widest persistence granularity (a worker's templates must see a whole client network):
 * IPv4's netmask from IPv4 services only, IPv6's shortest prefix length from IPv6 services only.
 */
class FanoutHashTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, Director.VIP, 80);
    private static final InetServiceKey WEB6 = Ipv6ForwardingTest.WEB6;
    private static final InetServiceKey DNS6 = Director.key(Protocol.UDP, "2001:db8::101", 53);

    private static VirtualService persistent(InetServiceKey key, int netmask) {
        return new VirtualService(key, "rr", Set.of(), 300, netmask, false, null);
    }

    private static PacketDirector.Taken taken(Director d) {
        return PacketDirector.taken(d.engine.snapshot(), PacketDirectorSettings.of(List.of("eth0")));
    }

    @Test
    void eachFamilyKeepsItsOwnPersistenceGranularity() throws Exception {
        try (Director d = new Director()) {
            d.service(VirtualService.of(WEB, "rr")).service(VirtualService.of(WEB6, "rr"));
            d.server(WEB, Director.RS1, 80, ForwardingMethod.MASQ, 1);
            d.server(WEB6, Ipv6ForwardingTest.RS6_1, 80, ForwardingMethod.MASQ, 1);
            PacketDirector.Taken t = taken(d);
            assertThat(t.destinations6()).containsExactly(IpAddress.parse(Ipv6ForwardingTest.VIP6));
            assertThat(t.persistent()).isFalse();
            assertThat(t.clientPrefix6()).as("no persistent IPv6 service: the whole address").isEqualTo(128);

            // persistent IPv6 services: the shortest prefix; IPv4 still hashes address and port
            d.engine.execute(new IpvsCommand.EditService(persistent(WEB6, 64)));
            d.service(persistent(DNS6, 48));
            d.server(DNS6, Ipv6ForwardingTest.RS6_2, 53, ForwardingMethod.MASQ, 1);
            t = taken(d);
            assertThat(t.clientPrefix6()).isEqualTo(48);
            assertThat(t.persistent()).as("IPv4 keeps its ports").isFalse();
            assertThat(t.clientMask()).isEqualTo(-1);

            // a persistent IPv4 service: its netmask for IPv4 only
            d.engine.execute(new IpvsCommand.EditService(persistent(WEB, 0xffffff00)));
            t = taken(d);
            assertThat(t.persistent()).isTrue();
            assertThat(t.clientMask()).isEqualTo(0xffffff00);
            assertThat(t.clientPrefix6()).isEqualTo(48);
        }
    }
}
