package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.TcpState.FLAG_ACK;
import static io.jlvs.conn.TcpState.FLAG_FIN;
import static io.jlvs.conn.TcpState.FLAG_SYN;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final int PREFIX_24 = 24;
    private static final IpAddress VIP = Flows.VIP;
    private final DestinationState rs = Flows.server(Flows.RS1, 8443, ForwardingMethod.MASQ);

    private static int templateFor(ConnTable t, IpAddress client, long now) {
        return t.findTemplate(TCP, false, 0, PersistenceKeys.maskLo(false, client.lo(), PREFIX_24),
                0, VIP.lo(), 443, now);
    }

    private int createTemplate(ConnTable t, IpAddress client, int timeoutSeconds, long now) {
        IpAddress d = rs.config().address();
        return t.createTemplate(TCP, false, 0, PersistenceKeys.maskLo(false, client.lo(), PREFIX_24),
                0, VIP.lo(), 443, false, d.hi(), d.lo(), 8443, rs, timeoutSeconds, now);
    }

    private int connUnder(ConnTable t, IpAddress client, int cport, int template, long now) {
        IpAddress d = rs.config().address();
        return t.create(TCP, false, 0, client.lo(), cport, 0, VIP.lo(), 443, false, d.hi(), d.lo(), 8443, rs,
                false, template, now);
    }

    @Test
    void clientsOfTheSameMaskedNetworkShareATemplateListedAsIpvsadmShowsIt() {
        ConnTable t = Flows.table(16);
        IpAddress client = IpAddress.parse("192.168.1.77");
        assertThat(templateFor(t, client, 0)).isEqualTo(ConnTable.NO_ENTRY);
        int tpl = createTemplate(t, client, 360, 0);
        assertThat(rs.persistConns()).isEqualTo(1);
        assertThat(rs.inactiveConns()).isZero();

        assertThat(templateFor(t, IpAddress.parse("192.168.1.200"), S)).isEqualTo(tpl);
        assertThat(templateFor(t, IpAddress.parse("192.168.2.77"), S)).isEqualTo(ConnTable.NO_ENTRY);
        // a template never answers a connection lookup
        assertThat(t.lookupIn(TCP, false, 0, IpAddress.parse("192.168.1.0").lo(), 0, 0, VIP.lo(), 443))
                .isEqualTo(ConnTable.NO_ENTRY);

        ConnectionView v = t.view(tpl, S);
        assertThat(v.template()).isTrue();
        assertThat(v.state()).isEqualTo("NONE");
        assertThat(v.client().withPort(v.clientPort())).isEqualTo("192.168.1.0:0");
        assertThat(v.virtualAddress().withPort(v.virtualPort())).isEqualTo("192.168.0.10:443");
        assertThat(v.destination().withPort(v.destinationPort())).isEqualTo("10.0.0.11:8443");
        // looked up at 1 s: re-armed with the whole persistence timeout
        assertThat(v.expiresMillis()).isEqualTo(360_000);
    }

    @Test
    void ipv6ClientsAreMaskedByPrefixLength() {
        IpAddress a = IpAddress.parse("2001:db8:1:2:3::9");
        IpAddress b = IpAddress.parse("2001:db8:1:2:ffff::1");
        assertThat(PersistenceKeys.maskHi(true, a.hi(), 64)).isEqualTo(PersistenceKeys.maskHi(true, b.hi(), 64));
        assertThat(PersistenceKeys.maskLo(true, a.lo(), 64)).isZero();
        assertThat(PersistenceKeys.maskLo(true, a.lo(), 80)).isNotEqualTo(PersistenceKeys.maskLo(true, b.lo(), 80));
        IpAddress masked = a.mask(72);
        assertThat(PersistenceKeys.maskHi(true, a.hi(), 72)).isEqualTo(masked.hi());
        assertThat(PersistenceKeys.maskLo(true, a.lo(), 72)).isEqualTo(masked.lo());
        assertThat(PersistenceKeys.maskLo(false, IpAddress.parse("10.1.2.3").lo(), 16))
                .isEqualTo(IpAddress.parse("10.1.0.0").lo());
    }

    @Test
    void aTemplateOutlivesItsTimeoutWhileItControlsConnections() {
        ConnTable t = Flows.table(16);
        IpAddress client = IpAddress.parse("192.168.1.77");
        int tpl = createTemplate(t, client, 360, 0);
        int conn = connUnder(t, client, 40000, tpl, S);
        t.onPacket(conn, INPUT, FLAG_SYN, S);
        t.onPacket(conn, INPUT, FLAG_ACK, S);
        assertThat(t.controllingTemplate(conn)).isEqualTo(tpl);
        assertThat(t.controlledCount(tpl)).isEqualTo(1);

        for (long s = 0; s <= 900; s += 10) {
            t.expire(s * S, 1000);
        }
        // due at 360 but still controlling: re-armed for 60 s at a time, as the kernel does
        assertThat(t.inUse(tpl)).isTrue();
        assertThat(t.deadlineNanos(tpl)).isEqualTo(960 * S);
        t.expire(901 * S, 1000);
        assertThat(t.inUse(conn)).isFalse();
        assertThat(t.controlledCount(tpl)).isZero();
        t.expire(960 * S - 1, 1000);
        assertThat(t.inUse(tpl)).isTrue();
        t.expire(960 * S, 1000);
        assertThat(t.inUse(tpl)).isFalse();
        assertThat(rs.persistConns()).isZero();
        assertThat(rs.activeConns() + rs.inactiveConns()).isZero();
    }

    @Test
    void aTemplateWithoutConnectionsExpiresAtItsTimeout() {
        ConnTable t = Flows.table(16);
        int tpl = createTemplate(t, IpAddress.parse("192.168.1.5"), 300, 0);
        t.expire(300 * S - 1, 100);
        assertThat(t.inUse(tpl)).isTrue();
        t.expire(300 * S, 100);
        assertThat(t.inUse(tpl)).isFalse();
        assertThat(rs.persistConns()).isZero();
    }

    @Test
    void quiescentTemplatesAreInvalidatedOnlyWhenTheSwitchIsOn() {
        IpAddress client = IpAddress.parse("192.168.1.77");
        ConnTable off = Flows.table(16);
        int kept = createTemplate(off, client, 360, 0);
        rs.reconfigure(rs.config().withWeight(0));
        assertThat(templateFor(off, client, S)).isEqualTo(kept);

        ConnTable on = Flows.table(16, new ConnTableSettings(false, true, 1));
        int tpl = createTemplate(on, client, 360, 0);
        int conn = connUnder(on, client, 40000, tpl, 0);
        assertThat(templateFor(on, client, S)).isEqualTo(ConnTable.NO_ENTRY);
        // still listed, with ports 65535, until it expires; it still controls its connection
        ConnectionView v = on.view(tpl, S);
        assertThat(v.virtualPort()).isEqualTo(65535);
        assertThat(v.destinationPort()).isEqualTo(65535);
        assertThat(on.controllingTemplate(conn)).isEqualTo(tpl);
        // a fresh template for the same client can now be made
        rs.reconfigure(rs.config().withWeight(1));
        int fresh = createTemplate(on, client, 360, S);
        assertThat(templateFor(on, client, S)).isEqualTo(fresh);
        on.expireNow(conn, 2 * S);
        on.expire(400 * S, 100);
        assertThat(on.inUse(tpl)).isFalse();
    }

    @Test
    void aTemplateOfARemovedServerIsInvalidated() {
        ConnTable t = Flows.table(16);
        IpAddress client = IpAddress.parse("192.168.1.77");
        createTemplate(t, client, 360, 0);
        rs.markRemoved();
        assertThat(templateFor(t, client, S)).isEqualTo(ConnTable.NO_ENTRY);
    }

    @Test
    void fwmarkTemplatesUseTheMarkAsAddressAndAreListedAsIp() {
        ConnTable t = Flows.table(16);
        IpAddress client = IpAddress.parse("192.168.1.77");
        DestinationState fw = new DestinationState(RealServer.of(Flows.RS2, 0, ForwardingMethod.DROUTE, 1));
        long vHi = PersistenceKeys.fwmarkHi(false, 7);
        long vLo = PersistenceKeys.fwmarkLo(false, 7);
        int tpl = t.createTemplate(PersistenceKeys.FWMARK_PROTOCOL, false, 0, client.lo(), vHi, vLo, 0,
                false, Flows.RS2.hi(), Flows.RS2.lo(), 0, fw, 300, 0);
        assertThat(t.findTemplate(PersistenceKeys.FWMARK_PROTOCOL, false, 0, client.lo(), vHi, vLo, 0, S))
                .isEqualTo(tpl);
        assertThat(t.findTemplate(TCP, false, 0, client.lo(), vHi, vLo, 0, S)).isEqualTo(ConnTable.NO_ENTRY);
        ConnectionView v = t.view(tpl, S);
        assertThat(v.protocol()).isNull();
        assertThat(v.virtualAddress()).hasToString("0.0.0.7");
        assertThat(v.state()).isEqualTo("NONE");
        assertThat(PersistenceKeys.fwmarkHi(true, 7)).isEqualTo(7L << 32);
    }

    @Test
    void connReuseDoesNotApplyToConnectionsATemplateControls() {
        ConnTable t = Flows.table(16);
        IpAddress client = IpAddress.parse("192.168.1.77");
        int tpl = createTemplate(t, client, 360, 0);
        int conn = connUnder(t, client, 40000, tpl, 0);
        t.onPacket(conn, INPUT, FLAG_SYN, 0);
        t.onPacket(conn, INPUT, FLAG_ACK, 0);
        t.onPacket(conn, INPUT, FLAG_FIN, 0);
        t.onPacket(conn, ConnTable.OUTPUT, FLAG_FIN, 0);
        assertThat(t.stateName(conn)).isEqualTo("TIME_WAIT");
        assertThat(t.admitInbound(conn, true, S)).isEqualTo(InboundVerdict.FORWARD);
    }
}
