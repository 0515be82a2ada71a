package io.jlvs.cli.adm;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Tables the tests list: one that uses every feature, added out of order on purpose. */
final class Tables {
    static final InetServiceKey WEB = tcp("192.168.0.10", 80);
    static final InetServiceKey TLS = tcp("192.168.0.10", 443);
    static final InetServiceKey DNS = new InetServiceKey(Protocol.UDP, ip("192.168.0.10"), 53);
    static final InetServiceKey ANY_UDP = new InetServiceKey(Protocol.UDP, ip("192.168.0.10"), 0);
    static final InetServiceKey DIAMETER = new InetServiceKey(Protocol.SCTP, ip("192.168.0.10"), 3868);
    static final InetServiceKey WEB6 = tcp("2001:db8::80", 80);
    static final InetServiceKey TLS6 = tcp("2001:db8::80", 443);
    static final FwmarkServiceKey MARK7 = new FwmarkServiceKey(7, AddressFamily.INET);
    static final FwmarkServiceKey MARK9V6 = new FwmarkServiceKey(9, AddressFamily.INET6);
    static final FwmarkServiceKey MARK_HIGH = new FwmarkServiceKey((int) 4000000000L, AddressFamily.INET);

    private Tables() {
    }

    static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    static InetServiceKey tcp(String address, int port) {
        return new InetServiceKey(Protocol.TCP, ip(address), port);
    }

    static RealServer rs(String address, int port, ForwardingMethod method, int weight) {
        return RealServer.of(ip(address), port, method, weight);
    }

    static RealServer tunnel(String address, int port, TunnelType type, int tunPort, TunnelChecksum csum) {
        return new RealServer(ip(address), port, ForwardingMethod.TUNNEL, 1, 0, 0, type, tunPort, csum);
    }

    static VirtualService svc(VirtualServiceKey key, String sched, Set<SchedFlag> flags, int persistence, int netmask,
                              boolean ops, String pe) {
        return new VirtualService(key, sched, flags, persistence, netmask, ops, pe);
    }

