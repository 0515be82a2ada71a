package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A gratuitous ARP sent through AfPacketIo updates the peer's neighbour table. */
class GratuitousArpLabTest {

    @Test
    void theFrameIsABroadcastRequestForTheAddressItself() {
        IpAddress vip = IpAddress.parse("192.0.2.10");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = arena.allocate(70);
            f.fill((byte) 0x55);
            assertThat(GratuitousArp.write(f, 5, 0x020000abcdefL, vip)).isEqualTo(60);
            byte[] b = f.asSlice(5, 60).toArray(ValueLayout.JAVA_BYTE);
            assertThat(java.util.Arrays.copyOfRange(b, 0, 6)).containsOnly((byte) 0xff);
            assertThat(java.util.Arrays.copyOfRange(b, 6, 12)).containsExactly(2, 0, 0, 0xab - 256, 0xcd - 256, 0xef - 256);
            assertThat(b[12]).isEqualTo((byte) 0x08);
            assertThat(b[13]).isEqualTo((byte) 0x06);
            assertThat(b[21]).as("opcode request").isEqualTo((byte) 1);
            assertThat(java.util.Arrays.copyOfRange(b, 28, 32)).containsExactly(192 - 256, 0, 2, 10);
            assertThat(java.util.Arrays.copyOfRange(b, 38, 42)).containsExactly(192 - 256, 0, 2, 10);
            assertThat(java.util.Arrays.copyOfRange(b, 42, 60)).containsOnly((byte) 0);
            assertThat(f.get(ValueLayout.JAVA_BYTE, 4)).as("nothing before the offset touched").isEqualTo((byte) 0x55);
            assertThat(f.get(ValueLayout.JAVA_BYTE, 65)).as("nothing after the frame touched").isEqualTo((byte) 0x55);
        }
    }

    @Test
    void thePeerLearnsTheAnnouncedAddress() throws Exception {
        try (VethLab lab = VethLab.create();
                AfPacketIo io = AfPacketIo.open(AfPacketConfig.forInterface(lab.host).build())) {
            lab.inNs("sysctl", "-q", "-w", "net.ipv4.conf." + lab.peer + ".arp_accept=1");
            IpAddress vip = lab.addr(50);
            assertThat(lab.inNs("ip", "neigh", "show", vip.toString(), "dev", lab.peer)).isBlank();

            assertThat(GratuitousArp.send(io, vip, 1)).isEqualTo(1);

            String mac = AfPacketIo.formatMac(io.macAddress());
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(lab.inNs("ip", "neigh", "show", vip.toString(), "dev", lab.peer)).contains("lladdr " + mac));
        }
    }
}
