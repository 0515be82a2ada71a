package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The address in "FULLNAT listening for local clients of tcp:[2001:db8::102]:80 on ..." reads as the service key
 * before it, as ipvsadm writes addresses: compressed IPv6 in brackets, no leading slash. Before, it was the JDK's
 * {@code /[2001:db8:0:0:0:0:0:102]:80} beside {@code [2001:db8::102]:80}.
 */
class ListeningAddressTextTest {
    @Test
    void ipv6IsCompressedInBracketsAndIpv4PlainWithoutTheJdksSlash() throws Exception {
        assertThat(FullNatProxy.shown(new InetSocketAddress(InetAddress.getByName("2001:db8:5e:0:0:0:0:102"), 80)))
                .isEqualTo("[2001:db8:5e::102]:80");
        assertThat(FullNatProxy.shown(new InetSocketAddress(InetAddress.getByName("10.99.0.100"), 8080)))
                .isEqualTo("10.99.0.100:8080");
    }
}
