package io.jlvs.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every receive check: a crafted packet trips it, the reason is counted once, nothing is accepted. */
class VrrpDropReasonTest {
    static final IpAddress SRC = IpAddress.parse("10.99.0.1");
    static final IpAddress VIP = IpAddress.parse("10.99.0.100");
    static final VrrpAdvertisement V2 = VrrpAdvertisement.v2(51, 100, 1, VrrpAuthType.PASS, "secret12", List.of(VIP));
    static final VrrpAdvertisement V3 = VrrpAdvertisement.v3(52, 100, 100, List.of(VIP));
    static final VrrpReceiveConfig CFG_V2 = VrrpReceiveConfig.of("VI_1", V2);
    static final VrrpReceiveConfig CFG_V3 = VrrpReceiveConfig.of("VI_3", V3);

    static byte[] v2(Function<VrrpAdvertisement, VrrpAdvertisement> change) {
        return VrrpPacketEncoder.encode(change.apply(V2), SRC, VrrpPacketEncoder.MCAST_GROUP4, 1);
    }

    static byte[] mutate(byte[] p, int at, int value) {
        byte[] c = p.clone();
        c[at] = (byte) value;
        return c;
    }

    static Stream<Arguments> cases() {
        byte[] good = v2(a -> a);
        byte[] goodV3 = VrrpPacketEncoder.encode(V3, SRC, VrrpPacketEncoder.MCAST_GROUP4, 1);
        return Stream.of(
                Arguments.of(VrrpDropReason.TOO_SHORT, Arrays.copyOf(good, 24), CFG_V2),
                Arguments.of(VrrpDropReason.NOT_VRRP, mutate(good, 9, 6), CFG_V2),
                Arguments.of(VrrpDropReason.UNKNOWN_VRID, mutate(good, 21, 99), CFG_V2),
                Arguments.of(VrrpDropReason.PACKET_LENGTH, Arrays.copyOf(good, good.length + 1), CFG_V2),
                Arguments.of(VrrpDropReason.PACKET_LENGTH, mutate(good, 3, good[3] + 4), CFG_V2),
                Arguments.of(VrrpDropReason.TTL, mutate(good, 8, 64), CFG_V2),
                Arguments.of(VrrpDropReason.VERSION, mutate(good, 20, 0x21), CFG_V3_FOR_VRID51),
                Arguments.of(VrrpDropReason.INVALID_AUTH_TYPE, mutate(good, 24, 7), CFG_V2),
                Arguments.of(VrrpDropReason.AUTH_TYPE_MISMATCH,
                        v2(a -> VrrpAdvertisement.v2(51, 100, 1, VrrpAuthType.NONE, null, List.of(VIP))), CFG_V2),
                Arguments.of(VrrpDropReason.AUTH_FAILURE,
                        v2(a -> VrrpAdvertisement.v2(51, 100, 1, VrrpAuthType.PASS, "secret13", List.of(VIP))), CFG_V2),
                Arguments.of(VrrpDropReason.ADVERT_INTERVAL,
                        v2(a -> VrrpAdvertisement.v2(51, 100, 2, VrrpAuthType.PASS, "secret12", List.of(VIP))), CFG_V2),
                Arguments.of(VrrpDropReason.INVALID_TYPE, mutate(good, 20, 0x22), CFG_V2),
                Arguments.of(VrrpDropReason.ADDRESS_COUNT, v2(a -> VrrpAdvertisement.v2(51, 100, 1, VrrpAuthType.PASS,
                        "secret12", List.of(VIP, IpAddress.parse("10.99.0.101")))), CFG_V2),
                Arguments.of(VrrpDropReason.ADDRESS_LIST, v2(a -> VrrpAdvertisement.v2(51, 100, 1, VrrpAuthType.PASS,
                        "secret12", List.of(IpAddress.parse("10.99.0.200")))), CFG_V2),
                Arguments.of(VrrpDropReason.CHECKSUM, mutate(good, 26, good[26] ^ 0x01), CFG_V2),
                Arguments.of(VrrpDropReason.CHECKSUM, mutate(goodV3, 16, 0xe1), CFG_V3),
                Arguments.of(VrrpDropReason.CAST_MISMATCH,
                        VrrpPacketEncoder.encode(V2, SRC, IpAddress.parse("10.99.0.2"), 1), CFG_V2));
    }

