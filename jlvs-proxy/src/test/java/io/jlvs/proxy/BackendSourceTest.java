package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which address a local client's connection to an IPv6 real server leaves from when the kernel would take a VIP
 * (the lab test that shows the DR real server answering itself: jlvs-cli's LocalClientsDaemonLabTest).
 */
class BackendSourceTest {
    private static final IpAddress VIP = IpAddress.parse("2001:db8:77::100");

    private static BackendSource.Candidate c(String address, int prefixLength) throws Exception {
        return new BackendSource.Candidate(InetAddress.getByName(address), prefixLength);
    }

    @Test
    void anotherAddressOfTheLinkIsTakenByTheLongestPrefixCountedUpToItsOwnLength() throws Exception {
        InetAddress rs = InetAddress.getByName("2001:db8:77::11");
        List<BackendSource.Candidate> link = List.of(c("fe80::1", 64), c("2001:db8:77::100", 128),
                c("2001:db8:99::2", 64), c("2001:db8:77::2", 64), c("2001:db8:77::101", 128));
        // ::101 is the VIP of another service: no virtual address at all
        assertThat(BackendSource.choose(rs, link, Set.of(VIP, IpAddress.parse("2001:db8:77::101"))))
                .isEqualTo(InetAddress.getByName("2001:db8:77::2"));
        // only virtual addresses and a link-local one: the kernel's choice stands
        assertThat(BackendSource.choose(rs, List.of(c("fe80::1", 64), c("2001:db8:77::100", 128)), Set.of(VIP)))
                .isNull();
    }

    @Test
    void aLinkLocalRealServerGetsALinkLocalSource() throws Exception {
        InetAddress rs = InetAddress.getByName("fe80::11");
        List<BackendSource.Candidate> link = List.of(c("2001:db8:77::2", 64), c("fe80::1", 64));
        assertThat(BackendSource.choose(rs, link, Set.of(VIP))).isEqualTo(InetAddress.getByName("fe80::1"));
    }

    @Test
    void ipv4AndNoVirtualAddressesAreLeftToTheKernel() throws Exception {
        assertThat(BackendSource.forTarget(new InetSocketAddress("127.0.0.1", 80), Set.of(VIP))).isNull();
        assertThat(BackendSource.forTarget(new InetSocketAddress("::1", 80), Set.of())).isNull();
        // the kernel takes ::1 for ::1, which is no VIP here
        assertThat(BackendSource.forTarget(new InetSocketAddress("::1", 80), Set.of(VIP))).isNull();
    }
}
