package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which frames the steering program hands to the data plane (XDP_REDIRECT into the AF_XDP socket) and which
 * it leaves to the kernel (XDP_PASS), run on crafted frames with BPF_PROG_TEST_RUN: from a NAT real server
 * only its replies, ICMP errors and fragments (what it starts itself, DNS or a ping, the kernel routes: before,
 * all of it went to the data plane, which has no connection for it, and was lost); and ICMP errors from a
 * router behind the director about a client's packet to a NAT real server (before, passed untranslated).
 */
class XdpSteeringLabTest {
    private static final int XDP_PASS = 2;
    private static final int XDP_REDIRECT = 4;
    private static final IpAddress VIP = IpAddress.parse("10.90.0.100");
    private static final IpAddress SERVER = IpAddress.parse("10.91.0.11");
    private static final IpAddress FWMARK_SERVER = IpAddress.parse("10.91.0.12");
    private static final IpAddress DIRECTOR = IpAddress.parse("10.91.0.1");
    private static final IpAddress CLIENT = IpAddress.parse("198.51.100.7");
    private static final IpAddress ROUTER = IpAddress.parse("10.91.0.254");

    private interface Body {
        void run(XdpSteering program) throws Exception;
    }

    private static void withProgram(Body body) throws Exception {
        try (VethLab lab = VethLab.create();
                XdpSteering program = XdpSteering.attach(lab.host, XdpMode.GENERIC);
                XskSocket socket = XskSocket.open(lab.host, 0, 256, 20)) {
            program.register(0, socket);
            program.steerExactly(Set.of(VIP), Set.of(SERVER, FWMARK_SERVER),
                    Set.of(new XdpSteering.ServerPort(SERVER, 6, 8080), new XdpSteering.ServerPort(SERVER, 17, 53),
                            new XdpSteering.ServerPort(FWMARK_SERVER, 6, 0), new XdpSteering.ServerPort(VIP, 6, 80),
                            new XdpSteering.ServerPort(VIP, 17, 0)), Set.of(DIRECTOR));
            body.run(program);
        }
    }