    // a v3 instance on VRID 51: receives the v2 packet of VRID 51
    static final VrrpReceiveConfig CFG_V3_FOR_VRID51 = VrrpReceiveConfig.of("VI_3",
            VrrpAdvertisement.v3(51, 100, 100, List.of(VIP)));

    @ParameterizedTest
    @MethodSource("cases")
    void eachCheckDropsAndCountsOnce(VrrpDropReason reason, byte[] packet, VrrpReceiveConfig cfg) {
        VrrpDropCounters counters = new VrrpDropCounters();
        var r = new VrrpPacketDecoder(counters).decode(packet, vrid -> vrid == cfg.vrid() ? cfg : null);
        assertThat(r).isInstanceOf(VrrpReceiveResult.Dropped.class);
        var d = (VrrpReceiveResult.Dropped) r;
        assertThat(d.reason()).isEqualTo(reason);
        assertThat(d.logLine()).isNotBlank();
        assertThat(counters.dropped(reason)).isEqualTo(1);
        assertThat(counters.totalDropped()).isEqualTo(1);
        assertThat(counters.advertsReceived()).isZero();
    }

    @Test
    void everyReasonIsCoveredByACase() {
        Set<VrrpDropReason> covered = EnumSet.noneOf(VrrpDropReason.class);
        cases().forEach(a -> covered.add((VrrpDropReason) a.get()[0]));
        assertThat(covered).containsExactlyInAnyOrder(VrrpDropReason.values());
    }

    @Test
    void dropLinesUseKeepalivedWording() {
        VrrpDropCounters counters = new VrrpDropCounters();
        VrrpPacketDecoder decoder = new VrrpPacketDecoder(counters);
        var count = (VrrpReceiveResult.Dropped) decoder.decode(v2(a -> VrrpAdvertisement.v2(51, 100, 1,
                VrrpAuthType.PASS, "secret12", List.of(VIP, IpAddress.parse("10.99.0.101")))), vrid -> CFG_V2);
        assertThat(count.logLine()).isEqualTo("(VI_1) received an unexpected ip number count 2, expected 1!");
        var list = (VrrpReceiveResult.Dropped) decoder.decode(v2(a -> VrrpAdvertisement.v2(51, 100, 1,
                VrrpAuthType.PASS, "secret12", List.of(IpAddress.parse("10.99.0.200")))), vrid -> CFG_V2);
        assertThat(list.logLine())
                .isEqualTo("(VI_1) ip address associated with VRID 51 not present in MASTER advert: 10.99.0.100");
        var ttl = (VrrpReceiveResult.Dropped) decoder.decode(mutate(v2(a -> a), 8, 1), vrid -> CFG_V2);
        assertThat(ttl.logLine()).isEqualTo("(VI_1) invalid TTL/HL. Received 1 and expect 255");
        assertThat(counters.snapshot()).containsOnlyKeys(VrrpDropReason.ADDRESS_COUNT, VrrpDropReason.ADDRESS_LIST,
                VrrpDropReason.TTL);
    }

    @Test
    void unicastInstanceAcceptsAnyTtlButChecksEverythingElse() {
        VrrpReceiveConfig uni = new VrrpReceiveConfig("VI_U", V2.version(), V2.family(), 51, VrrpAuthType.PASS,
                V2.authData(), 100, List.of(VIP), true, true);
        byte[] p = VrrpPacketEncoder.encode(V2, SRC, IpAddress.parse("10.99.0.2"), 64, 1);
        assertThat(new VrrpPacketDecoder(new VrrpDropCounters()).decode(p, vrid -> uni))
                .isInstanceOf(VrrpReceiveResult.Accepted.class);
    }
}
