package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.netty.channel.uring.IoUring;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Every transport the proxy can run on carries TCP (with half-close) and UDP byte for byte. */
class ProxyTransportTest {

    private static String expectedName(ProxyTransportKind kind) {
        return switch (kind) {
            case IO_URING -> IoUring.isAvailable() ? "io_uring" : "epoll";
            case AUTO, RELAY -> "relay";
            case EPOLL -> "epoll";
            case NIO -> "nio";
        };
    }

    @ParameterizedTest
    @EnumSource(ProxyTransportKind.class)
    void tcpAndUdpPassByteForByte(ProxyTransportKind kind) throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(kind.ordinal()).nextBytes(payload);
        try (ProxyFixture f = new ProxyFixture(Duration.ZERO, kind);
             TcpBackend echo = new TcpBackend(s -> s.getInputStream().transferTo(s.getOutputStream()));
             DatagramSocket udpServer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThat(f.proxy.transportName()).isEqualTo(expectedName(kind));

            InetServiceKey tcp = f.tcpService("rr");
            f.addServer(tcp, echo.port(), 1);
            f.awaitListening(tcp);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            try (Socket s = f.connect(tcp)) {
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        s.getInputStream().transferTo(back);
                    } catch (java.io.IOException ignored) {
                        // the assertion below reports the short read
                    }
                });
                s.getOutputStream().write(payload);
                s.shutdownOutput();
                reader.join(Duration.ofSeconds(20));
            }
            assertThat(back.toByteArray()).isEqualTo(payload);

            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    udpServer.receive(p);
                    udpServer.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (java.io.IOException ignored) {
                    // closed at the end of the test
                }
            });
            InetServiceKey udp = f.service(Protocol.UDP, "rr", 0, false);
            f.addServer(udp, udpServer.getLocalPort(), 1);
            f.awaitListening(udp);
            client.setSoTimeout(5000);
            byte[] hello = ("hello over " + kind).getBytes(StandardCharsets.US_ASCII);
            InetSocketAddress vip = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
            client.send(new DatagramPacket(hello, hello.length, vip));
            DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
            client.receive(in);
            assertThat(in.getSocketAddress()).isEqualTo(vip);
            assertThat(new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello over " + kind);
        }
    }

    @Test
    void transportNamesParseAsOperatorsWriteThem() {
        assertThat(ProxyTransportKind.parse("io_uring")).isEqualTo(ProxyTransportKind.IO_URING);
        assertThat(ProxyTransportKind.parse("io-uring")).isEqualTo(ProxyTransportKind.IO_URING);
        assertThat(ProxyTransportKind.parse("EPOLL")).isEqualTo(ProxyTransportKind.EPOLL);
        assertThat(ProxyTransportKind.parse("relay")).isEqualTo(ProxyTransportKind.RELAY);
        assertThatThrownBy(() -> ProxyTransportKind.parse("kqueue"))
                .hasMessage("unknown proxy transport 'kqueue' (expected auto, relay, io_uring, epoll or nio)");
    }
}
