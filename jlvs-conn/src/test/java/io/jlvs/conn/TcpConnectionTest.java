package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.ConnTable.OUTPUT;
import static io.jlvs.conn.Flows.RS1;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.TcpState.FLAG_ACK;
import static io.jlvs.conn.TcpState.FLAG_FIN;
import static io.jlvs.conn.TcpState.FLAG_RST;
import static io.jlvs.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.Timeouts;
import org.junit.jupiter.api.Test;

class TcpConnectionTest {
    private final ConnTable table = Flows.table(16);
    private long now = 1000 * S;

    private void packet(int id, int dir, int flags) {
        table.onPacket(id, dir, flags, now);
    }

    private long secondsLeft(int id) {
        return (table.deadlineNanos(id) - now) / S;
    }

    @Test
    void natHandshakeAndClientCloseGoThroughTheInputAndOutputTables() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40000, rs, now);
        assertThat(table.stateName(id)).isEqualTo("NONE");
        assertThat(secondsLeft(id)).isEqualTo(3);
        assertThat(rs.inactiveConns()).isEqualTo(1);

        packet(id, INPUT, FLAG_SYN);
        assertThat(table.stateName(id)).isEqualTo("SYN_RECV");
        assertThat(secondsLeft(id)).isEqualTo(60);
        assertThat(rs.activeConns()).isEqualTo(1); // handshake states count as active
        assertThat(rs.inactiveConns()).isZero();

        packet(id, OUTPUT, FLAG_SYN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("SYN_RECV");
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
        assertThat(secondsLeft(id)).isEqualTo(900);
        assertThat(rs.activeConns()).isEqualTo(1);

        packet(id, INPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("CLOSE_WAIT");
        assertThat(secondsLeft(id)).isEqualTo(60);
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);

        packet(id, OUTPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("TIME_WAIT");
        assertThat(secondsLeft(id)).isEqualTo(120);
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("TIME_WAIT");
    }

    @Test
    void natServerCloseGoesThroughFinWait() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40001, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, OUTPUT, FLAG_SYN | FLAG_ACK);
        packet(id, INPUT, FLAG_ACK);
        packet(id, OUTPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("FIN_WAIT");
        assertThat(secondsLeft(id)).isEqualTo(120);
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("FIN_WAIT");
        packet(id, INPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("TIME_WAIT");
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);
    }

    @Test
    void directRoutingSeesNoRepliesAndUsesTheInputOnlyTable() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.DROUTE);
        int id = Flows.conn(table, TCP, 40002, rs, now);
        assertThat(table.isInputOnly(id)).isTrue();
        packet(id, INPUT, FLAG_SYN);
        assertThat(table.stateName(id)).isEqualTo("SYN_RECV");
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
        assertThat(rs.activeConns()).isEqualTo(1);
        // the client's FIN: INPUT would say CLOSE_WAIT, INPUT-ONLY says FIN_WAIT
        packet(id, INPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("FIN_WAIT");
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("FIN_WAIT");
    }

    @Test
    void aReplyTakesAnEntryOutOfInputOnly() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.TUNNEL);
        int id = Flows.conn(table, TCP, 40003, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, OUTPUT, FLAG_SYN | FLAG_ACK);
        assertThat(table.isInputOnly(id)).isFalse();
        packet(id, INPUT, FLAG_ACK);
        packet(id, INPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("CLOSE_WAIT");
    }

    @Test
    void rstClosesWithTheShortTimeoutAndFreesTheActiveCount() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40004, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, OUTPUT, FLAG_SYN | FLAG_ACK);
        packet(id, INPUT, FLAG_ACK);
        packet(id, INPUT, FLAG_RST);
        assertThat(table.stateName(id)).isEqualTo("CLOSE");
        assertThat(secondsLeft(id)).isEqualTo(10);
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isEqualTo(1);
        now += 10 * S;
        table.expire(now, 1000);
        assertThat(table.inUse(id)).isFalse();
        assertThat(rs.inactiveConns()).isZero();
    }

    @Test
    void rstFromTheClientDuringTheHandshakeKeepsSynRecv() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40005, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, INPUT, FLAG_RST);
        assertThat(table.stateName(id)).isEqualTo("SYN_RECV");
        packet(id, OUTPUT, FLAG_RST);
        assertThat(table.stateName(id)).isEqualTo("CLOSE");
    }

    @Test
    void aPacketWithoutSynFinAckOrRstMovesToClose() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40006, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, INPUT, 0x08); // PSH only
        assertThat(table.stateName(id)).isEqualTo("CLOSE");
    }

    @Test
    void setTimeoutsAppliesToEntriesFromTheirNextPacket() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40007, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, INPUT, FLAG_ACK);
        assertThat(secondsLeft(id)).isEqualTo(900);
        table.timeouts(Timeouts.DEFAULTS.merge(new Timeouts(3600, 30, 0)));
        assertThat(secondsLeft(id)).isEqualTo(900);
        packet(id, INPUT, FLAG_ACK);
        assertThat(secondsLeft(id)).isEqualTo(3600);
        packet(id, OUTPUT, FLAG_FIN | FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("FIN_WAIT");
        assertThat(secondsLeft(id)).isEqualTo(30);
        assertThat(table.timeouts()).isEqualTo(new Timeouts(3600, 30, 300));
    }

    @Test
    void everyPacketReArmsTheTimeoutOfTheState() {
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 40008, rs, now);
        packet(id, INPUT, FLAG_SYN);
        packet(id, INPUT, FLAG_ACK);
        long start = now;
        now += 800 * S;
        table.expire(now, 1000);
        packet(id, INPUT, FLAG_ACK);
        now = start + 1000 * S;
        table.expire(now, 1000);
        assertThat(table.inUse(id)).isTrue();
        now = start + 1700 * S;
        table.expire(now, 1000);
        assertThat(table.inUse(id)).isFalse();
        assertThat(rs.activeConns()).isZero();
        assertThat(rs.inactiveConns()).isZero();
    }

    /** secure_tcp's table for DR/TUN (input only): a client SYN opens in SYNACK (120 s), its ACK establishes. */
    @Test
    void secureTcpOpensDirectRoutingEntriesInSynack() {
        table.secureTcp(true);
        DestinationState rs = Flows.server(RS1, 80, ForwardingMethod.DROUTE);
        int id = Flows.conn(table, TCP, 40001, rs, now);
        packet(id, INPUT, FLAG_SYN);
        assertThat(table.stateName(id)).isEqualTo("SYNACK");
        assertThat(secondsLeft(id)).isEqualTo(120);
        packet(id, INPUT, FLAG_ACK);
        assertThat(table.stateName(id)).isEqualTo("ESTABLISHED");
        table.secureTcp(false);
        int other = Flows.conn(table, TCP, 40002, rs, now);
        packet(other, INPUT, FLAG_SYN);
        assertThat(table.stateName(other)).as("the usual table again").isEqualTo("SYN_RECV");
    }
}
