package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.ConnTable.OUTPUT;
import static io.jlvs.conn.Flows.RS1;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.SCTP;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.TcpState.FLAG_ACK;
import static io.jlvs.conn.TcpState.FLAG_FIN;
import static io.jlvs.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import org.junit.jupiter.api.Test;

class ExistingEntryPolicyTest {

    private static int established(ConnTable t, DestinationState rs, int cport) {
        int id = Flows.conn(t, TCP, cport, rs, 0);
        t.onPacket(id, INPUT, FLAG_SYN, 0);
        t.onPacket(id, OUTPUT, FLAG_SYN | FLAG_ACK, 0);
        t.onPacket(id, INPUT, FLAG_ACK, 0);
        return id;
    }

    private static int timeWait(ConnTable t, DestinationState rs, int cport) {
        int id = established(t, rs, cport);
        t.onPacket(id, INPUT, FLAG_FIN | FLAG_ACK, 0);
        t.onPacket(id, OUTPUT, FLAG_FIN | FLAG_ACK, 0);
        assertThat(t.stateName(id)).isEqualTo("TIME_WAIT");
        return id;
    }

    @Test
    void packetsOfARemovedServerAreDroppedByDefaultAndTheEntryStays() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8);
        int id = established(t, rs, 1000);
        assertThat(t.admitInbound(id, false, S)).isEqualTo(InboundVerdict.FORWARD);
        rs.markRemoved();
        assertThat(t.admitInbound(id, false, S)).isEqualTo(InboundVerdict.DROP);
        assertThat(t.inUse(id)).isTrue();
    }

    @Test
    void expireNodestConnExpiresTheEntryOnItsNextPacket() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8, new ConnTableSettings(true, false, 1));
        int id = established(t, rs, 1000);
        assertThat(rs.activeConns()).isEqualTo(1);
        rs.markRemoved();
        assertThat(t.admitInbound(id, false, S)).isEqualTo(InboundVerdict.RESCHEDULE);
        assertThat(t.inUse(id)).isFalse();
        assertThat(Flows.lookup(t, TCP, 1000)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(rs.activeConns()).isZero();
    }

    @Test
    void expireNodestConnAlsoReschedulesANewConnectionToAQuiescentServer() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8, new ConnTableSettings(true, false, 0));
        int id = established(t, rs, 1000);
        rs.reconfigure(rs.config().withWeight(0));
        assertThat(t.admitInbound(id, false, S)).isEqualTo(InboundVerdict.FORWARD);
        assertThat(t.admitInbound(id, true, S)).isEqualTo(InboundVerdict.RESCHEDULE);
        assertThat(t.inUse(id)).isFalse();
    }

    @Test
    void connReuseModeReschedulesASynOnATimeWaitEntry() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8);
        int id = timeWait(t, rs, 1000);
        assertThat(t.admitInbound(id, false, S)).isEqualTo(InboundVerdict.FORWARD);
        assertThat(ConnTable.isNewConnection(TCP, FLAG_SYN)).isTrue();
        assertThat(t.admitInbound(id, ConnTable.isNewConnection(TCP, FLAG_SYN), S))
                .isEqualTo(InboundVerdict.RESCHEDULE);
        assertThat(t.inUse(id)).isFalse();
        assertThat(rs.activeConns() + rs.inactiveConns()).isZero();
    }

    @Test
    void withConnReuseModeOffTheSynReusesTheEntry() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8, new ConnTableSettings(false, false, 0));
        int id = timeWait(t, rs, 1000);
        assertThat(t.admitInbound(id, true, S)).isEqualTo(InboundVerdict.FORWARD);
        t.onPacket(id, INPUT, FLAG_SYN, S);
        assertThat(t.stateName(id)).isEqualTo("SYN_RECV");
    }

    @Test
    void aSynOnAnEstablishedEntryIsNotAReuse() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8);
        int id = established(t, rs, 1000);
        assertThat(t.admitInbound(id, true, S)).isEqualTo(InboundVerdict.FORWARD);
    }

    @Test
    void bitTwoAlsoReusesFinWaitOfDirectRoutingEntries() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.DROUTE);
        ConnTable mode1 = Flows.table(8);
        ConnTable mode3 = Flows.table(8, new ConnTableSettings(false, false, 3));
        for (ConnTable t : new ConnTable[] {mode1, mode3}) {
            int id = Flows.conn(t, TCP, 1000, rs, 0);
            t.onPacket(id, INPUT, FLAG_SYN, 0);
            t.onPacket(id, INPUT, FLAG_ACK, 0);
            t.onPacket(id, INPUT, FLAG_FIN | FLAG_ACK, 0);
            assertThat(t.stateName(id)).isEqualTo("FIN_WAIT");
        }
        assertThat(mode1.admitInbound(Flows.lookup(mode1, TCP, 1000), true, S)).isEqualTo(InboundVerdict.FORWARD);
        assertThat(mode3.admitInbound(Flows.lookup(mode3, TCP, 1000), true, S)).isEqualTo(InboundVerdict.RESCHEDULE);
    }

    @Test
    void anSctpInitOnAClosedAssociationIsRescheduled() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        ConnTable t = Flows.table(8);
        int id = Flows.conn(t, SCTP, 2000, rs, 0);
        t.onPacket(id, INPUT, SctpState.CHUNK_ABORT, 0);
        assertThat(t.stateName(id)).isEqualTo("CLOSED");
        assertThat(t.admitInbound(id, ConnTable.isNewConnection(SCTP, SctpState.CHUNK_INIT), S))
                .isEqualTo(InboundVerdict.RESCHEDULE);
    }
}
