package io.jlvs.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceIdTest {

    @Test
    void servicesAreNamedByProtocolAddressAndPortOrByMark() {
        assertThat(ServiceId.of(new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80)))
                .isEqualTo("tcp-10.0.0.1-80");
        assertThat(ServiceId.of(new InetServiceKey(Protocol.UDP, IpAddress.parse("2001:db8::1"), 53)))
                .isEqualTo("udp-2001:db8::1-53");
        assertThat(ServiceId.of(new FwmarkServiceKey(7, AddressFamily.INET))).isEqualTo("fwm-7");
        assertThat(ServiceId.of(new FwmarkServiceKey(-1, AddressFamily.INET6))).isEqualTo("fwm6-4294967295");
    }

    @Test
    void everyKeyRoundTrips() {
        List<VirtualServiceKey> keys = List.of(
                new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 0),
                new InetServiceKey(Protocol.SCTP, IpAddress.parse("192.168.1.1"), 65535),
                new InetServiceKey(Protocol.UDP, IpAddress.parse("::"), 53),
                new InetServiceKey(Protocol.TCP, IpAddress.parse("::ffff:10.0.0.1"), 443),
                new FwmarkServiceKey(1, AddressFamily.INET),
                new FwmarkServiceKey(0x80000000, AddressFamily.INET6));
        for (VirtualServiceKey k : keys) {
            assertThat(ServiceId.parseService(ServiceId.of(k))).isEqualTo(k);
        }
    }

    @Test
    void realServersRoundTripAndTakeTheUsualSpellings() {
        RealServer v6 = RealServer.of(IpAddress.parse("2001:db8::11"), 8080, ForwardingMethod.MASQ, 1);
        assertThat(ServiceId.of(v6)).isEqualTo("2001:db8::11-8080");
        assertThat(ServiceId.parseServer("2001:db8::11-8080"))
                .isEqualTo(new ServiceId.Endpoint(IpAddress.parse("2001:db8::11"), 8080));
        assertThat(ServiceId.parseServer("[2001:db8::11]:8080"))
                .isEqualTo(new ServiceId.Endpoint(IpAddress.parse("2001:db8::11"), 8080));
        assertThat(ServiceId.parseServer("192.168.1.11:80"))
                .isEqualTo(new ServiceId.Endpoint(IpAddress.parse("192.168.1.11"), 80));
        assertThat(ServiceId.parseServer("192.168.1.11-80"))
                .isEqualTo(new ServiceId.Endpoint(IpAddress.parse("192.168.1.11"), 80));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tcp", "tcp-10.0.0.1", "icmp-10.0.0.1-80", "tcp-10.0.0.300-80", "tcp-10.0.0.1-65536",
            "tcp-10.0.0.1-x", "fwm-0", "fwm-4294967296", "fwm--1", "tcp-host.example-80"})
    void badServiceIdsAreRefusedWithTheIdInTheMessage(String id) {
        assertThatThrownBy(() -> ServiceId.parseService(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + id + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.1-", "[2001:db8::1]80", "2001:db8::1", "x-80", "10.0.0.1-99999"})
    void badServerIdsAreRefused(String id) {
        assertThatThrownBy(() -> ServiceId.parseServer(id)).isInstanceOf(IllegalArgumentException.class);
    }
}
