package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.DefenseSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.ConnectionView;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IPVS's defences against a full connection table, as {@code net.ipv4.vs.drop_entry}, {@code drop_packet} and
 * {@code secure_tcp} set them: what a SYN flood leaves in the table, which new connections get through, and
 * when a NAT connection counts as ESTABLISHED. The test director's table holds 4,096 entries (128 "pages").
 */
class DefenseTest {
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int SYN_ACK = 0x12;

    private static Director director(DefenseSettings defense) throws Exception {
        ConnTableSettings cs = new ConnTableSettings(false, false, 1, false, false, defense);
        Director d = new Director(cs);
        d.service(Protocol.TCP, 80, "rr").server(Director.key(Protocol.TCP, VIP, 80), RS1, 8080,
                ForwardingMethod.MASQ, 1);
        return d;
    }

    private static String client(int i) {
        return "198.51." + (100 + i / 250) + "." + (1 + i % 250);
    }

    private static List<byte[]> syn(Director d, String client, int port) {
        return d.send(PacketBuilder.tcp(client, port, VIP, 80).flags(SYN).macs(CLIENT_MAC, OUR_MAC).build());
    }

    private static void ack(Director d, String client, int port) {
        d.send(PacketBuilder.tcp(client, port, VIP, 80).flags(ACK).macs(CLIENT_MAC, OUR_MAC).build());
    }

    private static long states(Director d, String state) {
        return d.connections().stream().filter(c -> !c.template() && c.state().equals(state)).count();
    }

    /** A SYN flood fills the table; with drop_entry on, half-open entries go, established ones stay. */
    @Test
    void dropEntryClearsHalfOpenEntriesOfAFloodAndKeepsEstablishedOnes() throws Exception {
        // low memory below 64 pages (2,048 free entries): the table is more than half full
        try (Director d = director(new DefenseSettings(64, 1, 0, 0, 10))) {
            for (int i = 0; i < 100; i++) {
                syn(d, CLIENT, 20000 + i);
                ack(d, CLIENT, 20000 + i);
            }
            for (int i = 0; i < 2500; i++) {
                syn(d, client(i), 1024 + i);
            }
            assertThat(states(d, "SYN_RECV")).isEqualTo(2500);
            // each second 1/32 of the table is looked at: 32 seconds see all of it (SYN_RECV lasts 60 s)
            for (int s = 0; s < 33; s++) {
                d.advance(1);
            }
            assertThat(states(d, "ESTABLISHED")).as("connections that completed their handshake").isEqualTo(100);
            // dropping stops once the table is no longer low (2,048 entries free): within one second's 128 entries
            assertThat(states(d, "SYN_RECV")).isBetween(1948L - 128, 1948L);
            assertThat(d.dataplane.defenseDroppedEntries()).isEqualTo(2500 - states(d, "SYN_RECV"));
        }
    }

    @Test
    void dropEntryLeavesTheTableAloneWhileMemoryIsNotLow() throws Exception {
        try (Director d = director(new DefenseSettings(64, 1, 0, 0, 10))) {
            for (int i = 0; i < 1000; i++) {
                syn(d, client(i), 1024 + i);
            }
            for (int s = 0; s < 33; s++) {
                d.advance(1);
            }
            assertThat(states(d, "SYN_RECV")).isEqualTo(1000);
            assertThat(d.dataplane.defenseDroppedEntries()).isZero();
        }
    }

    @Test
    void dropEntryAlwaysOnDropsIdleConnectionsWithFewPacketsAtTheirRate() throws Exception {
        try (Director d = director(new DefenseSettings(0, 3, 0, 0, 10))) {
            d.advance(0); // the first once-a-second check, before the connections (it would drop a half-open one)
            for (int i = 0; i < 40; i++) {
                syn(d, client(i), 1024 + i);
                ack(d, client(i), 1024 + i); // ESTABLISHED after 2 client packets: one in two is dropped when idle
            }
            fortyActiveThenHalfGoOnceIdleForAMinute(d);
        }
    }

    /** 40 ESTABLISHED entries of 2 client packets: all stay for 50 s, then one in two goes once idle for a minute. */
    private static void fortyActiveThenHalfGoOnceIdleForAMinute(Director d) {
        for (int s = 0; s < 50; s++) {
            d.advance(1);
        }
        assertThat(states(d, "ESTABLISHED")).as("active in the last minute").isEqualTo(40);
        for (int s = 0; s < 40; s++) {
            d.advance(1);
        }
        assertThat(states(d, "ESTABLISHED")).as("idle for more than a minute, 2 packets: one in two").isEqualTo(20);
    }

