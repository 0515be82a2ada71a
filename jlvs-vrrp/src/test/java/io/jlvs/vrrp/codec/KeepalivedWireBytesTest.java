package io.jlvs.vrrp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets captured from keepalived 2.2.7 (Debian 1:2.2.7-1+b2) in a network namespace pair with a raw
 * socket (10.99.0.1 -> 224.0.0.18, and fe80::9c0c:22ff:feb6:95c5 -> ff02::12). Our encoder must produce
 * the same bytes, and our decoder must accept them.
 */
class KeepalivedWireBytesTest {
    // vrrp_instance VI_1 { virtual_router_id 51; priority 100; advert_int 1;
    //   authentication { auth_type PASS; auth_pass secret12 } virtual_ipaddress { 10.99.0.100/24 10.99.0.101/24 } }
    static final String V2_PASS_ID1 =
            "45c0002c00010000ff70d02a0a630001e0000012" + "213364020101f6bb" + "0a6300640a630065" + "7365637265743132";
    // the priority 0 advert it sent on SIGTERM, fourth packet (IP id 4)
    static final String V2_PASS_STOP_ID4 =
            "45c0002c00040000ff70d0270a630001e0000012" + "2133000201015abc" + "0a6300640a630065" + "7365637265743132";
    // version 3; virtual_router_id 52; priority 150; advert_int 0.5; virtual_ipaddress { 10.99.0.110/24 }
    static final String V3_IPV4_ID1 = "45c0002000010000ff70d0360a630001e0000012" + "31349601003242d4" + "0a63006e";
    // version 3; virtual_router_id 53; priority 200; advert_int 1; virtual_ipaddress { fd00::100/64 } (payload only)
    static final String V3_IPV6_PAYLOAD = "3135c8010064b6bd" + "fd000000000000000000000000000100";

    static final IpAddress SRC4 = IpAddress.parse("10.99.0.1");
    static final IpAddress SRC6 = IpAddress.parse("fe80::9c0c:22ff:feb6:95c5");

    static VrrpAdvertisement v2Pass(int prio) {
        return VrrpAdvertisement.v2(51, prio, 1, VrrpAuthType.PASS, "secret12",
                List.of(IpAddress.parse("10.99.0.100"), IpAddress.parse("10.99.0.101")));
    }

    @Test
    void v2WithPasswordIsByteForByteKeepalived() {
        assertThat(Hex.of(VrrpPacketEncoder.encode(v2Pass(100), SRC4, VrrpPacketEncoder.MCAST_GROUP4, 1)))
                .isEqualTo(V2_PASS_ID1);
        assertThat(Hex.of(VrrpPacketEncoder.encode(v2Pass(0), SRC4, VrrpPacketEncoder.MCAST_GROUP4, 4)))
                .isEqualTo(V2_PASS_STOP_ID4);
    }

    @Test
    void v3OverIpv4IsByteForByteKeepalived() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(52, 150, 50, List.of(IpAddress.parse("10.99.0.110")));
        assertThat(Hex.of(VrrpPacketEncoder.encode(adv, SRC4, VrrpPacketEncoder.MCAST_GROUP4, 1)))
                .isEqualTo(V3_IPV4_ID1);
    }

    @Test
    void v3OverIpv6PayloadIsByteForByteKeepalived() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(53, 200, 100, List.of(IpAddress.parse("fd00::100")));
        assertThat(Hex.of(VrrpPacketEncoder.encodeVrrp(adv, SRC6, VrrpPacketEncoder.MCAST_GROUP6)))
                .isEqualTo(V3_IPV6_PAYLOAD);
    }

    @Test
    void capturedPacketsDecodeToWhatKeepalivedWasConfiguredWith() {
        VrrpPacketDecoder decoder = new VrrpPacketDecoder(new VrrpDropCounters());
        VrrpReceiveConfig cfg = VrrpReceiveConfig.of("VI_1", v2Pass(100));
        var r = decoder.decode(Hex.bytes(V2_PASS_ID1), vrid -> vrid == 51 ? cfg : null);
        assertThat(r).isInstanceOf(VrrpReceiveResult.Accepted.class);
        var a = (VrrpReceiveResult.Accepted) r;
        assertThat(a.advertisement()).isEqualTo(v2Pass(100));
        assertThat(a.source()).isEqualTo(SRC4);
        assertThat(a.ttl()).isEqualTo(255);

        var stop = decoder.decode(Hex.bytes(V2_PASS_STOP_ID4), vrid -> vrid == 51 ? cfg : null);
        assertThat(((VrrpReceiveResult.Accepted) stop).advertisement().priority()).isZero();
        assertThat(decoder.counters().advertsReceived()).isEqualTo(2);
        assertThat(decoder.counters().priorityZeroReceived()).isEqualTo(1);

        VrrpAdvertisement v3 = VrrpAdvertisement.v3(52, 150, 50, List.of(IpAddress.parse("10.99.0.110")));
        var r3 = decoder.decode(Hex.bytes(V3_IPV4_ID1), vrid -> VrrpReceiveConfig.of("VI_1", v3));
        assertThat(((VrrpReceiveResult.Accepted) r3).advertisement()).isEqualTo(v3);
    }

    @Test
    void capturedIpv6PayloadDecodesInsideAnIpv6Header() {
        VrrpAdvertisement adv = VrrpAdvertisement.v3(53, 200, 100, List.of(IpAddress.parse("fd00::100")));
        byte[] header = Hex.bytes("6c000000" + "0018" + "70" + "ff"
                + "fe800000000000009c0c22fffeb695c5" + "ff020000000000000000000000000012");
        byte[] packet = Arrays.copyOf(header, header.length + 24);
        System.arraycopy(Hex.bytes(V3_IPV6_PAYLOAD), 0, packet, 40, 24);
        assertThat(Hex.of(VrrpPacketEncoder.encode(adv, SRC6, VrrpPacketEncoder.MCAST_GROUP6, 0))).isEqualTo(Hex.of(packet));
        var r = new VrrpPacketDecoder(new VrrpDropCounters()).decode(packet, vrid -> VrrpReceiveConfig.of("VI_6", adv));
        assertThat(r).isInstanceOf(VrrpReceiveResult.Accepted.class);
        assertThat(((VrrpReceiveResult.Accepted) r).source()).isEqualTo(SRC6);
    }

    @Test
    void checksumsOfCapturedPacketsVerifyWithAnIndependentSum() {
        byte[] v2 = Hex.bytes(V2_PASS_ID1);
        assertThat(Hex.onesComplement(Arrays.copyOfRange(v2, 0, 20))).isZero();
        assertThat(Hex.onesComplement(Arrays.copyOfRange(v2, 20, v2.length))).isZero();
        byte[] v3 = Hex.bytes(V3_IPV4_ID1);
        byte[] pseudo = Hex.bytes("0a630001" + "e0000012" + "0070" + "000c");
        assertThat(Hex.onesComplement(pseudo, Arrays.copyOfRange(v3, 20, v3.length))).isZero();
        byte[] pseudo6 = Hex.bytes("fe800000000000009c0c22fffeb695c5" + "ff020000000000000000000000000012"
                + "00000018" + "00000070");
        assertThat(Hex.onesComplement(pseudo6, Hex.bytes(V3_IPV6_PAYLOAD))).isZero();
    }
}
