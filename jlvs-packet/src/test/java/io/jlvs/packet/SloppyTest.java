package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import org.junit.jupiter.api.Test;

/**
 * sloppy_tcp and sloppy_sctp, as IPVS: a director that took over without connection sync sees the middle of
 * connections it never saw open. Without them such a segment is dropped (NO_CONNECTION); with them any TCP
 * segment but a RST (any SCTP packet but an ABORT) opens the connection, scheduled like a SYN, and the
 * client's connection goes on.
 */
class SloppyTest {
    private static final int ACK = 0x10;
    private static final int RST = 0x04;

    private static byte[] segment(int flags) {
        return PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(flags).payload(20).macs(CLIENT_MAC, OUR_MAC).build();
    }

    /** TCP VIP:80, rr, one NAT real server. */
    private static void web(Director d) throws Exception {
        d.service(Protocol.TCP, 80, "rr").server(Director.key(Protocol.TCP, VIP, 80), RS1, 8080,
                ForwardingMethod.MASQ, 1);
    }

    @Test
    void withoutSloppyTcpAMidStreamSegmentFindsNoConnection() throws Exception {
        try (Director d = new Director()) {
            web(d);
            assertThat(d.send(segment(ACK))).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CONNECTION);
            assertThat(d.connections()).isEmpty();
        }
    }

    @Test
    void withSloppyTcpAMidStreamSegmentOpensAnEstablishedConnectionButARstDoesNot() throws Exception {
        try (Director d = new Director(new ConnTableSettings(false, false, 1, true, false))) {
            web(d);
            assertThat(d.send(PacketBuilder.tcp(CLIENT, 40001, VIP, 80).flags(RST).macs(CLIENT_MAC, OUR_MAC)
                    .build())).as("a RST opens nothing").isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CONNECTION);

            assertThat(d.send(segment(ACK))).as("forwarded to the real server").hasSize(1);
            assertThat(d.connections()).singleElement().satisfies(c -> {
                assertThat(c.clientPort()).isEqualTo(40000);
                assertThat(c.state()).isEqualTo("ESTABLISHED");
            });
            assertThat(d.send(segment(ACK))).as("the next segment, same connection").hasSize(1);
            assertThat(d.connections()).hasSize(1);
        }
    }

    /** Settings changed while running (SIGHUP after editing sysctl.d) apply from the worker's next poll. */
    @Test
    void sloppyTcpTurnedOnWhileRunningAppliesToTheNextSegment() throws Exception {
        try (Director d = new Director()) {
            web(d);
            assertThat(d.send(segment(ACK))).isEmpty();
            d.dataplane.connSettings(new ConnTableSettings(false, false, 1, true, false));
            assertThat(d.send(segment(ACK))).as("after the change").hasSize(1);
            d.dataplane.connSettings(ConnTableSettings.DEFAULTS);
            assertThat(d.send(PacketBuilder.tcp(CLIENT, 40002, VIP, 80).flags(ACK).macs(CLIENT_MAC, OUR_MAC).build()))
                    .as("and back").isEmpty();
        }
    }

    @Test
    void withSloppySctpAnyChunkButAbortOpensAnAssociation() throws Exception {
        try (Director d = new Director(new ConnTableSettings(false, false, 1, false, true))) {
            d.service(Protocol.SCTP, 5060, "rr").server(Director.key(Protocol.SCTP, VIP, 5060), RS1, 5060,
                    ForwardingMethod.MASQ, 1);
            byte[] abort = PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(6).macs(CLIENT_MAC, OUR_MAC).build();
            assertThat(d.send(abort)).as("an ABORT opens nothing").isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.NO_CONNECTION);
            byte[] data = PacketBuilder.sctp(CLIENT, 7000, VIP, 5060).chunk(0).macs(CLIENT_MAC, OUR_MAC).build();
            assertThat(d.send(data)).as("DATA, forwarded").hasSize(1);
            assertThat(d.connections()).hasSize(1);
        }
    }
}
