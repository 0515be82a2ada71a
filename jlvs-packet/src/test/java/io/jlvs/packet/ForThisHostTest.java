package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which destination MACs the data plane takes as its host's, as the kernel's eth_type_trans does. */
class ForThisHostTest {
    private static final long LINK_MAC = 0x02_42_0a_00_00_02L;

    private static boolean forUs(long dst) {
        MemorySegment frame = MemorySegment.ofArray(new byte[64]);
        EthernetHeader.dst(frame, 4, dst);
        return EthernetHeader.forThisHost(frame, 4, LINK_MAC);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "02420a000002, true",   // the link's own MAC
        "ffffffffffff, true",   // broadcast (ARP requests)
        "01005e000012, true",   // IPv4 multicast (VRRP advertisements)
        "333300000001, true",   // IPv6 multicast
        "00005e000133, true",   // VRRP virtual MAC, IPv4 (keepalived use_vmac)
        "00005e000233, true",   // VRRP virtual MAC, IPv6
        "00005e000333, false",  // not a VRRP MAC
        "02420a000003, false",  // another host
        "020000000099, false"})
    void takesItsOwnGroupAndVrrpMacsOnly(String mac, boolean expected) {
        assertThat(forUs(Long.parseLong(mac, 16))).isEqualTo(expected);
    }

    @Test
    void aFrameToAnotherHostIsNotTakenEvenWhenItsMacDiffersInOneBit() {
        assertThat(forUs(LINK_MAC ^ 1)).isFalse();
    }
}
