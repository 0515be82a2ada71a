package io.jlvs.packet;

import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.VIP;
import static io.jlvs.packet.SipPersistenceTest.datagram;
import static io.jlvs.packet.SipPersistenceTest.invite;
import static io.jlvs.packet.SipPersistenceTest.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.packet.sync.SyncBackup;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncMaster;
import io.jlvs.packet.sync.SyncMessageWriter;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.packet.sync.SyncStats;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Master to backup for --pe sip: the master sends a call's template with the Call-ID in the version-1
 * record's persistence-engine options (data, then the name "sip"), as ip_vs_sync_conn does; the backup makes
 * the same template and, after a failover, keeps the call on the master's real server.
 */
class SipSyncTest {
    private static final InetServiceKey SIP = Director.key(Protocol.UDP, VIP, 5060);
    private static final String CALL_A = "a84b4c76e66710@pc33.example.com";

    private static Director sipDirector(int weight1, int weight2) throws Exception {
        Director d = new Director();
        d.service(new VirtualService(SIP, "rr", Set.of(), 300, 0, false, "sip"));
        d.server(SIP, RS1, 5060, ForwardingMethod.MASQ, weight1).server(SIP, RS2, 5060, ForwardingMethod.MASQ,
                weight2);
        return d;
    }

    @Test
    void aCallsTemplateReachesTheBackupWithItsCallId() throws Exception {
        try (Director master = sipDirector(1, 1)) {
            CapturedSync out = new CapturedSync();
            SyncMaster sm = new SyncMaster(List.of(master.dataplane), 0, 1472, out, new SyncStats(),
                    () -> master.clock[0], 0);
            String rs = sentTo(master.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            master.send(datagram("192.0.2.10", 5060, invite(CALL_A)));
            master.send(datagram("192.0.2.10", 5060, invite(CALL_A)));
            sm.step(master.clock[0]);
            assertThat(out.messages).hasSize(1);
            List<SyncConn> sent = CapturedSync.decode(out.messages.get(0));
            assertThat(sent).filteredOn(SyncConn::template).hasSize(3).allSatisfy(t -> {
                assertThat(t.peName()).isEqualTo("sip");
                assertThat(new String(t.peData(), StandardCharsets.US_ASCII)).isEqualTo(CALL_A);
                assertThat(t.client()).isEqualTo(IpAddress.parse("0.0.0.0"));
                assertThat(t.destination()).isEqualTo(IpAddress.parse(rs));
                assertThat(t.timeoutSeconds()).isEqualTo(300);
            });
            assertThat(sent).filteredOn(c -> !c.template()).singleElement()
                    .satisfies(c -> assertThat(c.peData()).isNull());

            // the backup's scheduler would never pick rs (weight 0): the synced template still sends the call there
            try (Director backup = sipDirector(rs.equals(RS1) ? 0 : 1, rs.equals(RS1) ? 1 : 0)) {
                SyncBackup sb = new SyncBackup(List.of(backup.dataplane), 0, new SyncStats());
                sb.onMessage(ByteBuffer.wrap(out.messages.get(0)));
                backup.dataplane.runOnce();
                assertThat(backup.connections()).filteredOn(ConnectionView::template).singleElement()
                        .satisfies(t -> {
                            assertThat(t.peName()).isEqualTo("sip");
                            assertThat(t.peData()).isEqualTo(CALL_A);
                            assertThat(t.destination()).isEqualTo(IpAddress.parse(rs));
                            assertThat(t.expiresMillis()).isBetween(299_000L, 300_000L);
                        });
                assertThat(sentTo(backup.send(datagram("198.51.100.7", 5062, invite(CALL_A))))).isEqualTo(rs);
                String other = rs.equals(RS1) ? RS2 : RS1;
                assertThat(sentTo(backup.send(datagram("198.51.100.7", 5064, invite("another-call")))))
                        .isEqualTo(other);
            }
        }
    }

    @Test
    void withOnePacketSchedulingEachDatagramSendsItsCallsTemplate() throws Exception {
        // -o keeps no connection entry; the kernel still syncs the template the datagram went by
        try (Director master = new Director()) {
            master.service(new VirtualService(SIP, "rr", Set.of(), 300, 0, true, "sip"));
            master.server(SIP, RS1, 5060, ForwardingMethod.MASQ, 1).server(SIP, RS2, 5060, ForwardingMethod.MASQ, 1);
            CapturedSync out = new CapturedSync();
            SyncMaster sm = new SyncMaster(List.of(master.dataplane), 0, 1472, out, new SyncStats(),
                    () -> master.clock[0], 0);
            String a = sentTo(master.send(datagram("192.0.2.10", 5060, invite(CALL_A))));
            String b = sentTo(master.send(datagram("192.0.2.10", 5060, invite("another-call"))));
            sm.step(master.clock[0]);
            assertThat(out.messages).hasSize(1);
            assertThat(CapturedSync.decode(out.messages.get(0))).allMatch(SyncConn::template)
                    .extracting(c -> new String(c.peData(), StandardCharsets.US_ASCII) + " " + c.destination())
                    .containsExactly(CALL_A + " " + a, "another-call " + b);
        }
    }

    @Test
    void aTemplateOfAnUnknownEngineIsCountedNotApplied() throws Exception {
        try (Director backup = sipDirector(1, 1)) {
            SyncMessageWriter w = new SyncMessageWriter(0, 1472);
            w.add(new SyncConn(17, SyncProtocol.F_TEMPLATE, 0, IpAddress.parse("0.0.0.0"), 0, IpAddress.parse(VIP),
                    5060, IpAddress.parse(RS1), 5060, 0, 300, "rtsp", "x".getBytes(StandardCharsets.US_ASCII)));
            byte[] m = new byte[w.message().remaining()];
            w.message().get(m);
            new SyncBackup(List.of(backup.dataplane), 0, new SyncStats()).onMessage(ByteBuffer.wrap(m));
            backup.dataplane.runOnce();
            assertThat(backup.dataplane.syncDrops(SyncDropReason.UNKNOWN_PE)).isEqualTo(1);
            assertThat(backup.connections()).isEmpty();
        }
    }
}
