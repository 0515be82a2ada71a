package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.SECOND;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.packet.sync.SyncBackup;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncMaster;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.packet.sync.SyncStats;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Master to backup: connections the master's data plane creates are sent as the kernel sends them, and
 * the backup's data plane, given those messages, lists them and forwards their packets to the same real
 * server. Two in-memory directors, fake clocks, the messages handed over as bytes.
 */
class SyncFailoverTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);

    /** Keeps the datagrams the master sends. */
    private static byte[] tcp(String client, int port, int flags) {
        return PacketBuilder.tcp(client, port, VIP, 80).flags(flags).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static String sentTo(List<byte[]> out) {
        assertThat(out).hasSize(1);
        return IpAddress.ofV4(Ipv4Header.dst(MemorySegment.ofArray(out.get(0)), 14)).toString();
    }

    private static String other(String rs) {
        return rs.equals(RS1) ? RS2 : RS1;
    }

    /** The backup: the same service, but the real server {@code quiescent} has weight 0 (never scheduled). */
    private static Director backupWith(String quiescent, int persistence) throws Exception {
        Director b = new Director();
        if (persistence > 0) {
            b.persistentService(WEB, "rr", persistence, "255.255.255.255");
        } else {
            b.service(Protocol.TCP, 80, "rr");
        }
        b.server(WEB, quiescent, 80, ForwardingMethod.MASQ, 0);
        b.server(WEB, other(quiescent), 80, ForwardingMethod.MASQ, 1);
        return b;
    }

    @Test
    void anEstablishedConnectionFollowsTheMasterToTheBackupsSameRealServer() throws Exception {
        try (Director master = new Director()) {
            master.service(Protocol.TCP, 80, "rr");
            master.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            CapturedSync out = new CapturedSync();
            SyncStats stats = new SyncStats();
            SyncMaster sm = new SyncMaster(List.of(master.dataplane), 0, 1472, out, stats, () -> master.clock[0],
                    SyncProtocol.FLUSH_NANOS);

            String rs = sentTo(master.send(tcp(CLIENT, 40000, 0x02)));    // SYN: SYN_RECV, not sent
            master.send(tcp(CLIENT, 40000, 0x10));                         // ACK: ESTABLISHED, 2nd packet
            sm.step(master.clock[0]);
            master.clock[0] += 3 * SECOND;
            sm.step(master.clock[0]);
            assertThat(out.messages).as("nothing before the 3rd packet").isEmpty();
            master.send(tcp(CLIENT, 40000, 0x18));                         // 3rd packet: sync_threshold
            assertThat(sm.step(master.clock[0])).isTrue();
            assertThat(out.messages).as("held up to 2 s").isEmpty();
            master.clock[0] += 2 * SECOND;
            sm.step(master.clock[0]);
            assertThat(out.messages).hasSize(1);
            assertThat(stats.messagesSent()).isEqualTo(1);
            assertThat(stats.connsSent()).isEqualTo(1);
            SyncConn sent = CapturedSync.decode(out.messages.get(0)).get(0);
            assertThat(sent.state()).isEqualTo(1);                          // ESTABLISHED
            assertThat(sent.timeoutSeconds()).isEqualTo(900);
            assertThat(sent.flags() & SyncProtocol.F_INACTIVE).isZero();

            try (Director backup = backupWith(rs, 0)) {
                SyncBackup sb = new SyncBackup(List.of(backup.dataplane), 0, stats);
                sb.onMessage(ByteBuffer.wrap(out.messages.get(0)));
                backup.dataplane.runOnce();
                assertThat(backup.dataplane.syncApplied()).isEqualTo(1);
                List<ConnectionView> conns = backup.connections();
                assertThat(conns).singleElement().satisfies(c -> {
                    assertThat(c.client()).isEqualTo(IpAddress.parse(CLIENT));
                    assertThat(c.clientPort()).isEqualTo(40000);
                    assertThat(c.virtualAddress()).isEqualTo(IpAddress.parse(VIP));
                    assertThat(c.virtualPort()).isEqualTo(80);
                    assertThat(c.destination()).isEqualTo(IpAddress.parse(rs));
                    assertThat(c.destinationPort()).isEqualTo(80);
                    assertThat(c.state()).isEqualTo("ESTABLISHED");
                    assertThat(c.expiresMillis()).isBetween(899_000L, 900_000L);
                });
                RealServerView view = backup.engine.table().services().get(0).realServers().stream()
                        .filter(r -> r.server().address().toString().equals(rs)).findFirst().orElseThrow();
                assertThat(view.activeConns()).isEqualTo(1);

                // a new client goes where the backup's scheduler says: never to the weight-0 server...
                assertThat(sentTo(backup.send(tcp("192.0.2.99", 50000, 0x02)))).isEqualTo(other(rs));
                // ...but the synced connection's next packet goes to the real server the master chose
                assertThat(sentTo(backup.send(tcp(CLIENT, 40000, 0x10)))).isEqualTo(rs);
            }
        }
    }

    @Test
    void stateChangesAreSentAtOnceAndTemplatesWithTheirConnections() throws Exception {
        try (Director master = new Director()) {
            master.persistentService(WEB, "rr", 300, "255.255.255.255");
            master.server(WEB, RS1, 80, ForwardingMethod.MASQ, 1).server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            CapturedSync out = new CapturedSync();
            SyncMaster sm = new SyncMaster(List.of(master.dataplane), 0, 1472, out, new SyncStats(),
                    () -> master.clock[0], 0);
            String rs = sentTo(master.send(tcp(CLIENT, 40000, 0x02)));
            master.send(tcp(CLIENT, 40000, 0x10));
            master.send(tcp(CLIENT, 40000, 0x18));
            master.send(tcp(CLIENT, 40000, 0x11));                         // FIN: CLOSE_WAIT, sent at once
            sm.step(master.clock[0]);
            assertThat(out.messages).hasSize(1);
            List<SyncConn> sent = CapturedSync.decode(out.messages.get(0));
            // every client packet sends the template; the connection at packet 3 and at its FIN
            assertThat(sent).filteredOn(SyncConn::template).hasSize(4).allSatisfy(t -> {
                assertThat(t.timeoutSeconds()).isEqualTo(300);
                assertThat(t.clientPort()).isZero();
                assertThat(t.destination()).isEqualTo(IpAddress.parse(rs));
            });
            assertThat(sent).filteredOn(c -> !c.template()).extracting(SyncConn::state)
                    .containsExactly(1, 7);                                // ESTABLISHED, CLOSE_WAIT

            try (Director backup = backupWith(rs, 300)) {
                SyncBackup sb = new SyncBackup(List.of(backup.dataplane), 0, new SyncStats());
                sb.onMessage(ByteBuffer.wrap(out.messages.get(0)));
                backup.dataplane.runOnce();
                List<ConnectionView> conns = backup.connections();
                assertThat(conns).filteredOn(ConnectionView::template).singleElement().satisfies(t -> {
                    assertThat(t.destination()).isEqualTo(IpAddress.parse(rs));
                    assertThat(t.expiresMillis()).isBetween(299_000L, 300_000L);
                });
                assertThat(conns).filteredOn(c -> !c.template()).singleElement()
                        .satisfies(c -> assertThat(c.state()).isEqualTo("CLOSE_WAIT"));
                // the same client's next connection sticks to the synced template, weight 0 or not
                assertThat(sentTo(backup.send(tcp(CLIENT, 40001, 0x02)))).isEqualTo(rs);
            }
        }
    }

    @Test
    void recordsForUnknownServicesOrAnotherSyncIdAreCountedNotApplied() throws Exception {
        try (Director backup = new Director()) {
            SyncStats stats = new SyncStats();
            io.jlvs.packet.sync.SyncMessageWriter w = new io.jlvs.packet.sync.SyncMessageWriter(9, 1472);
            w.addV4(6, 0, 1, 40000, 80, 80, 0, 900, PacketBuilder.addr(CLIENT), PacketBuilder.addr(VIP),
                    PacketBuilder.addr(RS1));
            byte[] m = new byte[w.message().remaining()];
            w.message().get(m);
            new SyncBackup(List.of(backup.dataplane), 3, stats).onMessage(ByteBuffer.wrap(m));
            assertThat(stats.drops(SyncDropReason.SYNCID_MISMATCH)).isEqualTo(1);
            new SyncBackup(List.of(backup.dataplane), 9, stats).onMessage(ByteBuffer.wrap(m));
            backup.dataplane.runOnce();
            assertThat(backup.dataplane.syncDrops(SyncDropReason.NO_SERVICE)).isEqualTo(1);
            assertThat(backup.connections()).isEmpty();
            backup.service(Protocol.TCP, 80, "rr").server(WEB, RS2, 80, ForwardingMethod.MASQ, 1);
            new SyncBackup(List.of(backup.dataplane), 0, stats).onMessage(ByteBuffer.wrap(m));
            backup.dataplane.runOnce();
            assertThat(backup.dataplane.syncDrops(SyncDropReason.NO_REAL_SERVER)).isEqualTo(1);
            assertThat(backup.connections()).isEmpty();
            assertThat(stats.connsReceived()).isEqualTo(2);
        }
    }
}
