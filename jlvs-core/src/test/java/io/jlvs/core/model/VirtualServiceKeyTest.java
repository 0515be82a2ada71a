package io.jlvs.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VirtualServiceKeyTest {

    @Test
    void sortsAsIpvsadmLists() {
        List<VirtualServiceKey> expected = List.of(
                new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80),
                new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 443),
                new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.2"), 22),
                new InetServiceKey(Protocol.UDP, IpAddress.parse("10.0.0.1"), 53),
                new InetServiceKey(Protocol.SCTP, IpAddress.parse("10.0.0.1"), 9),
                new InetServiceKey(Protocol.TCP, IpAddress.parse("2001:db8::1"), 80),
                new FwmarkServiceKey(1, AddressFamily.INET),
                new FwmarkServiceKey(1, AddressFamily.INET6),
                new FwmarkServiceKey(7, AddressFamily.INET));
        List<VirtualServiceKey> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(3));
        Collections.sort(shuffled);
        assertThat(shuffled).containsExactlyElementsOf(expected);
    }
}
