package io.jlvs.cli.adm;

import static io.jlvs.cli.adm.Tables.ip;
import static io.jlvs.cli.adm.Tables.rs;
import static io.jlvs.cli.adm.Tables.svc;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.stats.RateSample;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.ConnectionView;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The samples of shared/reference/features.md §2.3 (rendered there from ipvsadm 1.31's printf formats, independently
 * of this code), copied verbatim into adm/features-*.txt, reproduced from the tables they show.
 */
class ReferenceExamplesTest {

    private static InMemoryIpvs sampleTable() {
        InMemoryIpvs t = new InMemoryIpvs();
        t.apply(
                new IpvsCommand.AddService(VirtualService.of(Tables.WEB, "wlc")),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.12", 80, ForwardingMethod.DROUTE, 0)),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.11", 80, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddService(svc(Tables.TLS, "rr", null, 360, 0xffffff00, false, null)),
                new IpvsCommand.AddServer(Tables.TLS, rs("10.0.0.11", 8443, ForwardingMethod.MASQ, 2)),
                new IpvsCommand.AddService(svc(Tables.DNS, "rr", null, 0, -1, true, null)),
                new IpvsCommand.AddServer(Tables.DNS, Tables.tunnel("10.0.0.21", 53, TunnelType.GUE, 6080,
                        TunnelChecksum.NOCSUM)),
                new IpvsCommand.AddService(VirtualService.of(Tables.WEB6, "mh")),
                new IpvsCommand.AddServer(Tables.WEB6, rs("2001:db8::a0", 80, ForwardingMethod.MASQ, 1)),
                new IpvsCommand.AddService(svc(Tables.MARK7, "sh", EnumSet.of(SchedFlag.SH_FALLBACK, SchedFlag.SH_PORT),
                        0, -1, false, null)),
                new IpvsCommand.AddServer(Tables.MARK7, rs("10.0.0.31", 0, ForwardingMethod.DROUTE, 1)));
        t.serverCounters(Tables.WEB, ip("10.0.0.11"), 80, 12, 40, 0, StatsSample.ZERO, RateSample.ZERO);
        t.serverCounters(Tables.WEB, ip("10.0.0.12"), 80, 3, 7, 0, StatsSample.ZERO, RateSample.ZERO);
        t.serverCounters(Tables.TLS, ip("10.0.0.11"), 8443, 5, 1, 0, StatsSample.ZERO, RateSample.ZERO);
        return t;
    }

    @Test
    void listNumericMatchesTheReferenceSample() {
        assertThat(Run.of(sampleTable(), "-L", "-n").out()).isEqualTo(Golden.read("features-list.txt"));
    }

    @Test
    void saveMatchesTheReferenceSample() {
        assertThat(Run.of(sampleTable(), "-S", "-n").out()).isEqualTo(Golden.read("features-save.txt"));
    }

    @Test
    void statsMatchTheReferenceSample() {
        InMemoryIpvs t = new InMemoryIpvs();
        t.apply(
                new IpvsCommand.AddService(VirtualService.of(Tables.WEB, "wlc")),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.11", 80, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.12", 80, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddService(VirtualService.of(Tables.TLS, "rr")),
                new IpvsCommand.AddServer(Tables.TLS, rs("10.0.0.11", 8443, ForwardingMethod.MASQ, 1)));
        t.serviceCounters(Tables.WEB, new StatsSample(1520, 98311, 0, 6315408, 0), RateSample.ZERO);
        t.serverCounters(Tables.WEB, ip("10.0.0.11"), 80, 0, 0, 0, new StatsSample(1010, 65023, 0, 4198713, 0),
                RateSample.ZERO);
        t.serverCounters(Tables.WEB, ip("10.0.0.12"), 80, 0, 0, 0, new StatsSample(510, 33288, 0, 2116695, 0),
                RateSample.ZERO);
        StatsSample big = new StatsSample(88, 4410, 3990, 123_456_789L, 2_110_987_654L);
        t.serviceCounters(Tables.TLS, big, RateSample.ZERO);
        t.serverCounters(Tables.TLS, ip("10.0.0.11"), 8443, 0, 0, 0, big, RateSample.ZERO);

        assertThat(Run.of(t, "-L", "-n", "--stats").out()).isEqualTo(Golden.read("features-stats.txt"));
    }

    @Test
    void ratesMatchTheReferenceSample() {
        InMemoryIpvs t = new InMemoryIpvs();
        t.apply(
                new IpvsCommand.AddService(VirtualService.of(Tables.WEB, "wlc")),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.12", 80, ForwardingMethod.DROUTE, 1)),
                new IpvsCommand.AddServer(Tables.WEB, rs("10.0.0.11", 80, ForwardingMethod.DROUTE, 1)));
        t.serviceCounters(Tables.WEB, StatsSample.ZERO, new RateSample(12, 840, 0, 53760, 0));
        t.serverCounters(Tables.WEB, ip("10.0.0.11"), 80, 0, 0, 0, StatsSample.ZERO, new RateSample(8, 560, 0, 35840, 0));
        t.serverCounters(Tables.WEB, ip("10.0.0.12"), 80, 0, 0, 0, StatsSample.ZERO, new RateSample(4, 280, 0, 17920, 0));

        assertThat(Run.of(t, "-L", "-n", "--rate").out()).isEqualTo(Golden.read("features-rate.txt"));
    }

    @Test
    void connectionsMatchTheReferenceSample() {
        InMemoryIpvs t = new InMemoryIpvs();
        t.connections(List.of(
                new ConnectionView(Protocol.TCP, ip("192.168.1.20"), 55746, ip("192.168.0.10"), 80, ip("10.0.0.11"),
                        80, "ESTABLISHED", 898_400, false, null, null),
                new ConnectionView(Protocol.TCP, ip("192.168.1.21"), 40112, ip("192.168.0.10"), 80, ip("10.0.0.12"),
                        80, "FIN_WAIT", 112_000, false, null, null),
                new ConnectionView(Protocol.TCP, ip("192.168.1.0"), 0, ip("192.168.0.10"), 443, ip("10.0.0.11"),
                        8443, "NONE", 359_999, true, null, null),
                new ConnectionView(Protocol.UDP, ip("192.168.1.22"), 5353, ip("192.168.0.10"), 53, ip("10.0.0.21"),
                        53, "UDP", 297_000, false, null, null)));

        assertThat(Run.of(t, "-L", "-n", "-c").out()).isEqualTo(Golden.read("features-conns.txt"));
    }
}