    /**
     * drop_entry judges "idle for a minute" by the timeout each entry was last given (the kernel's
     * {@code cp->timeout}), not by the timeouts a later {@code --set} made: a longer TCP timeout must not make
     * connections active a second ago look idle.
     */
    @Test
    void dropEntryKeepsConnectionsActiveInTheLastMinuteAfterALongerTimeoutIsSet() throws Exception {
        try (Director d = director(new DefenseSettings(0, 3, 0, 0, 10))) {
            d.advance(0);
            for (int i = 0; i < 40; i++) {
                syn(d, client(i), 1024 + i);
                ack(d, client(i), 1024 + i); // ESTABLISHED, 900 s, 2 client packets
            }
            d.engine.execute(new IpvsCommand.SetTimeouts(new Timeouts(1800, 0, 0)));
            fortyActiveThenHalfGoOnceIdleForAMinute(d);
        }
    }

    /** ... and a shorter UDP timeout must not keep a flood's one-datagram entries from going after a minute. */
    @Test
    void dropEntryDropsIdleUdpEntriesMadeBeforeAShorterTimeoutWasSet() throws Exception {
        try (Director d = director(new DefenseSettings(0, 3, 0, 0, 10))) {
            d.service(Protocol.UDP, 53, "rr").server(Director.key(Protocol.UDP, VIP, 53), RS1, 53,
                    ForwardingMethod.MASQ, 1);
            d.advance(0);
            for (int i = 0; i < 40; i++) {
                d.send(PacketBuilder.udp(client(i), 1024 + i, VIP, 53).macs(CLIENT_MAC, OUR_MAC).build());
            }
            d.engine.execute(new IpvsCommand.SetTimeouts(new Timeouts(0, 0, 15)));
            for (int s = 0; s < 50; s++) {
                d.advance(1);
            }
            assertThat(d.connections()).as("active in the last minute (they expire 300 s after their datagram)")
                    .hasSize(40);
            for (int s = 0; s < 45; s++) {
                d.advance(1);
            }
            assertThat(d.connections()).as("idle for more than a minute, 1 packet: every one").isEmpty();
            assertThat(d.dataplane.defenseDroppedEntries()).isEqualTo(40);
        }
    }

    @Test
    void dropPacketDropsOneNewConnectionInEveryAmDroprate() throws Exception {
        try (Director d = director(new DefenseSettings(1024, 0, 3, 0, 4))) {
            d.advance(0); // the first once-a-second check
            int forwarded = 0;
            for (int i = 0; i < 20; i++) {
                forwarded += syn(d, client(i), 1024 + i).size();
            }
            assertThat(forwarded).isEqualTo(15);
            assertThat(d.dataplane.drops(DropReason.DEFENSE)).isEqualTo(5);
            ack(d, client(2), 1026);
            assertThat(d.verdict()).as("packets of existing connections are never dropped by it")
                    .isEqualTo(Verdict.FORWARD);
        }
    }

    @Test
    void dropPacketAutomaticDropsMoreTheFullerTheTable() throws Exception {
        // 128 pages in all, low below 100: at 3,000 entries 34 pages are free, rate 100 / (100 - 34) = 1 in 1
        try (Director d = director(new DefenseSettings(100, 0, 1, 0, 10))) {
            for (int i = 0; i < 3000; i++) {
                syn(d, client(i), 1024 + i);
            }
            assertThat(d.dataplane.drops(DropReason.DEFENSE)).as("the table was not low before the check").isZero();
            d.advance(1);
            int forwarded = 0;
            for (int i = 3000; i < 3010; i++) {
                forwarded += syn(d, client(i), 1024 + i).size();
            }
            assertThat(forwarded).isZero();
            assertThat(d.dataplane.drops(DropReason.DEFENSE)).isEqualTo(10);
        }
    }

    @Test
    void secureTcpMakesANatConnectionEstablishedOnlyAfterTheRealServerAnswered() throws Exception {
        try (Director d = director(DefenseSettings.DEFAULTS)) {
            syn(d, CLIENT, 40000);
            ack(d, CLIENT, 40000);
            assertThat(states(d, "ESTABLISHED")).as("without secure_tcp a client's ACK is enough").isEqualTo(1);
        }
        try (Director d = director(new DefenseSettings(1024, 0, 0, 3, 10))) {
            syn(d, CLIENT, 40000);
            ack(d, CLIENT, 40000);
            assertThat(d.connections()).extracting(ConnectionView::state).containsExactly("SYN_RECV");
            d.send(PacketBuilder.tcp(RS1, 8080, CLIENT, 40000).flags(SYN_ACK).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.connections()).extracting(ConnectionView::state).containsExactly("SYNACK");
            ack(d, CLIENT, 40000);
            assertThat(d.connections()).extracting(ConnectionView::state).containsExactly("SYNACK");
            d.send(PacketBuilder.tcp(RS1, 8080, CLIENT, 40000).flags(ACK).macs(RS1_MAC, OUR_MAC).build());
            assertThat(d.connections()).extracting(ConnectionView::state).containsExactly("ESTABLISHED");
        }
    }
}
