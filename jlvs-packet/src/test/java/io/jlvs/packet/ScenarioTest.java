package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Multi-packet behaviour: persistence, ops, draining, removed servers, ICMP, states, counters, expiry. */
class ScenarioTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);

    static byte[] syn(String client, int port) {
        return PacketBuilder.tcp(client, port, VIP, 80).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build();
    }

    static byte[] tcp(String client, int port, int flags) {
        return PacketBuilder.tcp(client, port, VIP, 80).flags(flags).macs(CLIENT_MAC, OUR_MAC).build();
    }

    static byte[] reply(String rs, int rsPort, String client, int port, int flags) {
        return PacketBuilder.tcp(rs, rsPort, client, port).flags(flags).macs(RS1_MAC, OUR_MAC).build();
    }

    /** The destination address of the single frame sent. */
    static String sentTo(List<byte[]> out) {
        assertThat(out).hasSize(1);
        MemorySegment s = MemorySegment.ofArray(out.get(0));
        return IpAddress.ofV4(Ipv4Header.dst(s, 14)).toString();
    }

    static Director twoMasqServers(Director d, String scheduler) throws Exception {
        d.service(Protocol.TCP, 80, scheduler);
        d.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
        return d;
    }

    @Test
    void persistenceKeepsAClientNetworkOnOneServerAndListsItsTemplate() throws Exception {
        try (Director d = new Director()) {
            d.persistentService(WEB, "rr", 300, "255.255.255.0");
            d.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            String first = sentTo(d.send(syn("192.0.2.10", 1000)));
            for (int i = 1; i <= 6; i++) {
                assertThat(sentTo(d.send(syn("192.0.2." + (10 + i), 1000 + i)))).isEqualTo(first);
            }
            assertThat(sentTo(d.send(syn("198.51.100.7", 2000)))).isNotEqualTo(first);

            List<ConnectionView> list = d.connections();
            assertThat(list).filteredOn(ConnectionView::template)
                    .extracting(c -> c.client() + ":" + c.clientPort() + " " + c.destination() + " " + c.state())
                    .containsExactlyInAnyOrder("192.0.2.0:0 " + first + " NONE",
                            "198.51.100.0:0 " + (first.equals(RS1) ? RS2 : RS1) + " NONE");
            assertThat(list).filteredOn(c -> !c.template()).hasSize(8);
            assertThat(d.engine.table().services().get(0).realServers()).extracting(RealServerView::persistConns)
                    .containsExactlyInAnyOrder(1, 1);
        }
    }

    @Test
    void persistenceTemplateOutlivesTheConnectionUntilItsTimeout() throws Exception {
        try (Director d = new Director()) {
            d.persistentService(WEB, "rr", 300, "255.255.255.255");
            d.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            String first = sentTo(d.send(syn(CLIENT, 1000)));
            d.send(tcp(CLIENT, 1000, 0x04)); // RST: CLOSE, 10 s
            d.advance(100);
            assertThat(d.connections()).singleElement().matches(ConnectionView::template);
            assertThat(sentTo(d.send(syn(CLIENT, 1001)))).isEqualTo(first);
            d.send(tcp(CLIENT, 1001, 0x04));
            d.advance(400);
            assertThat(d.connections()).isEmpty();
        }
    }

    @Test
    void onePacketSchedulingSpreadsDatagramsAndKeepsNoEntries() throws Exception {
        try (Director d = new Director()) {
            d.service(new VirtualService(DNS, "rr", Set.of(), 0, VirtualService.IPV4_FULL_MASK, true, null));
            d.server(DNS, RS1, 53, ForwardingMethod.MASQ, 1).server(DNS, RS2, 53, ForwardingMethod.MASQ, 1);
            byte[] q = PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(20).macs(CLIENT_MAC, OUR_MAC).build();
            String a = sentTo(d.send(q));
            String b = sentTo(d.send(q));
            String c = sentTo(d.send(q));
            assertThat(a).isNotEqualTo(b);
            assertThat(c).isEqualTo(a);
            assertThat(d.connections()).isEmpty();
            StatsSample stats = d.engine.table().services().get(0).stats();
            assertThat(stats.conns()).isEqualTo(3);
            assertThat(stats.inPackets()).isEqualTo(3);
        }
    }

    @Test
    void weightZeroDrainsExistingFlowsContinueNewOnesGoElsewhere() throws Exception {
        try (Director d = twoMasqServers(new Director(), "rr")) {
            String first = sentTo(d.send(syn(CLIENT, 1000)));
            d.weight(WEB, first, 80, ForwardingMethod.MASQ, 0);
            assertThat(sentTo(d.send(tcp(CLIENT, 1000, 0x10)))).isEqualTo(first);
            String other = first.equals(RS1) ? RS2 : RS1;
            for (int i = 0; i < 4; i++) {
                assertThat(sentTo(d.send(syn(CLIENT, 2000 + i)))).isEqualTo(other);
            }
        }
    }

    @Test
    void removedServerDropsItsFlowsUnlessExpireNodestConnReschedules() throws Exception {
        for (boolean expireNodest : new boolean[] {false, true}) {
            try (Director d = twoMasqServers(new Director(new ConnTableSettings(expireNodest, false, 1)), "rr")) {
                String first = sentTo(d.send(syn(CLIENT, 1000)));
                d.engine.execute(new IpvsCommand.DeleteServer(WEB, IpAddress.parse(first), 80));
                List<byte[]> out = d.send(tcp(CLIENT, 1000, 0x10));
                if (expireNodest) {
                    // the entry expires; an ACK cannot open a new connection
                    assertThat(out).isEmpty();
                    assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CONNECTION);
                    assertThat(sentTo(d.send(syn(CLIENT, 1000)))).isNotEqualTo(first);
                } else {
                    assertThat(out).isEmpty();
                    assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.DESTINATION_REMOVED);
                    assertThat(d.connections()).singleElement()
                            .matches(c -> c.destination().toString().equals(first));
                }
            }
        }
    }

    @Test
    void tcpStatesProgressAsIpvsListsThem() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(syn(CLIENT, 1000));
            assertThat(state(d)).isEqualTo("SYN_RECV");
            d.send(reply(RS1, 8080, CLIENT, 1000, 0x12));
            assertThat(state(d)).isEqualTo("SYN_RECV");
            d.send(tcp(CLIENT, 1000, 0x10));
            assertThat(state(d)).isEqualTo("ESTABLISHED");
            assertThat(d.connections().get(0).expiresMillis()).isEqualTo(900_000);
            assertThat(d.engine.table().services().get(0).realServers().get(0).activeConns()).isEqualTo(1);
            d.send(tcp(CLIENT, 1000, 0x11));
            assertThat(state(d)).isEqualTo("CLOSE_WAIT");
            d.send(reply(RS1, 8080, CLIENT, 1000, 0x11));
            assertThat(state(d)).isEqualTo("TIME_WAIT");
            assertThat(d.engine.table().services().get(0).realServers().get(0).activeConns()).isZero();
            assertThat(d.engine.table().services().get(0).realServers().get(0).inactiveConns()).isEqualTo(1);
            d.advance(121);
            assertThat(d.connections()).isEmpty();
        }
    }

    @Test
    void directRoutingUsesTheInputOnlyTable() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            d.send(syn(CLIENT, 1000));
            d.send(tcp(CLIENT, 1000, 0x10));
            assertThat(state(d)).isEqualTo("ESTABLISHED");
            d.send(tcp(CLIENT, 1000, 0x11));
            assertThat(state(d)).isEqualTo("FIN_WAIT");
        }
    }

    @Test
    void sctpStatesFollowTheDecidingChunkIncludingABundledAbort() throws Exception {
        for (boolean abort : new boolean[] {false, true}) {
            try (Director d = new Director()) {
                InetServiceKey sip = Director.key(Protocol.SCTP, VIP, 5060);
                d.service(Protocol.SCTP, 5060, "rr").server(sip, RS1, 5060, ForwardingMethod.MASQ, 1);
                d.send(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(1).macs(CLIENT_MAC, OUR_MAC).build());
                assertThat(state(d)).isEqualTo("INIT1");
                d.send(PacketBuilder.sctp(RS1, 5060, CLIENT, 7000).chunk(2).macs(RS1_MAC, OUR_MAC).build());
                assertThat(state(d)).isEqualTo("C-SENT");
                byte[] cookieThenAbort = {1, 2, 3, 4, 6, 0, 0, 4};
                d.send(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(10).chunkLength(8)
                        .payload(abort ? cookieThenAbort : new byte[] {1, 2, 3, 4}).macs(CLIENT_MAC, OUR_MAC).build());
                assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
                assertThat(state(d)).isEqualTo(abort ? "CLOSED" : "C-REPLIED");
            }
        }
    }

    @Test
    void anOverloadedServerTakesNoNewFlowsUntilBelowThreeQuartersOfItsThreshold() throws Exception {
        try (Director d = new Director()) {
            // fo: the highest weight that is not overloaded
            d.service(Protocol.TCP, 80, "fo").server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            d.engine.execute(new IpvsCommand.AddServer(WEB, new io.jlvs.core.model.RealServer(IpAddress.parse(RS1), 80,
                    ForwardingMethod.MASQ, 100, 2, 0, null, 0, null)));
            assertThat(sentTo(d.send(syn(CLIENT, 1000)))).isEqualTo(RS1);
            assertThat(sentTo(d.send(syn(CLIENT, 1001)))).isEqualTo(RS1);
            assertThat(sentTo(d.send(syn(CLIENT, 1002)))).isEqualTo(RS2);
            assertThat(sentTo(d.send(syn(CLIENT, 1003)))).isEqualTo(RS2);
            // a client RST leaves SYN_RECV as it is (the kernel's table): the entries live out their 60 s
            d.send(tcp(CLIENT, 1000, 0x04));
            d.advance(59);
            assertThat(sentTo(d.send(syn(CLIENT, 1004)))).isEqualTo(RS2);
            d.advance(2);
            assertThat(sentTo(d.send(syn(CLIENT, 1005)))).isEqualTo(RS1);
        }
    }

    static String state(Director d) {
        List<ConnectionView> list = d.connections();
        assertThat(list).hasSize(1);
        return list.get(0).state();
    }

    @Test
    void countersShowInTheTableAsIpvsadmPrintsThem() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            InetServiceKey dr = Director.key(Protocol.TCP, VIP, 443);
            d.service(Protocol.TCP, 443, "rr").server(dr, RS2, 443, ForwardingMethod.DROUTE, 1);
            byte[] s = syn(CLIENT, 1000);
            byte[] r = reply(RS1, 8080, CLIENT, 1000, 0x12);
            byte[] a = PacketBuilder.tcp(CLIENT, 1000, VIP, 80).flags(0x10).payload(100).macs(CLIENT_MAC, OUR_MAC).build();
            d.send(s);
            d.send(r);
            d.send(a);
            d.send(PacketBuilder.tcp(CLIENT, 5000, VIP, 443).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            d.send(PacketBuilder.tcp(RS2, 443, CLIENT, 5000).flags(0x12).macs(RS1_MAC, OUR_MAC).build());
            IpvsTableView t = d.engine.table();
            StatsSample web = t.services().get(0).stats();
            assertThat(web).isEqualTo(new StatsSample(1, 2, 1, 40 + 140, 40));
            assertThat(t.services().get(0).realServers().get(0).stats()).isEqualTo(web);
            StatsSample route = t.services().get(1).stats();
            assertThat(route).isEqualTo(new StatsSample(1, 1, 0, 40, 0));
            assertThat(d.dataplane.passed()).isEqualTo(1);
        }
    }

    @Test
    void icmpErrorsAboutMasqConnectionsAreTranslatedBothWays() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(syn(CLIENT, 1000));
            // a router on the way to the client cannot deliver our reply VIP:80 -> client:1000
            byte[] aboutReply = PacketBuilder.tcp(VIP, 80, CLIENT, 1000).flags(0x12).ttl(60).datagram();
            List<byte[]> in = d.send(PacketBuilder.icmp("203.0.113.1", VIP, 3, 1, 0, aboutReply)
                    .macs(CLIENT_MAC, OUR_MAC).build());
            byte[] expectedQuote = PacketBuilder.tcp(RS1, 8080, CLIENT, 1000).flags(0x12).ttl(60).datagram();
            // the inner transport checksum is left as it was (the kernel does not fix it either)
            System.arraycopy(aboutReply, 20 + 16, expectedQuote, 20 + 16, 2);
            assertThat(ForwardingCasesTest.hex(in.get(0))).isEqualTo(ForwardingCasesTest.hex(
                    PacketBuilder.icmp("203.0.113.1", RS1, 3, 1, 0, expectedQuote).ttl(63).macs(OUR_MAC, RS1_MAC).build()));

            // the real server rejects the client's packet client:1000 -> RS1:8080
            byte[] aboutRequest = PacketBuilder.tcp(CLIENT, 1000, RS1, 8080).flags(0x10).ttl(63).datagram();
            List<byte[]> out = d.send(PacketBuilder.icmp(RS1, CLIENT, 3, 3, 0, aboutRequest)
                    .macs(RS1_MAC, OUR_MAC).build());
            byte[] expectedOut = PacketBuilder.tcp(CLIENT, 1000, VIP, 80).flags(0x10).ttl(63).datagram();
            System.arraycopy(aboutRequest, 20 + 16, expectedOut, 20 + 16, 2);
            assertThat(ForwardingCasesTest.hex(out.get(0))).isEqualTo(ForwardingCasesTest.hex(
                    PacketBuilder.icmp(VIP, CLIENT, 3, 3, 0, expectedOut).ttl(63).macs(OUR_MAC, CLIENT_MAC).build()));
            StatsSample stats = d.engine.table().services().get(0).stats();
            assertThat(stats.inPackets()).isEqualTo(2);
            assertThat(stats.outPackets()).isEqualTo(1);
        }
    }

    @Test
    void fragmentationNeededFromARouterBehindTheDirectorIsTranslatedForTheClient() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.send(syn(CLIENT, 1000));
            // a router between the director and RS1 (not a real server) cannot pass client:1000 -> RS1:8080
            byte[] aboutRequest = PacketBuilder.tcp(CLIENT, 1000, RS1, 8080).flags(0x10).payload(1400).ttl(62)
                    .datagram();
            byte[] quoted = java.util.Arrays.copyOf(aboutRequest, 28);
            List<byte[]> out = d.send(PacketBuilder.icmp("10.0.1.254", CLIENT, 3, 4, 1400, quoted)
                    .macs(RS1_MAC, OUR_MAC).build());
            byte[] expected = java.util.Arrays.copyOf(
                    PacketBuilder.tcp(CLIENT, 1000, VIP, 80).flags(0x10).payload(1400).ttl(62).datagram(), 28);
            assertThat(out).as("the client learns the path MTU, about its own packet to the VIP").hasSize(1);
            assertThat(ForwardingCasesTest.hex(out.get(0))).isEqualTo(ForwardingCasesTest.hex(
                    PacketBuilder.icmp(VIP, CLIENT, 3, 4, 1400, expected).ttl(63).macs(OUR_MAC, CLIENT_MAC).build()));
        }
    }

    @Test
    void udpEntriesExpireAfterTheUdpTimeoutAndFollowSet() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 53, ForwardingMethod.MASQ, 1);
            d.send(PacketBuilder.udp(CLIENT, 3333, VIP, 53).macs(CLIENT_MAC, OUR_MAC).build());
            d.advance(299);
            assertThat(d.connections()).hasSize(1);
            d.advance(2);
            assertThat(d.connections()).isEmpty();
            d.engine.execute(new IpvsCommand.SetTimeouts(new io.jlvs.core.view.Timeouts(0, 0, 10)));
            d.send(PacketBuilder.udp(CLIENT, 3333, VIP, 53).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.connections().get(0).expiresMillis()).isEqualTo(10_000);
        }
    }

    @Test
    void fwmarkServiceTakesClassifiedTrafficAndPersistsPerMark() throws Exception {
        try (Director d = new Director()) {
            FwmarkServiceKey fw = new FwmarkServiceKey(7, AddressFamily.INET);
            d.service(new VirtualService(fw, "rr", Set.of(), 60, VirtualService.IPV4_FULL_MASK, false, null));
            d.server(fw, RS1, 0, ForwardingMethod.DROUTE, 1).server(fw, RS2, 0, ForwardingMethod.DROUTE, 1);
            d.dataplane.fwmarkClassifier(new FwmarkClassifier(List.of(new FwmarkRule(null,
                    IpAddress.parse("10.77.1.0"), IpAddress.parse("10.77.1.255"), 80, 443, 7))));
            List<byte[]> a = d.send(PacketBuilder.tcp(CLIENT, 1000, "10.77.1.5", 80).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            List<byte[]> b = d.send(PacketBuilder.udp(CLIENT, 1001, "10.77.1.9", 443).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(a).hasSize(1);
            assertThat(MemorySegment.ofArray(b.get(0)).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5))
                    .isEqualTo(MemorySegment.ofArray(a.get(0)).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5));
            assertThat(d.connections()).filteredOn(ConnectionView::template).singleElement()
                    .matches(c -> c.protocol() == null && c.virtualAddress().toString().equals("0.0.0.7"));
            d.send(PacketBuilder.tcp(CLIENT, 1000, "10.77.1.5", 8080).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    @Test
    void portZeroPersistentServiceTakesEveryPort() throws Exception {
        try (Director d = new Director()) {
            InetServiceKey any = Director.key(Protocol.TCP, VIP, 0);
            d.persistentService(any, "rr", 360, "255.255.255.255");
            d.server(any, RS1, 0, ForwardingMethod.MASQ, 1).server(any, RS2, 0, ForwardingMethod.MASQ, 1);
            List<byte[]> a = d.send(PacketBuilder.tcp(CLIENT, 1000, VIP, 22).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            List<byte[]> b = d.send(PacketBuilder.tcp(CLIENT, 1001, VIP, 8443).flags(0x02).macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(sentTo(b)).isEqualTo(sentTo(a));
            assertThat(Wire.u16(MemorySegment.ofArray(b.get(0)), 14 + 20 + 2)).isEqualTo(8443);
        }
    }

    @Test
    void answersArpForVirtualAddressesOnly() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr");
            List<byte[]> out = d.send(arpRequest(VIP));
            assertThat(d.verdict()).isEqualTo(Verdict.REPLY);
            MemorySegment r = MemorySegment.ofArray(out.get(0));
            assertThat(EthernetHeader.dst(r, 0)).isEqualTo(CLIENT_MAC);
            assertThat(ArpHeader.op(r, 14)).isEqualTo(ArpHeader.OP_REPLY);
            assertThat(ArpHeader.senderMac(r, 14)).isEqualTo(OUR_MAC);
            assertThat(ArpHeader.senderIp(r, 14)).isEqualTo(PacketBuilder.addr(VIP));
            assertThat(ArpHeader.targetIp(r, 14)).isEqualTo(PacketBuilder.addr(CLIENT));
            assertThat(d.send(arpRequest("10.77.0.99"))).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
    }

    static byte[] arpRequest(String target) {
        byte[] f = new byte[42];
        PacketBuilder.putMac(f, 0, 0xffff_ffff_ffffL);
        PacketBuilder.putMac(f, 6, CLIENT_MAC);
        PacketBuilder.put16(f, 12, 0x0806);
        PacketBuilder.put16(f, 14, 1);
        PacketBuilder.put16(f, 16, 0x0800);
        f[18] = 6;
        f[19] = 4;
        PacketBuilder.put16(f, 20, 1);
        PacketBuilder.putMac(f, 22, CLIENT_MAC);
        PacketBuilder.put32(f, 28, PacketBuilder.addr(CLIENT));
        PacketBuilder.put32(f, 38, PacketBuilder.addr(target));
        return f;
    }

    @Test
    void listingFromAnotherThreadGoesThroughTheWorker() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.MASQ, 1);
            d.send(syn(CLIENT, 1000)); // this thread is now the worker
            List<ConnectionView>[] seen = new List[1];
            Thread control = Thread.ofPlatform().start(() -> seen[0] = d.engine.connections());
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (control.isAlive() && System.nanoTime() < deadline) {
                d.dataplane.poll(d.clock[0]);
                Thread.onSpinWait();
            }
            control.join(5000);
            assertThat(seen[0]).singleElement().matches(c -> c.clientPort() == 1000 && c.state().equals("SYN_RECV"));
        }
    }
}
