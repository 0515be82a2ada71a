package io.jlvs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.state.DestinationState;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSchedulersTest {

    @Test
    void theDefaultEngineOffersAllFourteenIpvsSchedulers() {
        assertThat(new IpvsEngine().schedulerNames()).containsExactlyInAnyOrder(
                "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");
    }

    @Test
    void wrrThroughTheEngineFollowsWeightsAndAWeightEdit() throws Exception {
        IpvsEngine engine = new IpvsEngine();
        IpAddress vip = IpAddress.parse("10.1.0.1");
        InetServiceKey key = new InetServiceKey(Protocol.TCP, vip, 80);
        engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wrr")));
        engine.execute(new IpvsCommand.AddServer(key, RealServer.of(IpAddress.parse("10.2.0.1"), 80, ForwardingMethod.MASQ, 3)));
        engine.execute(new IpvsCommand.AddServer(key, RealServer.of(IpAddress.parse("10.2.0.2"), 80, ForwardingMethod.MASQ, 1)));
        ServiceRuntime rt = engine.snapshot().service(key);
        FlowKey flow = new FlowKey();
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            DestinationState d = rt.schedule(flow.set(6, IpAddress.parse("192.0.2.1"), 1024 + i, vip, 80, 0));
            picks.merge(d.config().address().toString(), 1, Integer::sum);
        }
        assertThat(picks).containsEntry("10.2.0.1", 300).containsEntry("10.2.0.2", 100);

        engine.execute(new IpvsCommand.EditServer(key, RealServer.of(IpAddress.parse("10.2.0.1"), 80, ForwardingMethod.MASQ, 0)));
        for (int i = 0; i < 10; i++) {
            assertThat(rt.schedule(flow).config().address().toString()).isEqualTo("10.2.0.2");
        }
    }

    @Test
    void aRetryExcludesTheServerThatFailedWhateverTheScheduler() throws Exception {
        IpvsEngine engine = new IpvsEngine();
        IpAddress vip = IpAddress.parse("10.1.0.1");
        int port = 1000;
        for (String sched : engine.schedulerNames()) {
            InetServiceKey key = new InetServiceKey(Protocol.TCP, vip, port++);
            engine.execute(new IpvsCommand.AddService(VirtualService.of(key, sched)));
            for (int i = 1; i <= 3; i++) {
                engine.execute(new IpvsCommand.AddServer(key,
                        RealServer.of(IpAddress.parse("10.2.0." + i), key.port(), ForwardingMethod.MASQ, 1)));
            }
            ServiceRuntime rt = engine.snapshot().service(key);
            FlowKey flow = new FlowKey();
            for (int c = 0; c < 50; c++) {
                flow.set(6, IpAddress.parse("192.0.2." + (c % 7 + 1)), 2000 + c, vip, key.port(), c * 1_000_000L);
                DestinationState first = rt.schedule(flow);
                assertThat(first).as(sched).isNotNull();
                DestinationState retry = rt.schedule(flow, first);
                assertThat(retry).as(sched + " retry").isNotNull().isNotSameAs(first);
            }
        }
    }
}
