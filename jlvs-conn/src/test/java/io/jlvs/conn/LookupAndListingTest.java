package io.jlvs.conn;

import static io.jlvs.conn.ConnTable.INPUT;
import static io.jlvs.conn.Flows.S;
import static io.jlvs.conn.Flows.TCP;
import static io.jlvs.conn.Flows.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.ConnectionView;
import org.junit.jupiter.api.Test;

class LookupAndListingTest {
    private final ConnTable table = Flows.table(16);

    @Test
    void aReplyFindsItsConnectionThroughTheReverseIndex() {
        DestinationState rs = Flows.server(Flows.RS1, 8080, ForwardingMethod.MASQ);
        int id = Flows.conn(table, TCP, 51000, rs, 0);
        IpAddress c = Flows.CLIENT;
        IpAddress d = Flows.RS1;
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 8080, c.hi(), c.lo(), 51000)).isEqualTo(id);
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 80, c.hi(), c.lo(), 51000)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(table.lookupOut(UDP, false, d.hi(), d.lo(), 8080, c.hi(), c.lo(), 51000)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 8080, c.hi(), c.lo(), 51001)).isEqualTo(ConnTable.NO_ENTRY);
        assertThat(table.destinationPort(id)).isEqualTo(8080);
        table.expireNow(id, 0);
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 8080, c.hi(), c.lo(), 51000)).isEqualTo(ConnTable.NO_ENTRY);
    }

    /**
     * One client port to two (here three) virtual addresses with the same real server and port: the real
     * server sees one connection, so a reply belongs to the newest entry, as the kernel's head-inserted hash
     * chains find it. Before, the oldest (a finished connection to the first address) was found and the
     * reply left from the wrong virtual address: the client answered RST to every SYN-ACK
     * (HostLinkLabTest, a port curl reused for a second virtual address).
     */
    @Test
    void aReplyFindsTheNewestOfConnectionsThatShareItsTuple() {
        DestinationState rs = Flows.server(Flows.RS1, 80, ForwardingMethod.MASQ);
        IpAddress c = Flows.CLIENT;
        IpAddress d = Flows.RS1;
        int[] ids = new int[3];
        for (int i = 0; i < ids.length; i++) {
            IpAddress vip = IpAddress.parse("192.168.0." + (10 + i));
            ids[i] = table.create(TCP, false, 0, c.lo(), 51000, 0, vip.lo(), 80, false, d.hi(), d.lo(), 80, rs,
                    false, ConnTable.NO_ENTRY, 0);
            assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 80, c.hi(), c.lo(), 51000)).isEqualTo(ids[i]);
        }
        for (int i = 0; i < ids.length; i++) {
            IpAddress vip = IpAddress.parse("192.168.0." + (10 + i));
            assertThat(table.lookupIn(TCP, false, 0, c.lo(), 51000, 0, vip.lo(), 80)).isEqualTo(ids[i]);
        }
        table.expireNow(ids[2], 0);
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 80, c.hi(), c.lo(), 51000)).isEqualTo(ids[1]);
        table.expireNow(ids[1], 0);
        assertThat(table.lookupOut(TCP, false, d.hi(), d.lo(), 80, c.hi(), c.lo(), 51000)).isEqualTo(ids[0]);
    }

    @Test
    void ipv6EntriesAreFoundBothWaysAndListedAsIpv6() {
        IpAddress client = IpAddress.parse("2001:db8::20");
        IpAddress vip = IpAddress.parse("2001:db8::80");
        IpAddress rsAddr = IpAddress.parse("2001:db8::a0");
        DestinationState rs = Flows.server(rsAddr, 80, ForwardingMethod.MASQ);
        FlowKey f = new FlowKey().set(TCP, client, 40000, vip, 80, 0);
        int id = table.create(f, true, rsAddr.hi(), rsAddr.lo(), 80, rs, false, ConnTable.NO_ENTRY, 0);
        assertThat(table.lookupIn(f)).isEqualTo(id);
        assertThat(table.lookupOut(TCP, true, rsAddr.hi(), rsAddr.lo(), 80, client.hi(), client.lo(), 40000))
                .isEqualTo(id);
        // the same numbers as IPv4 are another key
        assertThat(table.lookupIn(TCP, false, client.hi(), client.lo(), 40000, vip.hi(), vip.lo(), 80))
                .isEqualTo(ConnTable.NO_ENTRY);
        ConnectionView v = table.view(id, 0);
        assertThat(v.client().withPort(v.clientPort())).isEqualTo("[2001:db8::20]:40000");
        assertThat(v.destination()).isEqualTo(rsAddr);
    }

    @Test
    void listingShowsWhatIpvsadmPrints() {
        DestinationState rs = Flows.server(Flows.RS1, 80, ForwardingMethod.DROUTE);
        long t0 = 10 * S;
        int id = Flows.conn(table, TCP, 55746, rs, t0);
        table.onPacket(id, INPUT, TcpState.FLAG_SYN, t0);
        table.onPacket(id, INPUT, TcpState.FLAG_ACK, t0);
        ConnectionView v = table.list(t0 + 2 * S).getFirst();
        assertThat(v.protocol()).isEqualTo(Protocol.TCP);
        assertThat(v.state()).isEqualTo("ESTABLISHED");
        assertThat(v.client().withPort(v.clientPort())).isEqualTo("192.168.1.20:55746");
        assertThat(v.virtualAddress().withPort(v.virtualPort())).isEqualTo("192.168.0.10:80");
        assertThat(v.destination().withPort(v.destinationPort())).isEqualTo("10.0.0.11:80");
        assertThat(v.expiresMillis()).isEqualTo(898_000);
        assertThat(v.template()).isFalse();
        assertThat(table.list(t0)).hasSize(1);
    }
}