    /** Every service kind, method, persistence form, flag and tunnel type; restorable with -S | -R. */
    static InMemoryIpvs rich() {
        InMemoryIpvs t = new InMemoryIpvs();
        t.apply(
                new IpvsCommand.AddService(svc(MARK9V6, "wrr", null, 360, 128, false, null)),
                new IpvsCommand.AddServer(MARK9V6, rs("2001:db8::b0", 0, ForwardingMethod.DROUTE, 5)),
                new IpvsCommand.AddServer(MARK9V6, tunnel("10.0.0.50", 0, TunnelType.IPIP, 0, null)),
                new IpvsCommand.AddService(svc(TLS, "rr", null, 360, 0xffffff00, false, null)),
                new IpvsCommand.AddServer(TLS, new RealServer(ip("10.0.0.11"), 8443, ForwardingMethod.MASQ, 2,
                        100, 50, null, 0, null)),
                new IpvsCommand.AddService(VirtualService.of(WEB, "wlc")),
                new IpvsCommand.AddServer(WEB, rs("10.0.0.12", 80, ForwardingMethod.DROUTE, 0)),
                new IpvsCommand.AddServer(WEB, rs("10.0.0.11", 80, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddServer(WEB, rs("10.0.0.9", 80, ForwardingMethod.DROUTE, 65535)),
                new IpvsCommand.AddService(svc(DNS, "rr", null, 0, -1, true, null)),
                new IpvsCommand.AddServer(DNS, tunnel("10.0.0.21", 53, TunnelType.GUE, 6080, TunnelChecksum.NOCSUM)),
                new IpvsCommand.AddServer(DNS, tunnel("10.0.0.23", 53, TunnelType.GRE, 0, TunnelChecksum.CSUM)),
                new IpvsCommand.AddServer(DNS, tunnel("10.0.0.22", 53, TunnelType.GUE, 6081, TunnelChecksum.REMCSUM)),
                new IpvsCommand.AddService(svc(ANY_UDP, "lblcr", null, 1800, 0xffff0000, false, null)),
                new IpvsCommand.AddServer(ANY_UDP, rs("10.0.0.24", 0, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddService(svc(DIAMETER, "sed", null, 0, -1, false, null)),
                new IpvsCommand.AddServer(DIAMETER, rs("10.0.0.41", 3869, ForwardingMethod.FULLNAT, 3)),
                new IpvsCommand.AddServer(DIAMETER, new RealServer(ip("10.0.0.42"), 3868, ForwardingMethod.MASQ, 1,
                        0, 10, null, 0, null)),
                new IpvsCommand.AddService(svc(WEB6, "mh", EnumSet.of(SchedFlag.MH_FALLBACK, SchedFlag.MH_PORT), 0,
                        128, false, null)),
                new IpvsCommand.AddServer(WEB6, rs("2001:db8::a0", 8080, ForwardingMethod.MASQ, 1)),
                new IpvsCommand.AddService(svc(TLS6, "lc", null, 600, 64, false, "sip")),
                new IpvsCommand.AddServer(TLS6, rs("2001:db8::a1", 443, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddService(svc(MARK7, "sh", EnumSet.of(SchedFlag.SH_FALLBACK, SchedFlag.SH_PORT), 0,
                        -1, false, null)),
                new IpvsCommand.AddServer(MARK7, rs("10.0.0.31", 0, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddService(svc(MARK_HIGH, "wlc", EnumSet.of(SchedFlag.FLAG_1, SchedFlag.FLAG_3), 0,
                        -1, true, null)),
                new IpvsCommand.AddServer(MARK_HIGH, rs("10.0.0.32", 0, ForwardingMethod.MASQ, 4)),
                new IpvsCommand.SetTimeouts(new Timeouts(3600, 60, 30)),
                new IpvsCommand.StartDaemon(new SyncDaemonView("backup", "eth1", 7, 0, null, 0, 0)),
                new IpvsCommand.StartDaemon(new SyncDaemonView("master", "eth0", 7, 1472, "239.1.2.3", 8849, 2)));
        t.executed().clear();
        counters(t);
        return t;
    }

    private static void counters(InMemoryIpvs t) {
        t.connTableSize(4096);
        t.serviceCounters(WEB, new StatsSample(1520, 98311, 0, 6315408, 0), new RateSample(12, 840, 0, 53760, 0));
        t.serverCounters(WEB, ip("10.0.0.11"), 80, 12, 40, 0, new StatsSample(1010, 65023, 0, 4198713, 0),
                new RateSample(8, 560, 0, 35840, 0));
        t.serverCounters(WEB, ip("10.0.0.12"), 80, 3, 7, 0, new StatsSample(510, 33288, 0, 2116695, 0),
                new RateSample(4, 280, 0, 17920, 0));
        // the large-number boundaries: 10^8 - 1 | 10^8 (K) | 10^9 - 1 | 10^9 (M) | 10^11 - 1
        t.serviceCounters(TLS, new StatsSample(99_999_999L, 100_000_000L, 999_999_999L, 1_000_000_000L,
                99_999_999_999L), new RateSample(99_999_999L, 100_000_000L, 0, 999_999_999L, 1_000_000_000L));
        t.serverCounters(TLS, ip("10.0.0.11"), 8443, 5, 1, 4, new StatsSample(88, 4410, 3990, 123_456_789L,
                2_110_000_000L), new RateSample(1, 20, 19, 123_456_789L, 2_110_000_000L));
        // 10^11 (G) | 10^14 - 1 | 10^14 (T) | 2^64 - 1 | 0
        t.serviceCounters(DNS, new StatsSample(100_000_000_000L, 99_999_999_999_999L, 100_000_000_000_000L, -1L, 0),
                new RateSample(0, 0, 0, 0, 0));
        t.serverCounters(DNS, ip("10.0.0.21"), 53, 0, 2, 0, new StatsSample(100_000_000_000L, 99_999_999_999_999L,
                100_000_000_000_000L, -1L, 0), new RateSample(123_456_789_012L, 0, 0, -1L, 0));
        t.serverCounters(TLS6, ip("2001:db8::a1"), 443, 1, 0, 3, StatsSample.ZERO, RateSample.ZERO);
        t.connections(List.of(
                new ConnectionView(Protocol.TCP, ip("192.168.1.20"), 55746, ip("192.168.0.10"), 80, ip("10.0.0.11"),
                        80, "ESTABLISHED", 898_999, false, null, null),
                new ConnectionView(Protocol.TCP, ip("192.168.1.21"), 40112, ip("192.168.0.10"), 80, ip("10.0.0.12"),
                        80, "FIN_WAIT", 112_500, false, null, null),
                new ConnectionView(Protocol.TCP, ip("192.168.1.0"), 0, ip("192.168.0.10"), 443, ip("10.0.0.11"),
                        8443, "NONE", 359_000, true, null, null),
                new ConnectionView(Protocol.UDP, ip("192.168.1.22"), 5353, ip("192.168.0.10"), 53, ip("10.0.0.21"),
                        53, "UDP", 297_000, false, null, null),
                new ConnectionView(null, ip("192.168.1.23"), 0, ip("0.0.0.7"), 0, ip("10.0.0.31"), 0, "NONE",
                        6_000_000, true, null, null),
                new ConnectionView(Protocol.TCP, ip("2001:db8:1::20"), 61000, ip("2001:db8::80"), 443,
                        ip("2001:db8::a1"), 443, "SYN_RECV", 59_000, false, null, null),
                new ConnectionView(Protocol.UDP, ip("192.168.1.24"), 5060, ip("192.168.0.10"), 5060,
                        ip("10.0.0.24"), 5060, "NONE", 3_599_000, true, "sip", "a84b4c76e66710@pc33.example.com")));
    }
}
