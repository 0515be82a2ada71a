package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.ConnTable.OUTPUT;
import static io.jlvs.conn.Flows.CLIENT;
import static io.jlvs.conn.Flows.RS1;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.Flows.VIP;
import static io.jlvs.conn.TcpState.FLAG_ACK;
import static io.jlvs.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import org.junit.jupiter.api.Test;

/** Connections an application helper expects (IPVS's FTP data connections): no client port yet, a controller. */
class ExpectedConnectionTest {
    private final DestinationState rs = Flows.server(RS1, 21, ForwardingMethod.MASQ);

    /** The FTP control connection CLIENT:40000 -> VIP:21, ESTABLISHED. */
    private int control(ConnTable t, long now) {
        int id = t.create(TCP, false, 0, CLIENT.lo(), 40000, 0, VIP.lo(), 21, false, 0, RS1.lo(), 21, rs, false,
                ConnTable.NO_ENTRY, now);
        t.onPacket(id, INPUT, FLAG_SYN, now);
        t.onPacket(id, OUTPUT, FLAG_SYN | FLAG_ACK, now);
        t.onPacket(id, INPUT, FLAG_ACK, now);
        return id;
    }

    /** What the kernel makes of "227 ... (10,0,0,11,117,48)": CLIENT:0 -> VIP:30000 on RS1:30000, LISTEN. */
    private int passiveData(ConnTable t, int control, long now) {
        int id = t.createExpected(TCP, false, 0, CLIENT.lo(), 0, 0, VIP.lo(), 30000, false, 0, RS1.lo(), 30000, rs,
                control, true, now);
        t.restore(id, TcpState.LISTEN, 0, now);
        return id;
    }

    private static int in(ConnTable t, int cport, int vport) {
        return t.lookupIn(TCP, false, 0, CLIENT.lo(), cport, 0, VIP.lo(), vport);
    }

    @Test
    void aDataConnectionWithoutClientPortIsListedWithPortZeroAndTakesTheFirstClientPort() {
        ConnTable t = Flows.table(16);
        int ctl = control(t, 0);
        int data = passiveData(t, ctl, 0);
        ConnectionView v = t.view(data, 0);
        assertThat(v.client().withPort(v.clientPort())).isEqualTo("192.168.1.20:0");
        assertThat(v.virtualAddress().withPort(v.virtualPort())).isEqualTo("192.168.0.10:30000");
        assertThat(v.destination().withPort(v.destinationPort())).isEqualTo("10.0.0.11:30000");
        assertThat(v.state()).isEqualTo("LISTEN");
        assertThat(v.expiresMillis()).isEqualTo(120_000);
        assertThat(t.isNoClientPort(data)).isTrue();
        // before the client's first packet: any client port finds it, and the real server's side by port 0
        assertThat(in(t, 51000, 30000)).isEqualTo(data);
        assertThat(in(t, 51001, 30000)).isEqualTo(data);
        assertThat(in(t, 51000, 30001)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.lookupOut(TCP, false, 0, RS1.lo(), 30000, 0, CLIENT.lo(), 0)).isEqualTo(data);

        t.fillClientPort(data, 51000);
        assertThat(t.isNoClientPort(data)).isFalse();
        assertThat(t.clientPort(data)).isEqualTo(51000);
        assertThat(in(t, 51000, 30000)).isEqualTo(data);
        assertThat(in(t, 51001, 30000)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.lookupOut(TCP, false, 0, RS1.lo(), 30000, 0, CLIENT.lo(), 51000)).isEqualTo(data);
        assertThat(t.lookupOut(TCP, false, 0, RS1.lo(), 30000, 0, CLIENT.lo(), 0)).isEqualTo(ConnTable.NO_ENTRY);
        // the control connection's own key is untouched
        assertThat(in(t, 40000, 21)).isEqualTo(ctl);
        t.fillClientPort(data, 52000);
        assertThat(t.clientPort(data)).isEqualTo(51000);
    }

    @Test
    void theControlConnectionOutlivesItsDataConnectionsAndIsNoTemplate() {
        ConnTable t = Flows.table(16);
        int ctl = control(t, 0);
        int data = passiveData(t, ctl, 0);
        t.fillClientPort(data, 51000);
        t.onPacket(data, INPUT, FLAG_SYN, 0);
        t.onPacket(data, OUTPUT, FLAG_SYN | FLAG_ACK, 0);
        t.onPacket(data, INPUT, FLAG_ACK, 0);
        assertThat(t.controller(data)).isEqualTo(ctl);
        assertThat(t.controllingTemplate(data)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(t.controlledCount(ctl)).isEqualTo(1);

        // the control connection's time is up (here: it is expired now) while the data connection runs
        assertThat(t.expireNow(ctl, S)).isFalse();
        assertThat(t.inUse(ctl)).isTrue();
        assertThat(t.view(ctl, S).expiresMillis()).isEqualTo(60_000);
        assertThat(t.expireNow(data, S)).isTrue();
        assertThat(t.controlledCount(ctl)).isZero();
        assertThat(t.expireNow(ctl, 2 * S)).isTrue();
        assertThat(t.size()).isZero();
    }

    @Test
    void anExpectedConnectionNeverUsedExpiresAfterListenAndStopsTheSecondLookup() {
        ConnTable t = Flows.table(16);
        int ctl = control(t, 0);
        int data = passiveData(t, ctl, 0);
        t.expire(119 * S, 100);
        assertThat(t.inUse(data)).isTrue();
        t.expire(121 * S, 100);
        assertThat(t.inUse(data)).isFalse();
        assertThat(t.controlledCount(ctl)).isZero();
        assertThat(in(t, 51000, 30000)).isEqualTo(ConnTable.NO_ENTRY);
    }

    @Test
    void onlyAConnectionControlsAnExpectedOne() {
        ConnTable t = Flows.table(16);
        int tpl = t.createTemplate(TCP, false, 0, CLIENT.lo(), 0, VIP.lo(), 21, false, 0, RS1.lo(), 21, rs, 300, 0);
        assertThatThrownBy(() -> t.createExpected(TCP, false, 0, CLIENT.lo(), 0, 0, VIP.lo(), 30000, false, 0,
                RS1.lo(), 30000, rs, tpl, true, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
