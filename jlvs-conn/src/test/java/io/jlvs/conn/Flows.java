package io.jlvs.conn;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.view.Timeouts;

/** Test fixtures: a table on a fake clock and a few addresses. */
final class Flows {
    static final long S = 1_000_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final IpAddress CLIENT = IpAddress.parse("192.168.1.20");
    static final IpAddress VIP = IpAddress.parse("192.168.0.10");
    static final IpAddress RS1 = IpAddress.parse("10.0.0.11");
    static final IpAddress RS2 = IpAddress.parse("10.0.0.12");

    private Flows() {
    }

    static ConnTable table(int capacity) {
        return table(capacity, ConnTableSettings.DEFAULTS);
    }

    static ConnTable table(int capacity, ConnTableSettings settings) {
        return new ConnTable(capacity, settings, Timeouts.DEFAULTS, 42, 0);
    }

    static DestinationState server(IpAddress address, int port, ForwardingMethod method) {
        return new DestinationState(RealServer.of(address, port, method, 1));
    }

    /** A connection from CLIENT:cport to VIP:80 on {@code rs}:80. */
    static int conn(ConnTable t, int protocol, int cport, DestinationState rs, long now) {
        IpAddress d = rs.config().address();
        boolean inputOnly = rs.config().method() != ForwardingMethod.MASQ;
        return t.create(protocol, false, 0, CLIENT.lo(), cport, 0, VIP.lo(), 80,
                false, d.hi(), d.lo(), rs.config().port(), rs, inputOnly, ConnTable.NO_ENTRY, now);
    }

    static int lookup(ConnTable t, int protocol, int cport) {
        return t.lookupIn(protocol, false, 0, CLIENT.lo(), cport, 0, VIP.lo(), 80);
    }
}
