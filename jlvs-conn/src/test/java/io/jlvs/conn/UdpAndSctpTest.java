package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.ConnTable.OUTPUT;
import static io.jlvs.conn.Flows.RS1;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.SCTP;
import static io.jlvs.conn.Flows.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.Timeouts;
import org.junit.jupiter.api.Test;

class UdpAndSctpTest {
    private final ConnTable table = Flows.table(16);
    private final long now = 50 * S;

    @Test
    void udpHasOneStateOfFiveMinutesAndIsNeverActive() {
        DestinationState rs = Flows.server(RS1, 53, ForwardingMethod.MASQ);
        int id = Flows.conn(table, UDP, 5353, rs, now);
        table.onPacket(id, INPUT, 0, now);
        table.onPacket(id, OUTPUT, 0, now);
        assertThat(table.stateName(id)).isEqualTo("UDP");
        assertThat(table.deadlineNanos(id) - now).isEqualTo(300 * S);
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);

        table.timeouts(Timeouts.DEFAULTS.merge(new Timeouts(0, 0, 30)));
        table.onPacket(id, INPUT, 0, now);
        assertThat(table.deadlineNanos(id) - now).isEqualTo(30 * S);
        table.expire(now + 30 * S, 100);
        assertThat(table.inUse(id)).isFalse();
        assertThat(rs.inactiveConns()).isZero();
    }

    @Test
    void sctpAssociationSetupAndShutdown() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, SCTP, 3868, rs, now);
        table.onPacket(id, INPUT, SctpState.CHUNK_INIT, now);
        assertThat(table.stateName(id)).isEqualTo("INIT1");
        assertThat(table.deadlineNanos(id) - now).isEqualTo(4 * S);
        table.onPacket(id, OUTPUT, SctpState.CHUNK_INIT_ACK, now);
        assertThat(table.stateName(id)).isEqualTo("C-SENT");
        assertThat(table.deadlineNanos(id) - now).isEqualTo(61 * S);
        table.onPacket(id, INPUT, SctpState.CHUNK_COOKIE_ECHO, now);
        assertThat(table.stateName(id)).isEqualTo("C-REPLIED");
        assertThat(rs.activeConns()).isZero();
        table.onPacket(id, OUTPUT, SctpState.CHUNK_COOKIE_ACK, now);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
        assertThat(table.deadlineNanos(id) - now).isEqualTo(900 * S);
        assertThat(rs.activeConns()).isEqualTo(1);
        table.onPacket(id, INPUT, SctpState.CHUNK_DATA, now);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");

        table.onPacket(id, INPUT, SctpState.CHUNK_SHUTDOWN, now);
        assertThat(table.stateName(id)).isEqualTo("S-RECEIVED");
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);
        table.onPacket(id, OUTPUT, SctpState.CHUNK_SHUTDOWN_ACK, now);
        assertThat(table.stateName(id)).isEqualTo("S-ACK-SENT");
        table.onPacket(id, INPUT, SctpState.CHUNK_SHUTDOWN_COMPLETE, now);
        assertThat(table.stateName(id)).isEqualTo("CLOSED");
    }

    @Test
    void sctpInitAnsweredWithAbortIsRejectedBriefly() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, SCTP, 3869, rs, now);
        table.onPacket(id, INPUT, SctpState.CHUNK_INIT, now);
        table.onPacket(id, OUTPUT, SctpState.CHUNK_ABORT, now);
        assertThat(table.stateName(id)).isEqualTo("REJECTED");
        assertThat(table.deadlineNanos(id) - now).isEqualTo(4 * S);
    }

    @Test
    void sctpThroughDirectRoutingEstablishesOnTheClientsCookieEcho() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.DROUTE);
        int id = Flows.conn(table, SCTP, 3870, rs, now);
        table.onPacket(id, INPUT, SctpState.CHUNK_INIT, now);
        assertThat(table.stateName(id)).isEqualTo("INIT1");
        table.onPacket(id, INPUT, SctpState.CHUNK_COOKIE_ECHO, now);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
        assertThat(rs.activeConns()).isEqualTo(1);
    }

    @Test
    void unknownChunkTypesCountAsData() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, SCTP, 3871, rs, now);
        table.onPacket(id, INPUT, 0xc0, now); // FORWARD-TSN: DATA event; NONE -> ESTABLISHED
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
    }
}
