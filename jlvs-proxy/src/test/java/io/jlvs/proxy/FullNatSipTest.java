package io.jlvs.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * --pe sip on a FULLNAT UDP service: the proxy keys its templates on the SIP Call-ID of a flow's first
 * datagram as the packet data plane does (over loopback sockets, each client socket another source port).
 */
class FullNatSipTest {
    private static final String CALL_A = "a84b4c76e66710@pc33.example.com";
    private final ProxyFixture f = new ProxyFixture();
    private final List<DatagramSocket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() {
        f.close();
        sockets.forEach(DatagramSocket::close);
    }

    /** A UDP real server answering with its name. */
    private int server(String name) throws IOException {
        DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        sockets.add(s);
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[2048];
            while (!s.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    byte[] out = name.getBytes(StandardCharsets.US_ASCII);
                    s.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return s.getLocalPort();
    }

    private DatagramSocket client() throws IOException {
        DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        c.setSoTimeout(3000);
        sockets.add(c);
        return c;
    }

    private static String ask(DatagramSocket c, InetServiceKey key, String message) throws IOException {
        byte[] out = message.getBytes(StandardCharsets.US_ASCII);
        c.send(new DatagramPacket(out, out.length, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                key.port())));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        c.receive(in);
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII);
    }

    private static String invite(String callId) {
        return "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: " + callId + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Test
    void aCallKeepsItsRealServerAcrossClientsAndACallIdLessDatagramIsDropped() throws Exception {
        InetServiceKey key = new InetServiceKey(Protocol.UDP, ProxyFixture.LOCALHOST,
                ProxyFixture.freePort(Protocol.UDP));
        f.engine.execute(new IpvsCommand.AddService(new VirtualService(key, "rr", Set.of(), 300,
                IpAddress.parse("0.0.0.0").v4(), false, "sip")));
        f.addServer(key, server("rs1"), 1);
        f.addServer(key, server("rs2"), 1);
        f.awaitListening(key);

        String a = ask(client(), key, invite(CALL_A));
        // other source ports: plain persistence (netmask 0.0.0.0) would send every call to a; sip spreads calls
        assertThat(ask(client(), key, invite(CALL_A))).isEqualTo(a);
        String b = ask(client(), key, invite("another-call@host"));
        assertThat(b).isNotEqualTo(a);
        assertThat(ask(client(), key, "BYE sip:bob@example.com SIP/2.0\r\ni: " + CALL_A + "\r\n\r\n")).isEqualTo(a);

        DatagramSocket silent = client();
        assertThatThrownBy(() -> ask(silent, key, "OPTIONS sip:x SIP/2.0\r\n\r\n"))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(f.proxy.metrics().noDestination()).isEqualTo(1);

        assertThat(f.engine.connections()).filteredOn(ConnectionView::template)
                .extracting(c -> c.client() + " " + c.peName() + " " + c.peData())
                .containsExactlyInAnyOrder("0.0.0.0 sip " + CALL_A, "0.0.0.0 sip another-call@host");
    }
}
