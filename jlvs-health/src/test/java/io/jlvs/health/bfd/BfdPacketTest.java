package io.jlvs.health.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BfdPacketTest {

    @Test
    void encodesTheMandatorySectionAsRfc5880Draws() {
        BfdPacket p = BfdPacket.control(BfdDiag.CONTROL_DETECTION_TIME_EXPIRED, BfdState.UP, true, false, 5,
                0x01020304, 0x0a0b0c0d, 1_000_000, 10_000);
        assertThat(HexFormat.of().formatHex(p.encode()))
                .isEqualTo("21e0" + "0518" + "01020304" + "0a0b0c0d" + "000f4240" + "00002710" + "00000000");
    }

    @Test
    void decodeReadsBackWhatEncodeWrote() throws Exception {
        BfdPacket p = BfdPacket.control(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN, BfdState.INIT, false, true, 255,
                -5, 77, 0xfffffffeL, 3);
        assertThat(BfdPacket.decode(p.encode(), 24)).isEqualTo(p);
    }

    @Test
    void eachPacketCheckHasItsReason() {
        byte[] good = BfdPacket.control(BfdDiag.NONE, BfdState.DOWN, false, false, 3, 9, 0, 1, 1).encode();
        assertDrop(good, 23, BfdDropReason.BAD_LENGTH);
        byte[] v0 = good.clone();
        v0[0] = 0;
        assertDrop(v0, 24, BfdDropReason.BAD_VERSION);
        byte[] shortLen = good.clone();
        shortLen[3] = 20;
        assertDrop(shortLen, 24, BfdDropReason.BAD_LENGTH);
        byte[] longLen = good.clone();
        longLen[3] = 30;
        assertDrop(longLen, 24, BfdDropReason.BAD_LENGTH);
        byte[] authShort = good.clone();
        authShort[1] |= 0x04;
        assertDrop(authShort, 24, BfdDropReason.BAD_LENGTH);
        byte[] auth = java.util.Arrays.copyOf(good, 28);
        auth[1] |= 0x04;
        auth[3] = 28;
        assertDrop(auth, 28, BfdDropReason.AUTHENTICATION);
        byte[] mult = good.clone();
        mult[2] = 0;
        assertDrop(mult, 24, BfdDropReason.ZERO_DETECT_MULT);
        byte[] multipoint = good.clone();
        multipoint[1] |= 0x01;
        assertDrop(multipoint, 24, BfdDropReason.MULTIPOINT);
        byte[] myZero = good.clone();
        myZero[7] = 0;
        assertDrop(myZero, 24, BfdDropReason.ZERO_MY_DISCRIMINATOR);
    }

    @Test
    void aLongerDatagramThanTheLengthFieldIsAccepted() throws Exception {
        byte[] good = java.util.Arrays.copyOf(
                BfdPacket.control(BfdDiag.NONE, BfdState.DOWN, false, false, 3, 9, 0, 1, 1).encode(), 40);
        assertThat(BfdPacket.decode(good, 40).myDiscriminator()).isEqualTo(9);
    }

    private static void assertDrop(byte[] data, int len, BfdDropReason reason) {
        assertThatThrownBy(() -> BfdPacket.decode(data, len)).isInstanceOfSatisfying(BfdDropException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
