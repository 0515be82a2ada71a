package io.jlvs.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VrrpCodecRoundTripTest {

    @Test
    void handBuiltV2AdvertMatchesRfc3768Layout() {
        // RFC 3768 5.1: ver 2 | type 1, VRID 1, priority 100, count 1, auth 0, adver int 1, checksum, 192.168.0.1,
        // 8 bytes of (zero) auth data. Checksum by hand: words 0x2101 + 0x6401 + 0x0001 + 0xc0a8 + 0x0001
        // = 0x145ac -> fold 0x45ad -> complement 0xba52.
        VrrpAdvertisement adv = VrrpAdvertisement.v2(1, 100, 1, VrrpAuthType.NONE, null,
                List.of(IpAddress.parse("192.168.0.1")));
        byte[] vrrp = VrrpPacketEncoder.encodeVrrp(adv, IpAddress.parse("192.168.0.2"), VrrpPacketEncoder.MCAST_GROUP4);
        assertThat(Hex.of(vrrp)).isEqualTo("21016401" + "0001ba52" + "c0a80001" + "0000000000000000");
    }

    @Test
    void handBuiltV3AdvertMatchesRfc5798LayoutAndPseudoHeaderSum() {
        // RFC 5798 5.1: ver 3 | type 1, VRID 7, priority 200, count 1, rsvd 0 | max adver int 100 cs.
        VrrpAdvertisement adv = VrrpAdvertisement.v3(7, 200, 100, List.of(IpAddress.parse("10.0.0.100")));
        IpAddress src = IpAddress.parse("10.0.0.1");
        byte[] vrrp = VrrpPacketEncoder.encodeVrrp(adv, src, VrrpPacketEncoder.MCAST_GROUP4);
        assertThat(Hex.of(vrrp).substring(0, 12)).isEqualTo("3107c8010064");
        int carried = ((vrrp[6] & 0xff) << 8) | (vrrp[7] & 0xff);
        byte[] zeroed = vrrp.clone();
        zeroed[6] = 0;
        zeroed[7] = 0;
        // pseudo-header: src, dst, zero, protocol 112, VRRP length 12
        int expected = Hex.onesComplement(Hex.bytes("0a000001e0000012" + "0070000c"), zeroed);
        assertThat(carried).isEqualTo(expected);
        // the same advert without the pseudo-header would carry another checksum: v3 really includes it
        assertThat(carried).isNotEqualTo(Hex.onesComplement(zeroed));
    }

    @Test
    void randomAdvertisementsSurviveEncodeDecodeThroughEveryInputType() {
        Random rnd = new Random(3768);
        for (int i = 0; i < 300; i++) {
            VrrpAdvertisement adv = randomAdvert(rnd);
            boolean v4 = adv.family() == io.jlvs.core.AddressFamily.INET;
            IpAddress src = v4 ? IpAddress.ofV4(0x0a000000 | rnd.nextInt(1 << 24))
                    : IpAddress.ofV6(0xfe80L << 48, rnd.nextLong());
            IpAddress dst = v4 ? VrrpPacketEncoder.MCAST_GROUP4 : VrrpPacketEncoder.MCAST_GROUP6;
            byte[] wire = VrrpPacketEncoder.encode(adv, src, dst, rnd.nextInt(65536));
            VrrpReceiveConfig cfg = VrrpReceiveConfig.of("VI_" + i, adv);
            VrrpPacketDecoder decoder = new VrrpPacketDecoder(new VrrpDropCounters());

            var fromArray = decoder.decode(wire, vrid -> vrid == adv.vrid() ? cfg : null);
            var fromBuffer = decoder.decode(ByteBuffer.wrap(wire), vrid -> vrid == adv.vrid() ? cfg : null);
            VrrpReceiveResult fromSegment;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment off = arena.allocate(wire.length);
                off.copyFrom(MemorySegment.ofArray(wire));
                fromSegment = decoder.decode(off, vrid -> vrid == adv.vrid() ? cfg : null);
            }
            for (var r : List.of(fromArray, fromBuffer, fromSegment)) {
                assertThat(r).as("advert %s", adv).isInstanceOf(VrrpReceiveResult.Accepted.class);
                var a = (VrrpReceiveResult.Accepted) r;
                assertThat(a.advertisement()).isEqualTo(adv);
                assertThat(a.source()).isEqualTo(src);
                assertThat(a.destination()).isEqualTo(dst);
            }
            assertThat(decoder.counters().totalDropped()).isZero();
            assertThat(decoder.counters().advertsReceived()).isEqualTo(3);
        }
    }

    @Test
    void invalidAdvertisementsAreRefusedAtConstruction() {
        List<IpAddress> one = List.of(IpAddress.parse("10.0.0.1"));
        assertThatThrownBy(() -> VrrpAdvertisement.v3(1, 256, 100, one)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VrrpAdvertisement.v3(1, 100, 4096, one)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VrrpAdvertisement.v2(1, 100, 256, VrrpAuthType.NONE, null, one))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VrrpAdvertisement.v3(1, 100, 100,
                List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static VrrpAdvertisement randomAdvert(Random rnd) {
        int kind = rnd.nextInt(3);
        int n = rnd.nextInt(kind == 0 ? 20 : 8) + (kind == 2 ? 1 : 0);
        List<IpAddress> addrs = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            addrs.add(kind == 2 ? IpAddress.ofV6(0xfd00L << 48, rnd.nextLong()) : IpAddress.ofV4(rnd.nextInt()));
        }
        int vrid = 1 + rnd.nextInt(255);
        int prio = rnd.nextInt(256);
        return switch (kind) {
            case 0 -> {
                VrrpAuthType auth = rnd.nextBoolean() ? VrrpAuthType.PASS : VrrpAuthType.NONE;
                yield VrrpAdvertisement.v2(vrid, prio, 1 + rnd.nextInt(255), auth, "pw" + rnd.nextInt(1000), addrs);
            }
            default -> VrrpAdvertisement.v3(vrid, prio, 1 + rnd.nextInt(4095), addrs);
        };
    }
}
