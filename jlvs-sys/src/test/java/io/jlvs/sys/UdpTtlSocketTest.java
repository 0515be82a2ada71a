package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import org.junit.jupiter.api.Test;

class UdpTtlSocketTest {

    @Test
    void receiverSeesTheTtlTheSenderSet() {
        IpAddress lo = IpAddress.parse("127.0.0.1");
        try (UdpTtlSocket rx = UdpTtlSocket.open(false, lo, 0, 64);
             UdpTtlSocket tx = UdpTtlSocket.open(false, lo, 0, 200)) {
            assertThat(tx.send(lo, rx.localPort(), new byte[] {1, 2, 3})).isTrue();
            UdpDatagram d = rx.receive(2000);
            assertThat(d).isNotNull();
            assertThat(d.ttl()).isEqualTo(200);
            assertThat(d.length()).isEqualTo(3);
            assertThat(d.data()).containsExactly(1, 2, 3);
            assertThat(d.source()).isEqualTo(lo);
            assertThat(d.sourcePort()).isEqualTo(tx.localPort());
            assertThat(d.destination()).isEqualTo(lo);
        }
    }

    @Test
    void ipv6HopLimitIsReportedToo() {
        IpAddress lo = IpAddress.parse("::1");
        try (UdpTtlSocket rx = UdpTtlSocket.open(true, lo, 0, 64);
             UdpTtlSocket tx = UdpTtlSocket.open(true, lo, 0, 255)) {
            tx.send(lo, rx.localPort(), new byte[24]);
            UdpDatagram d = rx.receive(2000);
            assertThat(d).isNotNull();
            assertThat(d.ttl()).isEqualTo(255);
            assertThat(d.source()).isEqualTo(lo);
        }
    }

    @Test
    void nothingWaitingReturnsNullAfterTheTimeout() {
        try (UdpTtlSocket rx = UdpTtlSocket.open(false, IpAddress.parse("127.0.0.1"), 0, 64)) {
            assertThat(rx.receive(20)).isNull();
        }
    }
}
