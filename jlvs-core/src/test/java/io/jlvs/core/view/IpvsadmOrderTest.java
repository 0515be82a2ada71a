package io.jlvs.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ipvsadm's listing order, including where its 32-bit subtraction compares far-apart values the wrong way round.
 * The expected orders came from glibc 2.36's {@code qsort} with libipvs's comparison, compiled and run on this
 * machine (gcc) for the same input order.
 */
class IpvsadmOrderTest {
    private static List<RealServerView> servers(String... addressPorts) {
        return Arrays.stream(addressPorts).map(a -> {
            int colon = a.lastIndexOf(':');
            RealServer r = RealServer.of(IpAddress.parse(a.substring(0, colon)), Integer.parseInt(a.substring(colon + 1)),
                    ForwardingMethod.MASQ, 1);
            return new RealServerView(r, 0, 0, 0, null, null);
        }).toList();
    }

    private static String listed(List<RealServerView> servers) {
        return String.join(" ", IpvsadmOrder.realServers(servers).stream()
                .map(v -> v.server().address() + ":" + v.server().port()).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // close addresses: numerically, then by port
            "10.0.0.3:80 10.0.0.1:8080 10.0.0.1:80 | 10.0.0.1:80 10.0.0.1:8080 10.0.0.3:80",
            // more than 2^31 apart: the wrong way round, in either daemon order
            "10.1.1.5:80 192.168.1.5:80 | 192.168.1.5:80 10.1.1.5:80",
            "192.168.1.5:80 10.1.1.5:80 | 192.168.1.5:80 10.1.1.5:80",
            "10.0.0.1:80 192.168.0.1:80 150.0.0.1:80 | 150.0.0.1:80 192.168.0.1:80 10.0.0.1:80",
            "203.0.113.7:80 10.0.0.2:8080 172.16.0.9:80 10.0.0.2:80 192.168.10.1:443 100.64.0.1:80 198.51.100.3:80 "
                    + "10.200.0.1:80 9.9.9.9:53 | 100.64.0.1:80 172.16.0.9:80 192.168.10.1:443 198.51.100.3:80 "
                    + "203.0.113.7:80 9.9.9.9:53 10.0.0.2:80 10.0.0.2:8080 10.200.0.1:80"})
    void realServersAsGlibcQsortWithLibipvsComparisonOrdersThem(String daemonOrder, String ipvsadm) {
        assertThat(listed(servers(daemonOrder.strip().split(" ")))).isEqualTo(ipvsadm.strip());
    }

    private static VirtualServiceView service(VirtualServiceKey key) {
        return new VirtualServiceView(VirtualService.of(key, "wlc"), null, null, List.of());
    }

    @Test
    void servicesByMarkFamilyProtocolAddressAndPortAsLibipvsComparesThem() {
        VirtualServiceView near = service(new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.10"), 80));
        VirtualServiceView far = service(new InetServiceKey(Protocol.TCP, IpAddress.parse("203.0.113.10"), 80));
        VirtualServiceView udp = service(new InetServiceKey(Protocol.UDP, IpAddress.parse("10.0.0.10"), 53));
        VirtualServiceView v6 = service(new InetServiceKey(Protocol.TCP, IpAddress.parse("2001:db8::1"), 80));
        VirtualServiceView mark1 = service(new FwmarkServiceKey(1, AddressFamily.INET));
        VirtualServiceView bigMark = service(new FwmarkServiceKey(0x80000001, AddressFamily.INET));
        List<VirtualServiceView> sorted = IpvsadmOrder.services(List.of(mark1, v6, udp, near, far, bigMark));
        // 0 - 0x80000001 is positive as an int: such a mark lists before every address service; 10.0.0.10 and
        // 203.0.113.10 are more than 2^31 apart, so 203.0.113.10 comes first (ipvsadm -Ln does the same)
        assertThat(sorted).containsExactly(bigMark, far, near, udp, v6, mark1);
    }
}
