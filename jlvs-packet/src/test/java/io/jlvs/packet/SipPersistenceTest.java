package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.RealServer;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.packet.sync.SyncEventRing;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code ipvsadm -A -u VIP:5060 -s rr -p T [-M mask] [-o] --pe sip}: each SIP call (Call-ID) keeps one real
 * server for the persistence timeout, across client ports and across the addresses of one persistence
 * network, as IPVS's ip_vs_pe_sip; a datagram without a Call-ID is dropped and counted; templates are listed
 * with "sip" and the Call-ID as ipvsadm -Lc --persistent-conn shows them.
 */
class SipPersistenceTest {
    private static final InetServiceKey SIP = Director.key(Protocol.UDP, VIP, 5060);
    private static final String CALL_A = "a84b4c76e66710@pc33.example.com";
    private static final String CALL_B = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@host.example.com";

    private static Director sipDirector(int timeout, String netmask, boolean onePacket) throws Exception {
        Director d = new Director();
        d.service(new VirtualService(SIP, "rr", Set.of(), timeout, IpAddress.parse(netmask).v4(), onePacket,
                "sip"));
        d.server(SIP, RS1, 5060, ForwardingMethod.MASQ, 1).server(SIP, RS2, 5060, ForwardingMethod.MASQ, 1);
        return d;
    }

