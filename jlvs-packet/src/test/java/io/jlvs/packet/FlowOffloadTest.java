package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.VirtualServiceView;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.packet.FakeFlowOffload.Key;
import io.jlvs.packet.FakeFlowOffload.Rewrite;
import io.jlvs.packet.sync.SyncEventRing;
import io.jlvs.packet.sync.SyncMessageWriter;
import io.jlvs.sys.XdpFlowMap;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The worker's side of the flow fast path, against a fake fast path: what it offloads, counts and forgets. */
class FlowOffloadTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final InetServiceKey DNS = Director.key(Protocol.UDP, VIP, 53);
    private static final Key IN = Key.tcp(CLIENT, 1000, VIP, 80);
    private static final Key OUT = Key.tcp(RS1, 8080, CLIENT, 1000);
    /** A client segment with 100 bytes of data: 154 bytes on the wire, 140 of them IP. */
    private static final int DATA_FRAME = 154;
    private static final int FULL_FRAME = 1514;

    private final FakeFlowOffload fast = new FakeFlowOffload();

    private Director masq(int afterPackets) throws Exception {
        Director d = new Director();
        d.dataplane.offloadTo(fast, afterPackets);
        d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
        return d;
    }

    private static byte[] client(int port, int flags) {
        return ScenarioTest.tcp(CLIENT, port, flags);
    }

    private static byte[] data(int port) {
        return PacketBuilder.tcp(CLIENT, port, VIP, 80).flags(0x18).payload(100).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static byte[] reply(int port, int flags) {
        return ScenarioTest.reply(RS1, 8080, CLIENT, port, flags);
    }

    /** SYN, SYN-ACK, ACK, and the server's first ACK: ESTABLISHED, both directions offloaded. */
    private static void establish(Director d, int port) {
        d.send(client(port, 0x02));
        d.send(reply(port, 0x12));
        d.send(client(port, 0x10));
        d.send(reply(port, 0x10));
    }

    private static VirtualServiceView service(Director d) {
        return d.engine.table().services().get(0);
    }

    private static RealServerView realServer(Director d) {
        return service(d).realServers().get(0);
    }

    @Test
    void natTcpIsOffloadedOnceEstablishedWithTheRewrittenHeaders() throws Exception {
        try (Director d = masq(1)) {
            d.send(client(1000, 0x02));
            d.send(reply(1000, 0x12));
            assertThat(fast.offloaded).as("nothing during the handshake").isEmpty();
            assertThat(fast.offloadCalls).isZero();

            d.send(client(1000, 0x10));
            assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");
            assertThat(fast.offloaded).containsOnlyKeys(IN);
            assertThat(fast.offloaded.get(IN)).isEqualTo(new Rewrite(CLIENT, 1000, RS1, 8080, 63, RS1_MAC));

            d.send(reply(1000, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
            assertThat(fast.offloaded.get(OUT)).isEqualTo(new Rewrite(VIP, 80, CLIENT, 1000, 63, CLIENT_MAC));

            // a frame the fast path let through (say, with IP options) is forwarded without offloading again
            assertThat(d.send(data(1000))).hasSize(1);
            assertThat(fast.offloadCalls).isEqualTo(2);
            assertThat(fast.forgotten).isEmpty();
        }
    }

    /**
     * A train of the real server's segments that GRO merged (as a link that just came back has GRO on until
     * the director sets it again) is forwarded by the worker, and the connection's next single frame still
     * offloads it: before, one merged frame kept the whole download off the fast path.
     */
    @Test
    void aMergedFrameDoesNotKeepTheConnectionOffTheFastPath() throws Exception {
        try (Director d = masq(0)) {
            d.send(client(1000, 0x02));
            d.send(reply(1000, 0x12));
            d.send(client(1000, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN);

            byte[] merged = PartialChecksumTest.partial(PacketBuilder.tcp(RS1, 8080, CLIENT, 1000).flags(0x18)
                    .payload(4000).macs(RS1_MAC, Director.OUR_MAC).build());
            assertThat(d.io.injectSuperPacket(merged, 1448)).isTrue();
            d.dataplane.runOnce();
            assertThat(d.io.takeTransmitted()).as("cut into its segments by the worker").hasSize(3);
            assertThat(fast.offloaded).as("not offloaded with a merged frame").containsOnlyKeys(IN);

            d.send(reply(1000, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
            assertThat(fast.offloaded.get(OUT)).isEqualTo(new Rewrite(VIP, 80, CLIENT, 1000, 63, CLIENT_MAC));
        }
    }

    /**
     * A fwmark service (what --fwmark-rule marks): its connections are offloaded under the addresses and ports
     * their frames carry, and taken back under the same key when the FIN comes, so a later connection with
     * the same ports is scheduled afresh rather than sent on by a stale entry.
     */
    @Test
    void aFwmarkServicesConnectionIsOffloadedAndTakenBackUnderItsFramesKey() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            io.jlvs.core.model.FwmarkServiceKey fw = new io.jlvs.core.model.FwmarkServiceKey(7,
                    io.jlvs.core.AddressFamily.INET);
            d.service(new VirtualService(fw, "rr", java.util.Set.of(), 0, VirtualService.IPV4_FULL_MASK, false, null));
            d.server(fw, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.fwmarkClassifier(new FwmarkClassifier(List.of(new FwmarkRule(null, IpAddress.parse(VIP),
                    IpAddress.parse(VIP), 80, 80, 7))));
            establish(d, 1000);
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
            assertThat(fast.offloaded.get(IN)).isEqualTo(new Rewrite(CLIENT, 1000, RS1, 8080, 63, RS1_MAC));
            d.send(client(1000, 0x11));
            assertThat(fast.forgotten).contains(IN, OUT);
            assertThat(fast.offloaded).isEmpty();
        }
    }

    @Test
    void fastPathCountsShowInTheServiceAndRealServerStatsAfterASweep() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000);
            StatsSample before = service(d).stats();
            d.send(data(1000));
            StatsSample afterWorker = service(d).stats();
            long workerBytes = afterWorker.inBytes() - before.inBytes();
            assertThat(workerBytes).isEqualTo(DATA_FRAME - 14);

            fast.forward(IN, 10, DATA_FRAME);
            fast.forward(OUT, 4, FULL_FRAME);
            d.dataplane.runOnce();
            assertThat(service(d).stats()).as("not read within the second").isEqualTo(afterWorker);

            int reads = fast.readAllCalls;
            d.advance(1);
            assertThat(fast.readAllCalls - reads).as("one read of all directions per sweep").isEqualTo(1);
            StatsSample swept = service(d).stats();
            assertThat(swept).isEqualTo(new StatsSample(1, afterWorker.inPackets() + 10,
                    afterWorker.outPackets() + 4, afterWorker.inBytes() + 10 * workerBytes,
                    afterWorker.outBytes() + 4 * (FULL_FRAME - 14)));
            assertThat(realServer(d).stats()).isEqualTo(swept);

            d.advance(1);
            assertThat(service(d).stats()).as("each packet counted once").isEqualTo(swept);
        }
    }

    @Test
    void aConnectionLivesWhileTheFastPathForwardsAndExpiresOnceItStops() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000);
            for (int step = 0; step < 4; step++) {
                fast.forward(IN, 5, DATA_FRAME);
                fast.forward(OUT, 5, FULL_FRAME);
                d.advance(300);
                assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");
            }
            assertThat(d.connections().get(0).expiresMillis()).isEqualTo(900_000);
            assertThat(realServer(d).activeConns()).isEqualTo(1);

            d.advance(899);
            assertThat(d.connections()).hasSize(1);
            d.advance(2);
            assertThat(d.connections()).isEmpty();
            assertThat(realServer(d).activeConns()).isZero();
            assertThat(fast.forgotten).containsExactlyInAnyOrder(IN, OUT);
            assertThat(fast.offloaded).isEmpty();
            assertThat(service(d).stats().inPackets()).isEqualTo(2 + 20);
        }
    }

    @Test
    void udpIsOffloadedFromItsSecondDatagramAndKeptAliveByTheFastPath() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 5353, ForwardingMethod.MASQ, 1);
            byte[] query = PacketBuilder.udp(CLIENT, 3333, VIP, 53).payload(20).macs(CLIENT_MAC, OUR_MAC).build();
            d.send(query);
            assertThat(fast.offloaded).as("the datagram that created the connection").isEmpty();
            d.send(query);
            Key in = Key.udp(CLIENT, 3333, VIP, 53);
            Key out = Key.udp(RS1, 5353, CLIENT, 3333);
            assertThat(fast.offloaded).containsOnlyKeys(in);
            assertThat(fast.offloaded.get(in)).isEqualTo(new Rewrite(CLIENT, 3333, RS1, 5353, 63, RS1_MAC));
            d.send(PacketBuilder.udp(RS1, 5353, CLIENT, 3333).payload(60).macs(RS1_MAC, OUR_MAC).build());
            assertThat(fast.offloaded.get(out)).isEqualTo(new Rewrite(VIP, 53, CLIENT, 3333, 63, CLIENT_MAC));

            for (int step = 0; step < 3; step++) {
                fast.forward(in, 1, 62);
                d.advance(200);
            }
            assertThat(d.connections()).singleElement().matches(c -> c.state().equals("UDP"));
            assertThat(service(d).stats().inPackets()).isEqualTo(2 + 3);
            d.advance(301);
            assertThat(d.connections()).isEmpty();
            assertThat(fast.forgotten).containsExactlyInAnyOrder(in, out);
        }
    }

    @Test
    void aFinThroughTheWorkerForgetsBothDirectionsAfterCountingThem() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000);
            fast.forward(IN, 3, DATA_FRAME);
            fast.forward(OUT, 2, FULL_FRAME);
            d.send(client(1000, 0x11));
            assertThat(ScenarioTest.state(d)).isEqualTo("CLOSE_WAIT");
            assertThat(fast.forgotten).containsExactlyInAnyOrder(IN, OUT);
            assertThat(fast.offloaded).isEmpty();
            // SYN, ACK, 3 by the fast path, FIN; SYN-ACK, ACK, 2 by the fast path
            assertThat(service(d).stats()).isEqualTo(new StatsSample(1, 6, 4, 40 + 40 + 3 * 140 + 40,
                    40 + 40 + 2 * 1500));

            d.send(client(1000, 0x10));
            d.send(reply(1000, 0x10));
            assertThat(fast.offloadCalls).as("a closing connection stays with the worker").isEqualTo(2);
        }
    }

    @Test
    void aRstThroughTheWorkerForgetsTheConnection() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000);
            d.send(reply(1000, 0x04));
            assertThat(ScenarioTest.state(d)).isEqualTo("CLOSE");
            assertThat(fast.forgotten).containsExactlyInAnyOrder(IN, OUT);
        }
    }

    @Test
    void removingARealServerTakesItsConnectionsBackWhileWeightChangesKeepThem() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000); // on RS1, the only real server
            // a new real server, then weight 0 on RS1: new connections only; the established one stays
            d.server(WEB, RS2, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.runOnce();
            d.weight(WEB, RS1, 8080, ForwardingMethod.MASQ, 0);
            d.dataplane.runOnce();
            assertThat(fast.forgotten).isEmpty();
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);

            Key in1 = Key.tcp(CLIENT, 1001, VIP, 80);
            Key out1 = Key.tcp(RS2, 8080, CLIENT, 1001);
            d.send(client(1001, 0x02)); // RS2: RS1 has weight 0
            d.send(ScenarioTest.reply(RS2, 8080, CLIENT, 1001, 0x12));
            d.send(client(1001, 0x10));
            d.send(ScenarioTest.reply(RS2, 8080, CLIENT, 1001, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT, in1, out1);

            fast.forward(in1, 2, DATA_FRAME);
            long inBefore = service(d).stats().inPackets();
            d.engine.execute(new IpvsCommand.DeleteServer(WEB, IpAddress.parse(RS2), 8080));
            d.dataplane.runOnce();
            assertThat(fast.forgotten).containsExactlyInAnyOrder(in1, out1);
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
            assertThat(service(d).stats().inPackets()).as("its last fast-path packets counted")
                    .isEqualTo(inBefore + 2);

            // the worker sees its next packet and applies the removal (expire_nodest_conn off: dropped)
            d.send(data(1001));
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.DESTINATION_REMOVED);
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
        }
    }

    @Test
    void directRoutingOffloadsTheClientDirectionOnly() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            d.send(client(1000, 0x02));
            assertThat(fast.offloaded).isEmpty();
            d.send(client(1000, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN);
            assertThat(fast.offloaded.get(IN)).isEqualTo(new Rewrite(CLIENT, 1000, VIP, 80, 63, RS1_MAC));
            d.send(data(1000));
            assertThat(fast.offloadCalls).isEqualTo(1);

            fast.forward(IN, 7, DATA_FRAME);
            d.advance(1);
            assertThat(service(d).stats()).isEqualTo(new StatsSample(1, 3 + 7, 0, 40 + 40 + 8 * 140, 0));
        }
    }

    /**
     * A TUN real server's connection is offloaded with the frame as sent, outer headers and all (IPIP, or GUE
     * and GRE without a checksum), so the fast path can put its later frames behind the same ones. GUE and
     * GRE with a checksum (over the whole datagram) and SCTP stay with the worker.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"IPIP", "GUE", "GRE"})
    void tunnelledConnectionsAreOffloadedWithTheirOuterHeaders(String type) throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.valueOf(type));
            d.send(client(1000, 0x02));
            assertThat(fast.offloadCalls).as("nothing during the handshake").isZero();
            d.send(client(1000, 0x10));
            assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");

            assertThat(fast.offloaded).containsOnlyKeys(IN);
            assertThat(fast.encaps.get(IN)).isEqualTo(switch (type) {
                case "IPIP" -> FlowOffload.IPIP;
                case "GUE" -> FlowOffload.GUE;
                default -> FlowOffload.GRE;
            });
            Rewrite outer = fast.offloaded.get(IN);
            assertThat(outer.src()).as("outer source").isEqualTo(Director.LOCAL);
            assertThat(outer.dst()).as("outer destination").isEqualTo(RS1);
            assertThat(outer.dstMac()).isEqualTo(RS1_MAC);
            assertThat(outer.ttl()).as("the outer TTL, the inner one's after the decrement").isEqualTo(63);
            if (type.equals("GUE")) {
                assertThat(outer.dport()).as("GUE port").isEqualTo(6080);
            }
        }
    }

    /**
     * The route to a TUN real server gets another preferred source while its connection is on the fast path
     * (an address added to the leaving link, a route with another src): the worker puts the new source in
     * the outer headers at once, so the sweep takes the connection back from the fast path, whose entry still
     * carries the old one, and the next packet offloads it again with the new source. Before, the fast path
     * kept the old source for the connection's life.
     */
    @Test
    void aTunnelledConnectionIsTakenBackWhenTheRoutesSourceAddressChanges() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.IPIP);
            d.send(client(1000, 0x02));
            d.send(client(1000, 0x10));
            assertThat(fast.offloaded.get(IN).src()).isEqualTo(Director.LOCAL);

            d.advance(1);
            assertThat(fast.forgotten).as("the same route: the connection stays on the fast path").isEmpty();

            d.sources.put(PacketBuilder.addr(RS1), PacketBuilder.addr("10.77.9.2"));
            d.advance(1);
            assertThat(fast.forgotten).containsExactly(IN);
            assertThat(fast.offloaded).isEmpty();

            assertThat(d.send(data(1000))).hasSize(1);
            assertThat(fast.offloaded.get(IN).src()).as("offloaded again, with the new source").isEqualTo("10.77.9.2");
            d.advance(1);
            assertThat(fast.forgotten).containsExactly(IN);
        }
    }

    /**
     * A GUE real server edited to another tunnel port ({@code jlvsadm -e ... --tun-port}): the worker sends
     * the connection's next packets to the new port at once, so the fast path gives the connection back and
     * takes it again with the new outer headers. A weight change leaves it alone.
     */
    @Test
    void aTunnelledConnectionIsTakenBackWhenItsRealServersTunnelPortChanges() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GUE);
            d.send(client(1000, 0x02));
            d.send(client(1000, 0x10));
            assertThat(fast.offloaded.get(IN).dport()).isEqualTo(6080);

            d.engine.execute(new IpvsCommand.EditServer(WEB, new RealServer(IpAddress.parse(RS1), 80,
                    ForwardingMethod.TUNNEL, 2, 0, 0, TunnelType.GUE, 6080, TunnelChecksum.NOCSUM)));
            d.dataplane.runOnce();
            assertThat(fast.forgotten).as("after a weight change").isEmpty();

            d.engine.execute(new IpvsCommand.EditServer(WEB, new RealServer(IpAddress.parse(RS1), 80,
                    ForwardingMethod.TUNNEL, 2, 0, 0, TunnelType.GUE, 6081, TunnelChecksum.NOCSUM)));
            d.dataplane.runOnce();
            assertThat(fast.forgotten).containsExactly(IN);

            d.send(data(1000));
            assertThat(fast.offloaded.get(IN).dport()).as("offloaded again, to the new port").isEqualTo(6081);
        }
    }

    /** GUE with a UDP checksum (--tun-csum, and --tun-remcsum, which sends one too) stays with the worker. */
    @ParameterizedTest
    @EnumSource(value = TunnelChecksum.class, names = {"CSUM", "REMCSUM"})
    void gueWithAChecksumAndSctpConnectionsAreNeverOffloaded(TunnelChecksum checksum) throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GUE, checksum);
            d.send(client(1000, 0x02));
            d.send(client(1000, 0x10));
            assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");
            assertThat(d.send(data(1000))).hasSize(1);
            assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);

            InetServiceKey sip = Director.key(Protocol.SCTP, VIP, 5060);
            d.service(Protocol.SCTP, 5060, "rr").server(sip, RS2, 5060, ForwardingMethod.MASQ, 1);
            for (int chunk : new int[] {1, 10, 0, 0}) {
                d.send(PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(chunk).payload(new byte[] {1, 2, 3, 4})
                        .macs(CLIENT_MAC, OUR_MAC).build());
                assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
            }
            assertThat(fast.offloadCalls).isZero();
        }
    }

    /** The XDP program sums no whole datagrams: GRE connections with a checksum stay with the worker. */
    @Test
    void greConnectionsWithAChecksumAreNeverOffloaded() throws Exception {
        try (Director d = new Director()) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.GRE, TunnelChecksum.CSUM);
            d.send(client(1000, 0x02));
            d.send(client(1000, 0x10));
            assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");
            for (int i = 0; i < 3; i++) {
                List<byte[]> out = d.send(data(1000));
                assertThat(d.verdict()).isEqualTo(Verdict.FORWARD);
                assertThat(out).hasSize(1);
                assertThat(out.get(0)[14 + 9]).as("GRE").isEqualTo((byte) 47);
            }
            assertThat(fast.offloadCalls).isZero();
            assertThat(d.dataplane.offloadedConnections()).isZero();
        }
    }

    /** With pmtu_disc off the outer header has no DF, which the XDP program sets: IPIP stays with the worker. */
    @Test
    void withPmtuDiscOffTunnelledConnectionsStayWithTheWorker() throws Exception {
        try (Director d = new Director(new io.jlvs.conn.ConnTableSettings(false, false, 1, false, false, null,
                new io.jlvs.conn.ForwardingSettings(false, false, false)))) {
            d.dataplane.offloadTo(fast, 1);
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, TunnelType.IPIP);
            d.send(client(1000, 0x02));
            d.send(client(1000, 0x10));
            for (int i = 0; i < 3; i++) {
                assertThat(d.send(data(1000))).hasSize(1);
            }
            assertThat(fast.offloadCalls).isZero();
        }
    }

    @Test
    void vlanTaggedFlowsStayWithTheWorker() throws Exception {
        try (Director d = masq(1)) {
            for (int flags : new int[] {0x02, 0x10, 0x18, 0x18}) {
                assertThat(d.send(PacketBuilder.tcp(CLIENT, 1000, VIP, 80).flags(flags).vlan(7)
                        .macs(CLIENT_MAC, OUR_MAC).build())).hasSize(1);
            }
            assertThat(ScenarioTest.state(d)).isEqualTo("ESTABLISHED");
            assertThat(fast.offloadCalls).as("the fast path counts 14 bytes of header a frame").isZero();
        }
    }

    @Test
    void aFlowTheFastPathRefusedIsNotOfferedAgain() throws Exception {
        try (Director d = masq(1)) {
            fast.accept = false;
            establish(d, 1000);
            for (int i = 0; i < 5; i++) {
                d.send(data(1000));
                d.send(reply(1000, 0x10));
            }
            assertThat(fast.offloadCalls).isEqualTo(1);
            assertThat(fast.offloaded).isEmpty();
            assertThat(service(d).stats().inPackets()).isEqualTo(2 + 5);

            fast.accept = true;
            establish(d, 1001);
            assertThat(fast.offloaded).containsOnlyKeys(Key.tcp(CLIENT, 1001, VIP, 80),
                    Key.tcp(RS1, 8080, CLIENT, 1001));
        }
    }

    @Test
    void afterPacketsCountsBothDirections() throws Exception {
        try (Director d = masq(5)) {
            establish(d, 1000);
            assertThat(fast.offloaded).as("four packets").isEmpty();
            d.send(data(1000));
            assertThat(fast.offloaded).containsOnlyKeys(IN);
            d.send(reply(1000, 0x10));
            assertThat(fast.offloaded).containsOnlyKeys(IN, OUT);
        }
    }

    @Test
    void aNewNextHopMacForgetsTheDirectionUntilTheWorkerOffloadsItAgain() throws Exception {
        try (Director d = masq(1)) {
            establish(d, 1000);
            long moved = 0x02_00_00_00_01_99L;
            d.neighbours.put(PacketBuilder.addr(RS1), moved);
            fast.forward(IN, 4, DATA_FRAME);
            d.advance(1);
            assertThat(fast.forgotten).containsExactly(IN);
            assertThat(fast.offloaded).containsOnlyKeys(OUT);
            assertThat(service(d).stats().inPackets()).isEqualTo(2 + 4);

            d.send(data(1000));
            assertThat(fast.offloaded.get(IN)).isEqualTo(new Rewrite(CLIENT, 1000, RS1, 8080, 63, moved));
        }
    }

    @Test
    void aSyncMasterQueuesAnOffloadedConnectionAtTheThresholdPacketsItWouldHaveSeen() throws Exception {
        try (Director d = masq(1)) {
            SyncEventRing ring = new SyncEventRing(64);
            d.dataplane.syncTo(ring);
            establish(d, 1000);
            assertThat(drain(ring)).as("two client packets: below sync_threshold").isZero();

            fast.forward(IN, 60, DATA_FRAME); // client packets 3 to 62: 3 and 53 would each have queued it
            d.advance(1);
            assertThat(drain(ring)).isEqualTo(1);
            fast.forward(IN, 10, DATA_FRAME); // 63 to 72
            fast.forward(OUT, 100, FULL_FRAME);
            d.advance(1);
            assertThat(drain(ring)).isZero();
            fast.forward(IN, 31, DATA_FRAME); // 73 to 103
            d.advance(1);
            assertThat(drain(ring)).isEqualTo(1);

            d.send(data(1000)); // 104th: the worker's count went on from the fast path's
            fast.forward(IN, 48, DATA_FRAME); // 105 to 152
            d.advance(1);
            assertThat(drain(ring)).isZero();
            d.send(data(1000)); // 153rd
            assertThat(drain(ring)).isEqualTo(1);
        }
    }

    private static int drain(SyncEventRing ring) {
        SyncMessageWriter w = new SyncMessageWriter(0, 1472);
        return ring.drainTo(w);
    }

    @Test
    void withoutAFastPathNothingIsOffered() throws Exception {
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.offloadTo(fast, 1);
            d.dataplane.offloadTo(null, 1);
            establish(d, 1000);
            d.send(data(1000));
            assertThat(fast.offloadCalls).isZero();
            assertThat(d.dataplane.forwarded()).isEqualTo(5);
        }
    }

    /**
     * Seeded random traffic through two directors, one with a fast path that forwards random amounts of
     * whatever it was given: within the UDP timeout (no flow the fast path keeps alive expires in the other
     * director), both list the same connections in the same states, and once the fast path is forgotten the
     * statistics differ by exactly what it forwarded.
     */
    @Test
    void randomTrafficCountsEveryFastPathPacketOnceAndOffloadsOnlyQualifyingFlows() throws Exception {
        InetServiceKey https = Director.key(Protocol.TCP, VIP, 443);
        SplittableRandom random = new SplittableRandom(0x6f66666c6f6164L);
        try (Director off = new Director(); Director plain = new Director()) {
            off.dataplane.offloadTo(fast, 2);
            for (Director d : new Director[] {off, plain}) {
                d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1)
                        .server(WEB, RS2, 8080, ForwardingMethod.MASQ, 1);
                d.service(Protocol.UDP, 53, "rr").server(DNS, RS1, 53, ForwardingMethod.MASQ, 1);
                d.service(Protocol.TCP, 443, "rr").server(https, RS2, 443, ForwardingMethod.DROUTE, 1);
            }
            long[] fastIn = new long[2];
            long[] fastOut = new long[2];
            long elapsed = 0;
            for (int step = 0; step < 20_000; step++) {
                int op = random.nextInt(100);
                if (op < 15 && !fast.offloaded.isEmpty()) {
                    List<Key> keys = new ArrayList<>(fast.offloaded.keySet());
                    Key k = keys.get(random.nextInt(keys.size()));
                    int frames = random.nextInt(1, 20);
                    int length = random.nextInt(60, FULL_FRAME + 1);
                    fast.forward(k, frames, length);
                    long[] sum = k.dst().equals(CLIENT) ? fastOut : fastIn;
                    sum[0] += frames;
                    sum[1] += (long) frames * (length - 14);
                    continue;
                }
                if (op < 18 && elapsed < 280) {
                    int seconds = random.nextInt(1, 4);
                    elapsed += seconds;
                    off.advance(seconds);
                    plain.advance(seconds);
                    continue;
                }
                if (op == 18) {
                    int w = random.nextInt(1, 3);
                    off.weight(WEB, RS2, 8080, ForwardingMethod.MASQ, w);
                    plain.weight(WEB, RS2, 8080, ForwardingMethod.MASQ, w);
                    continue;
                }
                byte[] frame = randomFrame(random);
                int sentOff = off.send(frame.clone()).size();
                int sentPlain = plain.send(frame).size();
                assertThat(sentOff).isEqualTo(sentPlain);
                assertThat(off.verdict()).isEqualTo(plain.verdict());
                if (step % 97 == 0) {
                    assertOffloadedFlowsQualify(off);
                }
            }
            assertOffloadedFlowsQualify(off);
            assertThat(listing(off)).isEqualTo(listing(plain));

            off.dataplane.offloadTo(null, 0); // forgets every flow, reading its counters
            assertThat(fast.offloaded).isEmpty();
            assertThat(fastIn[0]).isPositive();
            assertThat(fastOut[0]).isPositive();
            long[] a = totals(off);
            long[] b = totals(plain);
            assertThat(a).containsExactly(b[0] + fastIn[0], b[1] + fastOut[0], b[2] + fastIn[1], b[3] + fastOut[1]);
        }
    }

    private static byte[] randomFrame(SplittableRandom random) {
        int port = 1000 + random.nextInt(6);
        int[] tcpFlags = {0x02, 0x10, 0x18, 0x18, 0x18, 0x11, 0x04, 0x12};
        int flags = tcpFlags[random.nextInt(tcpFlags.length)];
        int payload = random.nextInt(3) * 200;
        String rs = random.nextBoolean() ? RS1 : RS2;
        return switch (random.nextInt(6)) {
            case 0, 1 -> PacketBuilder.tcp(CLIENT, port, VIP, 80).flags(flags).payload(payload)
                    .macs(CLIENT_MAC, OUR_MAC).build();
            case 2 -> PacketBuilder.tcp(rs, 8080, CLIENT, port).flags(flags).payload(payload)
                    .macs(RS1_MAC, OUR_MAC).build();
            case 3 -> PacketBuilder.udp(CLIENT, port, VIP, 53).payload(payload).macs(CLIENT_MAC, OUR_MAC).build();
            case 4 -> PacketBuilder.udp(RS1, 53, CLIENT, port).payload(payload).macs(RS1_MAC, OUR_MAC).build();
            default -> PacketBuilder.tcp(CLIENT, port, VIP, 443).flags(flags).payload(payload)
                    .macs(CLIENT_MAC, OUR_MAC).build();
        };
    }

    /** Every offloaded key is a direction of a listed TCP ESTABLISHED or UDP connection. */
    private void assertOffloadedFlowsQualify(Director d) {
        List<ConnectionView> conns = d.connections();
        for (Key k : fast.offloaded.keySet()) {
            assertThat(conns).as("%s", k).anySatisfy(c -> {
                assertThat(c.protocol().number()).isEqualTo(k.protocol());
                assertThat(c.state()).isIn("ESTABLISHED", "UDP");
                String in = c.client() + ":" + c.clientPort() + ">" + c.virtualAddress() + ":" + c.virtualPort();
                String out = c.destination() + ":" + c.destinationPort() + ">" + c.client() + ":" + c.clientPort();
                assertThat(k.src() + ":" + k.sport() + ">" + k.dst() + ":" + k.dport()).isIn(in, out);
            });
        }
    }

    private static List<String> listing(Director d) {
        return d.connections().stream()
                .map(c -> c.protocol() + " " + c.clientPort() + " " + c.virtualPort() + " " + c.destination() + " "
                        + c.state())
                .sorted().toList();
    }

    private static long[] totals(Director d) {
        long[] t = new long[4];
        for (VirtualServiceView v : d.engine.table().services()) {
            StatsSample s = v.stats();
            t[0] += s.inPackets();
            t[1] += s.outPackets();
            t[2] += s.inBytes();
            t[3] += s.outBytes();
        }
        return t;
    }

    @Test
    void theWorkerAllocatesNothingPerPacketWithAFastPath() throws Exception {
        FlowOffload quiet = new FlowOffload() {
            private long calls;
            /** The owners offloaded since the last readAll. */
            private final int[] owners = new int[4096];
            private int owned;

            @Override
            public boolean offload(int owner, int protocol, int src, int sport, int dst, int dport,
                                   MemorySegment frame, long offset, int encap) {
                calls++;
                if (owned < owners.length) {
                    owners[owned++] = owner;
                }
                return true;
            }

            @Override
            public int readAll(XdpFlowMap.CountSink sink) {
                for (int i = 0; i < owned; i++) {
                    calls++;
                    sink.counted(owners[i], calls, calls * DATA_FRAME);
                }
                int n = owned;
                owned = 0;
                return n;
            }

            @Override
            public boolean forget(int protocol, int src, int sport, int dst, int dport, long[] counts) {
                calls++;
                counts[0] = calls;
                counts[1] = calls * DATA_FRAME;
                return true;
            }
        };
        // the Director's map of neighbours boxes its keys: this data plane gets a table that does not
        int client = PacketBuilder.addr(CLIENT);
        NeighbourTable neighbours = ip -> ip == client ? CLIENT_MAC : RS1_MAC;
        long[] clock = {1_000 * Director.SECOND};
        IpvsEngine engine = new IpvsEngine();
        try (MemoryPacketIo io = new MemoryPacketIo(OUR_MAC, Director.MTU, 64, 2048)) {
            Dataplane dataplane = new Dataplane(io, DataplaneConfig.of(PacketBuilder.addr(Director.LOCAL), 4096),
                    neighbours, () -> clock[0]);
            dataplane.attachTo(engine);
            dataplane.offloadTo(quiet, 1);
            engine.execute(new IpvsCommand.AddService(VirtualService.of(WEB, "rr")));
            engine.execute(new IpvsCommand.AddServer(WEB, RealServer.of(IpAddress.parse(RS1), 8080,
                    ForwardingMethod.MASQ, 1)));
            int ports = 256;
            MemorySegment[][] frames = new MemorySegment[ports][];
            for (int i = 0; i < ports; i++) {
                int port = 20000 + i;
                // a lifetime: handshake, both directions offloaded, data the fast path let through, RST;
                // the next round's SYN finds the closed entry and reschedules (the entry is removed)
                frames[i] = new MemorySegment[] {MemorySegment.ofArray(client(port, 0x02)),
                        MemorySegment.ofArray(reply(port, 0x12)), MemorySegment.ofArray(client(port, 0x10)),
                        MemorySegment.ofArray(reply(port, 0x10)), MemorySegment.ofArray(data(port)),
                        MemorySegment.ofArray(reply(port, 0x10)), MemorySegment.ofArray(client(port, 0x04))};
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = 0;
            int rounds = 60;
            int measured = 10;
            for (int round = 0; round < rounds; round++) {
                if (round == rounds - measured) {
                    before = mx.getCurrentThreadAllocatedBytes();
                }
                for (int i = 0; i < ports; i++) {
                    for (MemorySegment f : frames[i]) {
                        io.inject(f, 0, (int) f.byteSize());
                    }
                    dataplane.runOnce();
                    io.discardTransmitted();
                    if (i % 64 == 0) {
                        clock[0] += Director.SECOND; // a sweep at the next poll
                    }
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertThat(dataplane.forwarded()).isEqualTo((long) rounds * ports * 7);
            assertThat(allocated).as("bytes allocated for %d frames", measured * ports * 7).isLessThan(1024);
        }
    }
}
