package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Ring slots hold a whole frame of the link's MTU, so jumbo frames are not cut short. */
class AfPacketConfigTest {

    @Test
    void slotsGrowWithTheMtuAndDivideTheBlock() {
        assertThat(AfPacketConfig.frameSizeFor(1500)).isEqualTo(2048);
        assertThat(AfPacketConfig.frameSizeFor(576)).isEqualTo(2048);
        assertThat(AfPacketConfig.frameSizeFor(4000)).isEqualTo(8192);
        assertThat(AfPacketConfig.frameSizeFor(9000)).isEqualTo(16384);
        for (int mtu = 68; mtu <= 65535; mtu += 7) {
            int slot = AfPacketConfig.frameSizeFor(mtu);
            assertThat(slot).as("MTU %d", mtu).isGreaterThanOrEqualTo(mtu + 18 + 100);
            assertThat((1 << 18) % slot).as("MTU %d: slot %d divides a 256 KiB block", mtu, slot).isZero();
            AfPacketConfig.forInterface("eth0").frameSizeForMtu(mtu).build();
        }
    }
}
