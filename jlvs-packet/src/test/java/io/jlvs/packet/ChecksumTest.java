package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** RFC 1624 updates agree with full recomputation; CRC32c agrees with the JDK's. */
class ChecksumTest {

    @Test
    void incrementalUpdatesMatchAFullRecomputation() {
        SplittableRandom random = new SplittableRandom(1624);
        for (int round = 0; round < 20_000; round++) {
            int len = 2 * (4 + random.nextInt(40));
            byte[] data = new byte[len];
            for (int i = 0; i < len; i++) {
                data[i] = (byte) random.nextInt(256);
            }
            data[0] = 0;
            data[1] = 0;
            MemorySegment s = MemorySegment.ofArray(data);
            Wire.u16(s, 0, InternetChecksum.finish(InternetChecksum.sum(s, 0, len, 0)));
            int at32 = 2 + 2 * random.nextInt((len - 6) / 2 + 1);
            int old32 = Wire.u32(s, at32);
            int new32 = random.nextInt();
            Wire.u32(s, at32, new32);
            int c = InternetChecksum.update32(Wire.u16(s, 0), old32, new32);
            int at16 = 2 + 2 * random.nextInt((len - 4) / 2 + 1);
            int old16 = Wire.u16(s, at16);
            int new16 = random.nextInt(65536);
            Wire.u16(s, at16, new16);
            c = InternetChecksum.update16(c, old16, new16);
            Wire.u16(s, 0, c);
            assertThat(InternetChecksum.sum(s, 0, len, 0)).as("round %d", round).isEqualTo(0xffff);
        }
    }

    @Test
    void sumHandlesOddLengthsLikeRfc1071() {
        byte[] data = {0x45, 0x00, 0x01};
        assertThat(PacketBuilder.checksum(data, 0, 3, 0))
                .isEqualTo(InternetChecksum.finish(InternetChecksum.sum(MemorySegment.ofArray(data), 0, 3, 0)));
    }

    @Test
    void crc32cMatchesTheJdk() {
        SplittableRandom random = new SplittableRandom(4960);
        for (int round = 0; round < 2_000; round++) {
            byte[] data = new byte[random.nextInt(300)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) random.nextInt(256);
            }
            CRC32C jdk = new CRC32C();
            jdk.update(data);
            assertThat(Crc32c.compute(MemorySegment.ofArray(data), 0, data.length)).isEqualTo((int) jdk.getValue());
        }
    }
}
