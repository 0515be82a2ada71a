package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2_MAC;
import static io.jlvs.packet.Director.SECOND;
import static io.jlvs.packet.Ipv6ForwardingTest.CLIENT6;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_1;
import static io.jlvs.packet.Ipv6ForwardingTest.RS6_2;
import static io.jlvs.packet.Ipv6ForwardingTest.VIP6;
import static io.jlvs.packet.Ipv6ForwardingTest.WEB6;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.packet.sync.SyncBackup;
import io.jlvs.packet.sync.SyncConn;
import io.jlvs.packet.sync.SyncDropReason;
import io.jlvs.packet.sync.SyncMaster;
import io.jlvs.packet.sync.SyncProtocol;
import io.jlvs.packet.sync.SyncStats;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * IPv6 connections synchronised as the kernel sends them (72-byte IPv6 records): the master queues them at
 * the sync threshold, the backup applies them and forwards their next packets to the master's real server.
 */
class Ipv6SyncTest {
    private static Director director(int persistence) throws Exception {
        Director d = new Director();
        d.neighbours6.put(IpAddress.parse(CLIENT6), CLIENT_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_1), RS1_MAC);
        d.neighbours6.put(IpAddress.parse(RS6_2), RS2_MAC);
        d.service(persistence > 0 ? new VirtualService(WEB6, "rr", Set.of(), persistence, 128, false, null)
                : VirtualService.of(WEB6, "rr"));
        return d;
    }

    private static byte[] tcp(int flags) {
        return Packet6Builder.tcp(CLIENT6, 40000, VIP6, 80).flags(flags).build();
    }

    private static String sentTo(List<byte[]> out) {
        assertThat(out).hasSize(1);
        MemorySegment f = MemorySegment.ofArray(out.get(0));
        return Wire.mac(f, 0) == RS1_MAC ? RS6_1 : RS6_2;
    }

    @Test
    void anIpv6ConnectionAndItsTemplateFollowTheMasterToTheBackupsSameRealServer() throws Exception {
        try (Director master = director(300)) {
            master.server(WEB6, RS6_1, 80, ForwardingMethod.DROUTE, 1);
            master.server(WEB6, RS6_2, 80, ForwardingMethod.DROUTE, 1);
            CapturedSync out = new CapturedSync();
            SyncStats stats = new SyncStats();
            SyncMaster sm = new SyncMaster(List.of(master.dataplane), 0, 1472, out, stats, () -> master.clock[0], 0);
            String rs = sentTo(master.send(tcp(0x02)));
            master.send(tcp(0x10));
            sm.step(master.clock[0]);
            List<SyncConn> early = out.messages.stream().flatMap(m -> CapturedSync.decode(m).stream()).toList();
            assertThat(early).as("templates only before the 3rd packet").allMatch(SyncConn::template);
            master.send(tcp(0x18));                                         // the 3rd packet: sync_threshold
            sm.step(master.clock[0]);
            List<SyncConn> sent = out.messages.stream().flatMap(m -> CapturedSync.decode(m).stream()).toList();
            SyncConn conn = sent.stream().filter(c -> !c.template()).findFirst().orElseThrow();
            assertThat(conn.v6()).isTrue();
            assertThat(conn.client()).isEqualTo(IpAddress.parse(CLIENT6));
            assertThat(conn.virtualAddress()).isEqualTo(IpAddress.parse(VIP6));
            assertThat(conn.destination()).isEqualTo(IpAddress.parse(rs));
            assertThat(conn.clientPort()).isEqualTo(40000);
            assertThat(conn.flags() & SyncProtocol.F_DROUTE).isNotZero();
            assertThat(conn.flags() & SyncProtocol.F_NOOUTPUT).isNotZero();
            SyncConn template = sent.stream().filter(SyncConn::template).findFirst().orElseThrow();
            assertThat(template.clientPort()).isZero();
            assertThat(template.timeoutSeconds()).isEqualTo(300);

            try (Director backup = director(300)) {
                // the master's real server has weight 0 on the backup: never scheduled there
                backup.server(WEB6, rs, 80, ForwardingMethod.DROUTE, 0);
                backup.server(WEB6, rs.equals(RS6_1) ? RS6_2 : RS6_1, 80, ForwardingMethod.DROUTE, 1);
                SyncBackup sb = new SyncBackup(List.of(backup.dataplane), 0, stats);
                for (byte[] m : out.messages) {
                    sb.onMessage(ByteBuffer.wrap(m));
                }
                backup.dataplane.runOnce();
                assertThat(backup.dataplane.syncApplied()).isEqualTo(sent.size());
                assertThat(backup.dataplane.syncDrops(SyncDropReason.UNSUPPORTED_FAMILY)).isZero();
                assertThat(backup.connections()).filteredOn(c -> !c.template()).singleElement().satisfies(c -> {
                    assertThat(c.client()).isEqualTo(IpAddress.parse(CLIENT6));
                    assertThat(c.destination()).isEqualTo(IpAddress.parse(rs));
                    assertThat(c.state()).isEqualTo("ESTABLISHED");
                });
                assertThat(backup.connections()).filteredOn(ConnectionView::template).hasSize(1);
                // the synced connection's next packet, and the client's next connection (the template), go to
                // the master's real server
                assertThat(sentTo(backup.send(tcp(0x10)))).isEqualTo(rs);
                assertThat(sentTo(backup.send(Packet6Builder.tcp(CLIENT6, 40001, VIP6, 80).build()))).isEqualTo(rs);
                backup.clock[0] += SECOND;
            }
        }
    }

    /**
     * The kernel keeps every packet's mark in its connection (an iptables rule may mark traffic for a
     * non-fwmark service too) and sends it; a backup's ip_vs_service_find tries the fwmark service, then the
     * (protocol, address, port) one. Before, an IPv6 record with a mark was refused as NO_SERVICE.
     */
    @Test
    void aMarkedIpv6RecordFallsBackToItsAddressService() throws Exception {
        try (Director backup = director(0)) {
            backup.server(WEB6, RS6_1, 80, ForwardingMethod.DROUTE, 0);
            backup.server(WEB6, RS6_2, 80, ForwardingMethod.DROUTE, 1);
            io.jlvs.packet.sync.SyncMessageWriter w = new io.jlvs.packet.sync.SyncMessageWriter(0, 1472);
            w.add(new SyncConn(6, SyncProtocol.F_DROUTE, 1, IpAddress.parse(CLIENT6), 40000, IpAddress.parse(VIP6),
                    80, IpAddress.parse(RS6_1), 80, 7, 900, null, null));
            byte[] m = new byte[w.message().remaining()];
            w.message().get(m);
            new SyncBackup(List.of(backup.dataplane), 0, new SyncStats()).onMessage(ByteBuffer.wrap(m));
            backup.dataplane.runOnce();
            assertThat(backup.dataplane.syncDrops(SyncDropReason.NO_SERVICE)).isZero();
            assertThat(backup.dataplane.syncApplied()).isEqualTo(1);
            assertThat(sentTo(backup.send(tcp(0x10)))).isEqualTo(RS6_1);
        }
    }
}
