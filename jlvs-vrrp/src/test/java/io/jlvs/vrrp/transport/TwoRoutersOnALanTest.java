package io.jlvs.vrrp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.VrrpInstance;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.state.Transition;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two instances, each a state machine plus the codec, talking over an in-memory LAN on a fake clock. */
class TwoRoutersOnALanTest {
    static final long S = 1_000_000_000L;
    static final IpAddress VIP = IpAddress.parse("10.0.0.100");
    static final IpAddress VIP6 = IpAddress.parse("fd00::100");

    record Event(long at, String node, VrrpState from, VrrpState to) {
    }

    /** Steps the nodes from timer to timer, delivering packets at once. */
    static final class Sim {
        final InMemoryVrrpLan lan = new InMemoryVrrpLan();
        final Map<String, VrrpInstance> nodes = new LinkedHashMap<>();
        final Map<String, IpAddress> addresses = new LinkedHashMap<>();
        final Map<String, Boolean> alive = new LinkedHashMap<>();
        final List<Event> events = new ArrayList<>();
        long now;

        VrrpInstance add(String node, String address, int priority, VrrpVersion version) {
            IpAddress a = IpAddress.parse(address);
            VrrpInstanceConfig cfg = VrrpInstanceConfig.builder("VI_1", 51).version(version).priority(priority)
                    .advertIntervalCentis(100).primaryAddress(a).virtualAddress(a.isV4() ? VIP : VIP6).build();
            VrrpInstance i = new VrrpInstance(cfg, version == VrrpVersion.V2 ? "secret" : null, lan.attach(a),
                    t -> record(node, t));
            nodes.put(node, i);
            addresses.put(node, a);
            alive.put(node, true);
            return i;
        }

        void record(String node, Transition t) {
            if (t.changed()) {
                events.add(new Event(now, node, t.from(), t.state()));
            }
        }

        void startAll() {
            nodes.values().forEach(n -> n.start(now));
        }

        /** The router dies: no graceful stop, no more packets either way. */
        void kill(String node) {
            alive.put(node, false);
            lan.setLinkUp(addresses.get(node), false);
        }

        void runUntil(long end) {
            while (true) {
                long next = Long.MAX_VALUE;
                for (var e : nodes.entrySet()) {
                    if (alive.get(e.getKey()) && e.getValue().nextDeadline().isPresent()) {
                        next = Math.min(next, e.getValue().nextDeadline().getAsLong());
                    }
                }
                if (next > end) {
                    now = end;
                    return;
                }
                now = Math.max(now, next);
                for (var e : nodes.entrySet()) {
                    if (alive.get(e.getKey())) {
                        e.getValue().onTimer(now);
                    }
                }
                deliver();
            }
        }

        void deliver() {
            for (int round = 0; round < 10; round++) {
                int handled = 0;
                for (var e : nodes.entrySet()) {
                    if (alive.get(e.getKey())) {
                        handled += e.getValue().receive(now).size();
                    }
                }
                if (handled == 0) {
                    return;
                }
            }
        }

        VrrpState state(String node) {
            return nodes.get(node).state();
        }
    }

    @Test
    void higherPriorityWinsAndTheOtherTakesOverWhenItDies() {
        Sim sim = new Sim();
        sim.add("a", "10.0.0.1", 150, VrrpVersion.V3);
        sim.add("b", "10.0.0.2", 100, VrrpVersion.V3);
        sim.startAll();
        sim.runUntil(60 * S);
        assertThat(sim.state("a")).isEqualTo(VrrpState.MASTER);
        assertThat(sim.state("b")).isEqualTo(VrrpState.BACKUP);
        // a became master once, at 3 s + skew(150) = 3 s + 106/256 s; b never did
        assertThat(sim.events).contains(new Event(3 * S + 414_062_000L, "a", VrrpState.BACKUP, VrrpState.MASTER));
        assertThat(sim.events).noneMatch(e -> e.node().equals("b") && e.to() == VrrpState.MASTER);
        assertThat(sim.nodes.get("b").counters().advertsReceived()).isGreaterThan(50);
        assertThat(sim.nodes.get("b").advertsSent()).isZero();

        long lastAdvert = sim.nodes.get("a").nextDeadline().getAsLong() - S;
        sim.kill("a");
        sim.runUntil(120 * S);
        assertThat(sim.state("b")).isEqualTo(VrrpState.MASTER);
        Event takeover = sim.events.getLast();
        assertThat(takeover.node()).isEqualTo("b");
        // within Master_Down_Interval = 3 * 1 s + (256 - 100) * 1 s / 256 of a's last advert
        assertThat(takeover.at() - lastAdvert).isEqualTo(3 * S + 609_375_000L);
    }

    @Test
    void gracefulStopHandsOverAfterSkewTimeOnly() {
        Sim sim = new Sim();
        sim.add("a", "10.0.0.1", 150, VrrpVersion.V2);
        sim.add("b", "10.0.0.2", 100, VrrpVersion.V2);
        sim.startAll();
        sim.runUntil(20 * S);
        long stopAt = sim.now;
        sim.nodes.get("a").stop(stopAt);
        sim.alive.put("a", false);
        sim.deliver();
        sim.runUntil(40 * S);
        Event takeover = sim.events.getLast();
        assertThat(takeover).isEqualTo(new Event(stopAt + 609_375_000L, "b", VrrpState.BACKUP, VrrpState.MASTER));
        assertThat(sim.nodes.get("b").counters().priorityZeroReceived()).isEqualTo(1);
    }

    @Test
    void aReturningHigherPriorityRouterPreemptsAndTheBackupStepsDown() {
        Sim sim = new Sim();
        sim.add("a", "10.0.0.1", 150, VrrpVersion.V3);
        sim.add("b", "10.0.0.2", 100, VrrpVersion.V3);
        sim.kill("a");
        sim.nodes.get("b").start(0);
        sim.runUntil(10 * S);
        assertThat(sim.state("b")).isEqualTo(VrrpState.MASTER);

        sim.alive.put("a", true);
        sim.lan.setLinkUp(IpAddress.parse("10.0.0.1"), true);
        sim.nodes.get("a").start(sim.now);
        sim.runUntil(30 * S);
        assertThat(sim.state("a")).isEqualTo(VrrpState.MASTER);
        assertThat(sim.state("b")).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void equalPrioritiesElectTheHigherAddress() {
        Sim sim = new Sim();
        sim.add("low", "10.0.0.1", 100, VrrpVersion.V3);
        sim.add("high", "10.0.0.2", 100, VrrpVersion.V3);
        sim.startAll();
        sim.runUntil(30 * S);
        assertThat(sim.state("high")).isEqualTo(VrrpState.MASTER);
        assertThat(sim.state("low")).isEqualTo(VrrpState.BACKUP);
    }

    @Test
    void ipv6RoutersElectAndFailOverToo() {
        Sim sim = new Sim();
        sim.add("a", "fe80::1", 200, VrrpVersion.V3);
        sim.add("b", "fe80::2", 100, VrrpVersion.V3);
        sim.startAll();
        sim.runUntil(30 * S);
        assertThat(sim.state("a")).isEqualTo(VrrpState.MASTER);
        assertThat(sim.state("b")).isEqualTo(VrrpState.BACKUP);
        assertThat(sim.nodes.get("b").counters().advertsReceived()).isGreaterThan(20);
        sim.kill("a");
        sim.runUntil(40 * S);
        assertThat(sim.state("b")).isEqualTo(VrrpState.MASTER);
    }
}
