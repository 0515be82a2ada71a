package io.jlvs.engine.control;

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
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.RealServerView;
import io.jlvs.core.view.SyncDaemonView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.view.VirtualServiceView;
import java.util.EnumSet;
import java.util.List;

/** Values covering every field and variant, for round-trip tests. */
final class Samples {
    static final InetServiceKey TCP_KEY = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 80);
    static final InetServiceKey V6_KEY = new InetServiceKey(Protocol.SCTP, IpAddress.parse("2001:db8::1"), 0);
    static final FwmarkServiceKey FWMARK_KEY = new FwmarkServiceKey(0xfffffffe, AddressFamily.INET6);

    static final VirtualService PLAIN = VirtualService.of(TCP_KEY, "rr");
    static final VirtualService PERSISTENT = new VirtualService(TCP_KEY, "sh",
            EnumSet.of(SchedFlag.SH_FALLBACK, SchedFlag.SH_PORT), 360, 0xffffff00, false, "sip");
    static final VirtualService V6 = new VirtualService(V6_KEY, "mh", EnumSet.of(SchedFlag.MH_PORT), 60, 64, false, null);
    static final VirtualService FWMARK = new VirtualService(FWMARK_KEY, "wlc", null, 0, 128, true, null);

    static final RealServer MASQ = new RealServer(IpAddress.parse("192.168.1.10"), 8080, ForwardingMethod.MASQ, 3,
            100, 50, null, 0, null);
    static final RealServer TUNNEL = new RealServer(IpAddress.parse("2001:db8::a"), 80, ForwardingMethod.TUNNEL, 0,
            0, 0, TunnelType.GUE, 6080, TunnelChecksum.REMCSUM);
    static final RealServer FULLNAT = RealServer.of(IpAddress.parse("127.0.0.1"), 9000, ForwardingMethod.FULLNAT, 65535);

    static final StatsSample STATS = new StatsSample(1, 2, 3, 4, Long.MAX_VALUE);
    static final RateSample RATES = new RateSample(5, 6, 7, 8, 9);

    static final SyncDaemonView MASTER = new SyncDaemonView("master", "eth0", 7, 1472, "224.0.0.81", 8848, 1);
    static final SyncDaemonView BACKUP = new SyncDaemonView("backup", "eth1", 0, 0, null, 0, 0);

    static IpvsTableView table() {
        return new IpvsTableView(4096, List.of(
                new VirtualServiceView(PERSISTENT, STATS, RATES, List.of(
                        new RealServerView(MASQ, 10, 20, 30, STATS, RATES),
                        new RealServerView(FULLNAT, 0, 0, 0, StatsSample.ZERO, RateSample.ZERO))),
                new VirtualServiceView(V6, StatsSample.ZERO, RateSample.ZERO, List.of(
                        new RealServerView(TUNNEL, 1, 2, 3, STATS, RATES))),
                new VirtualServiceView(FWMARK, STATS, RATES, List.of())),
                new Timeouts(900, 120, 300));
    }

    static List<ConnectionView> connections() {
        return List.of(
                new ConnectionView(Protocol.TCP, IpAddress.parse("10.1.1.1"), 40000, IpAddress.parse("10.0.0.1"), 80,
                        IpAddress.parse("192.168.1.10"), 8080, "ESTABLISHED", 899_000, false, null, null),
                new ConnectionView(null, IpAddress.parse("::ffff:10.1.1.1"), 0, IpAddress.parse("::"), 0,
                        IpAddress.parse("2001:db8::a"), 80, "NONE", 359_999, true, "sip", "INVITE@x"));
    }

    /** One of every command variant. */
    static List<IpvsCommand> commands() {
        return List.of(
                new IpvsCommand.AddService(PERSISTENT),
                new IpvsCommand.AddService(FWMARK),
                new IpvsCommand.EditService(V6),
                new IpvsCommand.DeleteService(FWMARK_KEY),
                new IpvsCommand.Clear(),
                new IpvsCommand.AddServer(TCP_KEY, MASQ),
                new IpvsCommand.EditServer(V6_KEY, TUNNEL),
                new IpvsCommand.DeleteServer(TCP_KEY, IpAddress.parse("192.168.1.10"), 8080),
                new IpvsCommand.Zero(null),
                new IpvsCommand.Zero(V6_KEY),
                new IpvsCommand.SetTimeouts(new Timeouts(0, 60, 0)),
                new IpvsCommand.StartDaemon(MASTER),
                new IpvsCommand.StartDaemon(BACKUP),
                new IpvsCommand.StopDaemon("backup"));
    }

    private Samples() {
    }
}