    /** Ethernet + IPv4 (with {@code optionWords} words of options) + the first 8 bytes of a transport header. */
    private static byte[] frame(int protocol, IpAddress src, IpAddress dst, int optionWords, int flagsAndOffset,
                                byte[] transport) {
        int ihl = 20 + optionWords * 4;
        ByteBuffer b = ByteBuffer.allocate(14 + ihl + transport.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800);
        b.put((byte) (0x40 | ihl / 4)).put((byte) 0).putShort((short) (ihl + transport.length)).putShort((short) 1)
                .putShort((short) flagsAndOffset).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(src.toBytes()).put(dst.toBytes());
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01010101); // NOPs
        }
        return b.put(transport).array();
    }

    private static byte[] ports(int sport, int dport) {
        return ByteBuffer.allocate(8).putShort((short) sport).putShort((short) dport).putInt(0).array();
    }

    /** An ICMP error of {@code type} quoting an IPv4 header from {@code quotedSrc} to {@code quotedDst}. */
    private static byte[] icmpError(int type, IpAddress quotedSrc, IpAddress quotedDst) {
        return icmpError(type, quotedSrc, quotedDst, 8080);
    }

    /** As above, the quoted TCP segment to {@code quotedPort}. */
    private static byte[] icmpError(int type, IpAddress quotedSrc, IpAddress quotedDst, int quotedPort) {
        ByteBuffer b = ByteBuffer.allocate(8 + 28);
        b.put((byte) type).put((byte) 4).putShort((short) 0).putInt(1400);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 60).putInt(0).put((byte) 63).put((byte) 6)
                .putShort((short) 0).put(quotedSrc.toBytes()).put(quotedDst.toBytes());
        return b.put(ports(40000, quotedPort)).array();
    }

    private static byte[] echoRequest() {
        return ByteBuffer.allocate(8).put((byte) 8).put((byte) 0).putShort((short) 0).putInt(0x10001).array();
    }

    @Test
    void aNatRealServersRepliesComeToTheDataPlaneAndWhatItStartsItselfGoesToTheKernel() throws Exception {
        withProgram(p -> {
            assertThat(p.testRun(frame(6, SERVER, CLIENT, 0, 0, ports(8080, 40000)))).as("TCP reply")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0, ports(53, 40000)))).as("UDP reply")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(6, SERVER, CLIENT, 3, 0, ports(8080, 40000)))).as("reply with IP options")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0, ports(41000, 53)))).as("the server's DNS query")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(6, SERVER, CLIENT, 0, 0, ports(53, 443)))).as("TCP from a UDP service port")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, SERVER, CLIENT, 0, 0, echoRequest()))).as("the server's ping")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, SERVER, CLIENT, 0, 0, icmpError(3, CLIENT, SERVER))))
                    .as("the server's ICMP error to a client").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 185, ports(1, 2)))).as("the last fragment")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0x2000, ports(41000, 53))))
                    .as("the first fragment of a datagram the server starts").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0x4000, ports(41000, 53))))
                    .as("don't fragment alone is no fragment").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(6, FWMARK_SERVER, CLIENT, 0, 0, ports(12345, 40000))))
                    .as("a fwmark service's server, any port").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(6, SERVER, DIRECTOR, 0, 0, ports(8080, 40000))))
                    .as("a health check's answer to the director").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(6, CLIENT, VIP, 0, 0, ports(40000, 80)))).as("to the virtual address")
                    .isEqualTo(XDP_REDIRECT);
        });
    }

    @Test
    void anIcmpErrorFromARouterBehindTheDirectorIsOursOnlyWhenItQuotesAClientsPacketToANatServer()
            throws Exception {
        withProgram(p -> {
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, icmpError(3, CLIENT, SERVER))))
                    .as("fragmentation needed about a client's packet").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, icmpError(11, CLIENT, SERVER))))
                    .as("time exceeded").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(1, ROUTER, DIRECTOR, 0, 0, icmpError(3, DIRECTOR, SERVER))))
                    .as("about the director's own health check").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, icmpError(3, CLIENT, ROUTER))))
                    .as("about a packet to someone else").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, icmpError(3, CLIENT, SERVER, 443))))
                    .as("about a reply the kernel routed to the server (its own download)").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, icmpError(3, CLIENT, FWMARK_SERVER, 1234))))
                    .as("about a client's packet to a fwmark service's server, any port").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(1, ROUTER, CLIENT, 0, 0, echoRequest()))).as("not an error")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(17, ROUTER, CLIENT, 0, 0, ports(1, 2)))).as("not ICMP")
                    .isEqualTo(XDP_PASS);
        });
    }

    /**
     * More addresses than the map holds: the call throws (the worker logs it and goes on), and the maps
     * still say exactly what was written, so a later, smaller set steers exactly that set. Before, a refused
     * write left the program's record out of step with the map: addresses no longer wanted stayed steered.
     */
    /**
     * To a virtual address, only what its services take comes to the data plane: their ports (TCP 80, and
     * every UDP port of a port-0 service here), ICMP errors about their connections and fragments. A ping,
     * or a TCP port no service has, goes to the kernel, which holds the address and answers (an echo reply,
     * a RST) as it does with AF_PACKET and the guard. Before, the program took everything to the address and
     * the worker, which cannot hand a frame back, dropped it: pings to the VIP went unanswered.
     */
    @Test
    void toAVirtualAddressOnlyWhatItsServicesTakeIsOursAndAPingIsTheKernels() throws Exception {
        withProgram(p -> {
            assertThat(p.testRun(frame(6, CLIENT, VIP, 0, 0, ports(40000, 80)))).as("TCP to the service port")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(6, CLIENT, VIP, 2, 0, ports(40000, 80)))).as("with IP options")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(17, CLIENT, VIP, 0, 0, ports(40000, 5353)))).as("UDP, a port-0 service")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(6, CLIENT, VIP, 0, 0, ports(40000, 22)))).as("TCP to a port no service has")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(132, CLIENT, VIP, 0, 0, ports(40000, 80)))).as("SCTP, no SCTP service")
                    .isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, CLIENT, VIP, 0, 0, echoRequest()))).as("a ping").isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(1, ROUTER, VIP, 0, 0, icmpError(3, VIP, CLIENT, 40000))))
                    .as("an ICMP error about a reply the VIP sent").isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(6, CLIENT, VIP, 0, 185, ports(1, 2)))).as("a later fragment")
                    .isEqualTo(XDP_REDIRECT);
            assertThat(p.testRun(frame(47, CLIENT, VIP, 0, 0, ports(0, 0)))).as("GRE").isEqualTo(XDP_PASS);
        });
    }

    @Test
    void aFullAddressMapRefusesButTheNextSmallerSetIsSteeredExactly() throws Exception {
        withProgram(p -> {
            java.util.Set<IpAddress> many = new java.util.HashSet<>();
            for (int i = 0; i <= XdpSteering.MAX_ADDRESSES; i++) {
                many.add(IpAddress.ofV4(0x0a5c0000 + i)); // 10.92.x.y
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.steerExactly(many, Set.of(), Set.of(),
                    Set.of(DIRECTOR))).isInstanceOf(NativeIoException.class);
            IpAddress kept = IpAddress.ofV4(0x0a5c0001);
            p.steerExactly(Set.of(kept), Set.of(SERVER), Set.of(new XdpSteering.ServerPort(SERVER, 6, 8080),
                    new XdpSteering.ServerPort(kept, 6, 80)), Set.of(DIRECTOR));
            assertThat(p.testRun(frame(6, CLIENT, kept, 0, 0, ports(40000, 80)))).as("the one kept")
                    .isEqualTo(XDP_REDIRECT);
            for (int i : new int[] {0, 2, 1000, XdpSteering.MAX_ADDRESSES - 1}) {
                assertThat(p.testRun(frame(6, CLIENT, IpAddress.ofV4(0x0a5c0000 + i), 0, 0, ports(40000, 80))))
                        .as("10.92 address %d, no longer wanted", i).isEqualTo(XDP_PASS);
            }
            assertThat(p.testRun(frame(6, CLIENT, VIP, 0, 0, ports(40000, 80)))).as("the old VIP").isEqualTo(XDP_PASS);
        });
    }

    @Test
    void aServerPortNoLongerSteeredGoesToTheKernel() throws Exception {
        withProgram(p -> {
            p.steerExactly(Set.of(VIP), Set.of(SERVER), Set.of(new XdpSteering.ServerPort(SERVER, 17, 53)),
                    Set.of(DIRECTOR));
            assertThat(p.testRun(frame(6, SERVER, CLIENT, 0, 0, ports(8080, 40000)))).isEqualTo(XDP_PASS);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0, ports(53, 40000)))).isEqualTo(XDP_REDIRECT);
            p.release(SERVER);
            assertThat(p.testRun(frame(17, SERVER, CLIENT, 0, 0, ports(53, 40000)))).isEqualTo(XDP_PASS);
        });
    }
}
