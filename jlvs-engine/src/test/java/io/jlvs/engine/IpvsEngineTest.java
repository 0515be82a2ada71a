package io.jlvs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.command.IpvsError;
import io.jlvs.core.command.IpvsException;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import io.jlvs.core.stats.StatsSample;
import io.jlvs.core.view.IpvsTableView;
import io.jlvs.core.view.Timeouts;
import io.jlvs.core.AddressFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpvsEngineTest {
    private static final IpAddress VIP = IpAddress.parse("192.168.0.10");
    private static final InetServiceKey HTTP = new InetServiceKey(Protocol.TCP, VIP, 80);
    private final IpvsEngine engine = new IpvsEngine(EngineSettings.defaults(),
            List.of(FirstAvailableScheduler.factory("wlc"), FirstAvailableScheduler.factory("rr")));

    private static RealServer rs(String addr, int port, ForwardingMethod m, int weight) {
        return RealServer.of(IpAddress.parse(addr), port, m, weight);
    }

    private void add(VirtualServiceKey key) throws IpvsException {
        engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wlc")));
    }

    @Test
    void addListEditDelete() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 1)));
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.12", 8080, ForwardingMethod.MASQ, 2)));
        engine.execute(new IpvsCommand.EditServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 5)));

        IpvsTableView t = engine.table();
        assertThat(t.connTableSize()).isEqualTo(4096);
        assertThat(t.services()).hasSize(1);
        assertThat(t.services().getFirst().realServers())
                .extracting(r -> r.server().address() + ":" + r.server().port() + "/" + r.server().weight())
                .containsExactlyInAnyOrder("10.0.0.11:80/5", "10.0.0.12:8080/2");

        engine.execute(new IpvsCommand.DeleteServer(HTTP, IpAddress.parse("10.0.0.11"), 80));
        assertThat(engine.table().services().getFirst().realServers()).hasSize(1);
        engine.execute(new IpvsCommand.DeleteService(HTTP));
        assertThat(engine.table().services()).isEmpty();
    }

    @Test
    void refusesWhatIpvsRefuses() throws Exception {
        add(HTTP);
        assertError(new IpvsCommand.AddService(VirtualService.of(HTTP, "rr")), IpvsError.SERVICE_EXISTS,
                "Service already exists");
        assertError(new IpvsCommand.AddService(VirtualService.of(new InetServiceKey(Protocol.TCP, VIP, 81), "nosuch")),
                IpvsError.SCHEDULER_NOT_FOUND, "Scheduler or persistence engine not found");
        assertError(new IpvsCommand.AddService(VirtualService.of(new InetServiceKey(Protocol.TCP, VIP, 0), "rr")),
                IpvsError.INVALID, "Zero port specified for non-persistent service");
        assertError(new IpvsCommand.AddService(new VirtualService(new InetServiceKey(Protocol.TCP, VIP, 82), "rr",
                Set.of(), 0, -1, true, null)), IpvsError.INVALID, "One-Packet Scheduling is only for UDP");
        assertError(new IpvsCommand.DeleteService(new InetServiceKey(Protocol.UDP, VIP, 80)),
                IpvsError.NO_SUCH_SERVICE, "No such service");
        assertError(new IpvsCommand.AddServer(new InetServiceKey(Protocol.UDP, VIP, 80),
                rs("10.0.0.1", 80, ForwardingMethod.MASQ, 1)), IpvsError.NO_SUCH_SERVICE, "Service not defined");
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.1", 80, ForwardingMethod.MASQ, 1)));
        assertError(new IpvsCommand.AddServer(HTTP, rs("10.0.0.1", 80, ForwardingMethod.MASQ, 3)),
                IpvsError.DESTINATION_EXISTS, "Destination already exists");
        assertError(new IpvsCommand.EditServer(HTTP, rs("10.0.0.2", 80, ForwardingMethod.MASQ, 3)),
                IpvsError.NO_SUCH_DESTINATION, "No such destination");
        assertError(new IpvsCommand.AddServer(HTTP, rs("2001:db8::1", 80, ForwardingMethod.MASQ, 1)),
                IpvsError.INVALID, "Different address family is allowed only for tunneling servers");
        assertError(new IpvsCommand.AddServer(HTTP, rs("10.0.0.3", 80, ForwardingMethod.MASQ, -1)),
                IpvsError.OUT_OF_RANGE, "Server weight less than zero");
        assertError(new IpvsCommand.EditServer(HTTP, rs("10.0.0.1", 80, ForwardingMethod.MASQ, Integer.MIN_VALUE)),
                IpvsError.OUT_OF_RANGE, "Server weight less than zero");
        // a tunnel server may be of the other family
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("2001:db8::1", 80, ForwardingMethod.TUNNEL, 1)));
        // nothing refused changed the table
        assertThat(engine.table().services()).hasSize(1);
        assertThat(engine.table().services().getFirst().realServers()).hasSize(2);
    }

    @Test
    void fullNatServersNeedATcpOrUdpServiceWithAPort() throws Exception {
        InetServiceKey allPorts = new InetServiceKey(Protocol.TCP, VIP, 0);
        engine.execute(new IpvsCommand.AddService(new VirtualService(allPorts, "rr", Set.of(), 300,
                -1, false, null)));
        InetServiceKey sctp = new InetServiceKey(Protocol.SCTP, VIP, 80);
        add(sctp);
        add(HTTP);
        assertError(new IpvsCommand.AddServer(allPorts, rs("10.0.0.1", 80, ForwardingMethod.FULLNAT, 1)),
                IpvsError.INVALID, "FULLNAT serves TCP and UDP services with a port");
        assertError(new IpvsCommand.AddServer(sctp, rs("10.0.0.1", 80, ForwardingMethod.FULLNAT, 1)),
                IpvsError.INVALID, "FULLNAT serves TCP and UDP services with a port");
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.1", 8080, ForwardingMethod.FULLNAT, 1)));
        engine.execute(new IpvsCommand.AddServer(allPorts, rs("10.0.0.1", 0, ForwardingMethod.MASQ, 1)));
        assertThat(engine.table().services()).extracting(s -> s.realServers().size()).containsExactly(1, 1, 0);
    }

    /** The kernel's ERANGE: a lower connection threshold above the upper, an upper of 0 (none) too. */
    @Test
    void aLowerThresholdAboveTheUpperIsOutOfRange() throws Exception {
        add(HTTP);
        assertError(new IpvsCommand.AddServer(HTTP, new RealServer(IpAddress.parse("10.0.0.11"), 80,
                ForwardingMethod.MASQ, 1, 5, 10, null, 0, null)), IpvsError.OUT_OF_RANGE,
                "Lower threshold is higher than the upper threshold");
        assertError(new IpvsCommand.AddServer(HTTP, new RealServer(IpAddress.parse("10.0.0.11"), 80,
                ForwardingMethod.MASQ, 1, 0, 10, null, 0, null)), IpvsError.OUT_OF_RANGE,
                "Lower threshold is higher than the upper threshold");
        engine.execute(new IpvsCommand.AddServer(HTTP, new RealServer(IpAddress.parse("10.0.0.11"), 80,
                ForwardingMethod.MASQ, 1, 10, 5, null, 0, null)));
    }

    private void assertError(IpvsCommand c, IpvsError error, String text) {
        assertThatThrownBy(() -> engine.execute(c)).isInstanceOf(IpvsException.class)
                .hasMessageContaining(text)
                .satisfies(e -> assertThat(((IpvsException) e).error()).isEqualTo(error));
    }

    @Test
    void directRoutingAndTunnelServersTakeTheServicePort() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 8080, ForwardingMethod.DROUTE, 1)));
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.12", 8080, ForwardingMethod.TUNNEL, 1)));
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.13", 8080, ForwardingMethod.MASQ, 1)));
        assertThat(engine.table().services().getFirst().realServers())
                .extracting(r -> r.server().address() + ":" + r.server().port())
                .containsExactlyInAnyOrder("10.0.0.11:80", "10.0.0.12:80", "10.0.0.13:8080");
        FwmarkServiceKey fwm = new FwmarkServiceKey(7, AddressFamily.INET);
        add(fwm);
        engine.execute(new IpvsCommand.AddServer(fwm, rs("10.0.0.31", 0, ForwardingMethod.DROUTE, 1)));
        assertThat(engine.table().services()).extracting(s -> s.service().key()).containsExactly(HTTP, fwm);
    }

    @Test
    void everyChangeIsPublishedAndSchedulingFollowsIt() throws Exception {
        List<Long> versions = new ArrayList<>();
        engine.addSnapshotListener(s -> versions.add(s.version()));
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 1)));
        ServiceRuntime rt = engine.snapshot().service(HTTP);
        FlowKey flow = new FlowKey().set(6, IpAddress.parse("1.2.3.4"), 40000, VIP, 80, 0);
        assertThat(rt.schedule(flow).config().address()).isEqualTo(IpAddress.parse("10.0.0.11"));

        engine.execute(new IpvsCommand.EditServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 0)));
        assertThat(rt.schedule(flow)).as("quiescent server takes no new flow").isNull();
        assertThat(versions).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void aRemovedServerWithConnectionsIsRevivedWithItsCountsWhenAddedBack() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 1)));
        DestinationState d = engine.snapshot().service(HTTP).destinations().get(0);
        d.bind(false);
        d.activate(true);
        engine.execute(new IpvsCommand.DeleteServer(HTTP, IpAddress.parse("10.0.0.11"), 80));
        assertThat(d.removed()).isTrue();
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 4)));
        DestinationState back = engine.snapshot().service(HTTP).destinations().get(0);
        assertThat(back).isSameAs(d);
        assertThat(back.removed()).isFalse();
        assertThat(engine.table().services().getFirst().realServers().getFirst().activeConns()).isEqualTo(1);
    }

    @Test
    void editServiceSwapsTheSchedulerOnlyWhenItChanges() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.EditService(new VirtualService(HTTP, "rr", Set.of(SchedFlag.FLAG_1), 300,
                0xffffff00, false, null)));
        VirtualService s = engine.table().services().getFirst().service();
        assertThat(s.scheduler()).isEqualTo("rr");
        assertThat(s.persistenceTimeout()).isEqualTo(300);
        assertThat(s.netmaskPrefixLength()).isEqualTo(24);
    }

    @Test
    void timeoutsZeroFieldsKeepTheCurrentValue() throws Exception {
        engine.execute(new IpvsCommand.SetTimeouts(new Timeouts(0, 60, 0)));
        assertThat(engine.timeouts()).isEqualTo(new Timeouts(900, 60, 300));
    }

    @Test
    void zeroClearsCounters() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 1)));
        ServiceRuntime rt = engine.snapshot().service(HTTP);
        rt.counters().connection();
        rt.counters().inbound(3, 180);
        rt.destinations().get(0).counters().inbound(3, 180);
        assertThat(engine.table().services().getFirst().stats().inBytes()).isEqualTo(180);
        engine.execute(new IpvsCommand.Zero(null));
        assertThat(engine.table().services().getFirst().stats().inBytes()).isZero();
        assertThat(engine.table().services().getFirst().realServers().getFirst().stats().inPackets()).isZero();
    }

    /**
     * The global counters (node_ipvs_*_total, /proc/net/ip_vs_stats) never go down but for ipvsadm -Z of the
     * whole table: zeroing one service, deleting one, or clearing the table keeps what they counted, as the
     * kernel's separate global counters do; Prometheus would read every drop as a counter reset.
     */
    @Test
    void theGlobalCountersKeepWhatDeletedAndIndividuallyZeroedServicesCounted() throws Exception {
        InetServiceKey dns = new InetServiceKey(Protocol.UDP, VIP, 53);
        add(HTTP);
        add(dns);
        engine.snapshot().service(HTTP).counters().connection();
        engine.snapshot().service(HTTP).counters().connection();
        engine.snapshot().service(HTTP).counters().inbound(4, 400);
        engine.snapshot().service(dns).counters().connection();
        assertThat(engine.table().totals().conns()).isEqualTo(3);

        engine.execute(new IpvsCommand.Zero(HTTP));
        assertThat(engine.table().services()).filteredOn(v -> v.service().key().equals(HTTP)).singleElement()
                .satisfies(v -> assertThat(v.stats().conns()).isZero());
        assertThat(engine.table().totals().conns()).as("after -Z of one service").isEqualTo(3);
        assertThat(engine.table().totals().inBytes()).isEqualTo(400);

        engine.execute(new IpvsCommand.DeleteService(dns));
        assertThat(engine.table().totals().conns()).as("after -D").isEqualTo(3);
        engine.snapshot().service(HTTP).counters().connection();
        engine.execute(new IpvsCommand.Clear());
        assertThat(engine.table().totals().conns()).as("after -C").isEqualTo(4);

        add(HTTP);
        engine.execute(new IpvsCommand.Zero(null));
        assertThat(engine.table().totals()).as("-Z of the whole table").isEqualTo(StatsSample.ZERO);
    }

    @Test
    void ratesFollowTheKernelEstimatorStepAndZeroResetsThem() throws Exception {
        add(HTTP);
        engine.execute(new IpvsCommand.AddServer(HTTP, rs("10.0.0.11", 80, ForwardingMethod.MASQ, 1)));
        ServiceRuntime rt = engine.snapshot().service(HTTP);
        engine.estimateRates();
        for (int step = 0; step < 80; step++) {
            for (int i = 0; i < 200; i++) {
                rt.counters().connection();
            }
            rt.counters().inbound(2000, 120_000);
            engine.estimateRates();
        }
        var rates = engine.table().services().getFirst().rates();
        assertThat(rates.cps()).isEqualTo(100);
        assertThat(rates.inPps()).isEqualTo(1000);
        assertThat(rates.inBps()).isEqualTo(60_000);
        engine.execute(new IpvsCommand.Zero(HTTP));
        assertThat(engine.table().services().getFirst().rates().cps()).isZero();
    }
}