    /** A SIP request whose headers are {@code headers} (lines without their CRLF). */
    static byte[] message(String... headers) {
        StringBuilder b = new StringBuilder("INVITE sip:bob@example.com SIP/2.0\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("Content-Length: 0\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] invite(String callId) {
        return message("Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds", "To: Bob <sip:bob@example.com>",
                "From: Alice <sip:alice@example.com>;tag=1928301774", "Call-ID: " + callId, "CSeq: 314159 INVITE");
    }

    static byte[] datagram(String client, int port, byte[] payload) {
        return PacketBuilder.udp(client, port, VIP, 5060).payload(payload).macs(CLIENT_MAC, OUR_MAC).build();
    }

    static String sentTo(List<byte[]> out) {
        assertThat(out).hasSize(1);
        return IpAddress.ofV4(Ipv4Header.dst(MemorySegment.ofArray(out.get(0)), 14)).toString();
    }

    private static String other(String rs) {
        return rs.equals(RS1) ? RS2 : RS1;
    }

    @Test
    void oneCallFromTwoClientsOfOnePersistenceNetworkStaysOnOneServer() throws Exception {
        try (Director d = sipDirector(300, "0.0.0.0", false)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            // another address and port (a proxy on the far side of the call), same Call-ID
            assertThat(sentTo(d.send(datagram("198.51.100.7", 5062, invite(CALL_A))))).isEqualTo(a);
            assertThat(sentTo(d.send(datagram("203.0.113.5", 40000, invite(CALL_A))))).isEqualTo(a);
            // plain persistence by network would have sent the next call there too; sip schedules it
            assertThat(sentTo(d.send(datagram("192.0.2.10", 5070, invite(CALL_B))))).isEqualTo(other(a));
            assertThat(sentTo(d.send(datagram("198.51.100.7", 5072, invite(CALL_B))))).isEqualTo(other(a));
            assertThat(d.connections()).filteredOn(ConnectionView::template).hasSize(2);
            assertThat(d.engine.table().services().get(0).realServers()).extracting(RealServerView::persistConns)
                    .containsExactly(1, 1);
        }
    }

    @Test
    void theClientNetworkStaysPartOfTheKeyAsInIpvs() throws Exception {
        // the kernel's ct_match compares the (masked) client address as well as the Call-ID
        try (Director d = sipDirector(300, "255.255.255.0", false)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            assertThat(sentTo(d.send(datagram("192.0.2.99", 5062, invite(CALL_A))))).as("same /24").isEqualTo(a);
            assertThat(sentTo(d.send(datagram("198.51.100.7", 5060, invite(CALL_A))))).as("another /24")
                    .isEqualTo(other(a));
            assertThat(d.connections()).filteredOn(ConnectionView::template)
                    .extracting(c -> c.client() + " " + c.peData() + " " + c.destination())
                    .containsExactlyInAnyOrder("192.0.2.0 " + CALL_A + " " + a,
                            "198.51.100.0 " + CALL_A + " " + other(a));
        }
    }

    @Test
    void differentCallsSpreadAsTheSchedulerSays() throws Exception {
        try (Director d = sipDirector(300, "0.0.0.0", false)) {
            String first = sentTo(d.send(datagram("192.0.2.10", 6000, invite("call-0@x"))));
            for (int i = 1; i < 8; i++) {
                String rs = sentTo(d.send(datagram("192.0.2.10", 6000 + i, invite("call-" + i + "@x"))));
                assertThat(rs).as("call %d", i).isEqualTo(i % 2 == 0 ? first : other(first));
            }
            assertThat(d.engine.table().services().get(0).realServers()).extracting(RealServerView::persistConns)
                    .containsExactly(4, 4);
        }
    }

    @Test
    void withOnePacketSchedulingEachDatagramFollowsItsCall() throws Exception {
        try (Director d = sipDirector(300, "255.255.255.255", true)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            String b = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_B))));
            assertThat(b).isEqualTo(other(a));
            for (int i = 0; i < 3; i++) {
                assertThat(sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))))).isEqualTo(a);
                assertThat(sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_B))))).isEqualTo(b);
            }
            assertThat(d.connections()).allMatch(ConnectionView::template).hasSize(2);
        }
    }

    @Test
    void withoutOnePacketSchedulingAClientPortKeepsItsConnectionWhateverTheCall() throws Exception {
        // IPVS consults the template only when it schedules: the UDP entry of 192.0.2.10:5060 answers first
        try (Director d = sipDirector(300, "255.255.255.255", false)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            assertThat(sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_B))))).isEqualTo(a);
            assertThat(d.connections()).filteredOn(ConnectionView::template).singleElement()
                    .satisfies(t -> assertThat(t.peData()).isEqualTo(CALL_A));
        }
    }

    @Test
    void theCompactFormAndAnyCaseOfTheHeaderNameFindTheSameCall() throws Exception {
        try (Director d = sipDirector(300, "0.0.0.0", true)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, message("i: " + CALL_A))));
            assertThat(sentTo(d.send(datagram("192.0.2.11", 5060, message("CALL-ID:" + CALL_A))))).isEqualTo(a);
            assertThat(sentTo(d.send(datagram("192.0.2.12", 5060, message("call-id  :  " + CALL_A)))))
                    .isEqualTo(a);
            assertThat(sentTo(d.send(datagram("192.0.2.13", 5060, message("I:" + CALL_A))))).isEqualTo(a);
            // RFC 2543's bare LF line ends
            byte[] lf = ("BYE sip:bob@example.com SIP/2.0\nCall-Id: " + CALL_A + "\n\n")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(sentTo(d.send(datagram("192.0.2.14", 5060, lf)))).isEqualTo(a);
            assertThat(d.connections()).singleElement().satisfies(t -> assertThat(t.peData()).isEqualTo(CALL_A));
            assertThat(d.dataplane.drops(DropReason.NO_CALL_ID)).isZero();
        }
    }

    @Test
    void aDatagramWithoutAUsableCallIdIsDroppedAndCounted() throws Exception {
        try (Director d = sipDirector(300, "0.0.0.0", false)) {
            byte[][] bad = {
                message("To: <sip:bob@example.com>"),                              // no Call-ID
                ("Call-ID: " + CALL_A + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), // on the first line
                message("Call-ID: " + CALL_A + " "),                               // not followed by CRLF
                message("Call-ID: " + "x".repeat(256)),                            // over 255 bytes
                new byte[0],                                                       // no payload
            };
            for (int i = 0; i < bad.length; i++) {
                assertThat(d.send(datagram("192.0.2.10", 7000 + i, bad[i]))).as("datagram %d", i).isEmpty();
                assertThat(d.verdict()).isEqualTo(Verdict.DROP);
                assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CALL_ID);
            }
            assertThat(d.dataplane.drops(DropReason.NO_CALL_ID)).isEqualTo(bad.length);
            assertThat(d.connections()).isEmpty();
            // 255 bytes is the longest kept
            String longest = "y".repeat(255);
            assertThat(d.send(datagram("192.0.2.10", 7100, message("Call-ID: " + longest)))).hasSize(1);
            assertThat(d.connections()).filteredOn(ConnectionView::template).singleElement()
                    .satisfies(t -> assertThat(t.peData()).isEqualTo(longest));
        }
    }

    @Test
    void aTcpServiceWithTheSipEngineDropsEveryNewConnectionAsIpvsDoes() throws Exception {
        InetServiceKey tcp = Director.key(Protocol.TCP, VIP, 5060);
        try (Director d = new Director()) {
            d.service(new VirtualService(tcp, "rr", Set.of(), 300, -1, false, "sip"));
            d.server(tcp, RS1, 5060, ForwardingMethod.MASQ, 1);
            byte[] syn = PacketBuilder.tcp("192.0.2.10", 40000, VIP, 5060).flags(0x02).macs(CLIENT_MAC, OUR_MAC)
                    .build();
            assertThat(d.send(syn)).isEmpty();
            assertThat(d.dataplane.drops(DropReason.NO_CALL_ID)).isEqualTo(1);
        }
    }

    @Test
    void aCallsTemplateExpiresAfterThePersistenceTimeout() throws Exception {
        try (Director d = sipDirector(60, "0.0.0.0", true)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            assertThat(sentTo(d.send(datagram("192.0.2.11", 5060, invite(CALL_B))))).isEqualTo(other(a));
            d.advance(50);
            assertThat(sentTo(d.send(datagram("192.0.2.11", 5060, invite(CALL_A))))).isEqualTo(a);
            d.advance(50);
            // call A's template was re-armed by its last message: 10 s left; call B's expired
            assertThat(d.connections()).singleElement().satisfies(t -> {
                assertThat(t.peData()).isEqualTo(CALL_A);
                assertThat(t.expiresMillis()).isBetween(9_000L, 10_000L);
            });
            d.advance(11);
            assertThat(d.connections()).isEmpty();
            assertThat(d.engine.table().services().get(0).realServers()).extracting(RealServerView::persistConns)
                    .containsExactly(0, 0);
            // both calls are scheduled anew: rr's next server is a, for B this time; then A gets the other
            assertThat(sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_B))))).isEqualTo(a);
            assertThat(sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))))).isEqualTo(other(a));
        }
    }

    @Test
    void templatesAreListedWithTheEngineAndTheCallId() throws Exception {
        try (Director d = sipDirector(300, "255.255.255.255", false)) {
            String a = sentTo(d.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            List<ConnectionView> list = d.connections();
            assertThat(list).filteredOn(ConnectionView::template).singleElement().satisfies(t -> {
                assertThat(t.protocol()).isEqualTo(Protocol.UDP);
                assertThat(t.client()).isEqualTo(IpAddress.parse("192.0.2.10"));
                assertThat(t.clientPort()).isZero();
                assertThat(t.virtualAddress()).isEqualTo(IpAddress.parse(VIP));
                assertThat(t.virtualPort()).isEqualTo(5060);
                assertThat(t.destination()).isEqualTo(IpAddress.parse(a));
                assertThat(t.state()).isEqualTo("NONE");
                assertThat(t.peName()).isEqualTo("sip");
                assertThat(t.peData()).isEqualTo(CALL_A);
            });
            assertThat(list).filteredOn(c -> !c.template()).singleElement().satisfies(c -> {
                assertThat(c.clientPort()).isEqualTo(5060);
                assertThat(c.peName()).isNull();
            });
        }
    }

    @Test
    void callsComingAndGoingAllocateNothingPerPacket() throws Exception {
        // the Director's map of neighbours boxes its keys: this data plane gets a table that does not
        int rs1 = PacketBuilder.addr(RS1);
        int rs2 = PacketBuilder.addr(RS2);
        NeighbourTable neighbours = ip -> ip == rs1 ? Director.RS1_MAC : ip == rs2 ? Director.RS2_MAC : CLIENT_MAC;
        long[] clock = {1_000 * Director.SECOND};
        IpvsEngine engine = new IpvsEngine();
        try (MemoryPacketIo io = new MemoryPacketIo(OUR_MAC, Director.MTU, 64, 2048)) {
            Dataplane dataplane = new Dataplane(io, DataplaneConfig.of(PacketBuilder.addr(Director.LOCAL), 4096),
                    neighbours, () -> clock[0]);
            dataplane.attachTo(engine);
            dataplane.syncTo(new SyncEventRing(16384)); // never drained: full, it drops and counts
            engine.execute(new IpvsCommand.AddService(new VirtualService(SIP, "rr", Set.of(), 2,
                    IpAddress.parse("255.255.255.0").v4(), true, "sip")));
            for (String rs : List.of(RS1, RS2)) {
                engine.execute(new IpvsCommand.AddServer(SIP, RealServer.of(IpAddress.parse(rs), 5060,
                        ForwardingMethod.MASQ, 1)));
            }
            int calls = 512;
            MemorySegment[] frames = new MemorySegment[calls];
            for (int i = 0; i < calls; i++) {
                frames[i] = MemorySegment.ofArray(datagram("192.0.2." + (i % 200), 5060 + i % 7,
                        invite("call-" + i + "@pc33.example.com")));
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = 0;
            int rounds = 60;
            int measured = 10;
            for (int round = 0; round < rounds; round++) {
                if (round == rounds - measured) {
                    before = mx.getCurrentThreadAllocatedBytes();
                }
                for (int i = 0; i < calls; i++) {
                    io.inject(frames[i], 0, (int) frames[i].byteSize());
                    dataplane.runOnce();
                    io.discardTransmitted();
                }
                // every other round the calls' templates (2 s) expire and are made again
                clock[0] += (round % 2 == 0 ? 1 : 2) * Director.SECOND;
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(dataplane.forwarded()).isEqualTo((long) rounds * calls);
            assertThat(allocated).as("bytes allocated for %d datagrams", measured * calls).isLessThan(1024);
        }
    }
}
