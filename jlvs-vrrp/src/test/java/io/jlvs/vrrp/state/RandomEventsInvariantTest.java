package io.jlvs.vrrp.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.notify.NotifyEvent;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs (adverts of any priority from a few peers, timers, tracker flips, priority changes,
 * stop/start) against invariants a driver relies on. The seed is in the failure message.
 */
class RandomEventsInvariantTest {
    static final long S = 1_000_000_000L;
    static final List<IpAddress> PEERS = List.of(IpAddress.parse("10.0.0.0"), IpAddress.parse("10.0.0.2"),
            IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.9"));

    /** What a driver would hold, rebuilt from the actions only. */
    static final class Driver {
        final Map<VrrpTimer, Long> timers = new EnumMap<>(VrrpTimer.class);
        boolean vipsUp;
        VrrpState lastNotified;

        void apply(Transition t, Supplier<String> c) {
            for (Action a : t.actions()) {
                switch (a) {
                    case Action.AddVips x -> {
                        assertThat(vipsUp).as(() -> c.get() + ": ADD_VIPS twice without REMOVE_VIPS").isFalse();
                        vipsUp = true;
                    }
                    case Action.RemoveVips x -> {
                        assertThat(vipsUp).as(() -> c.get() + ": REMOVE_VIPS without ADD_VIPS").isTrue();
                        vipsUp = false;
                    }
                    case Action.SendGarp x -> assertThat(vipsUp).as(() -> c.get() + ": GARP without VIPs").isTrue();
                    case Action.SetTimer s -> timers.put(s.timer(), s.atNanos());
                    case Action.CancelTimer cancel -> timers.remove(cancel.timer());
                    case Action.Notify n -> {
                        if (n.event().isState()) {
                            lastNotified = VrrpState.valueOf(n.event().name());
                        }
                    }
                    default -> {
                    }
                }
            }
        }
    }

    @Test
    void singleInstanceInvariantsHoldUnderRandomEvents() {
        for (long seed = 1; seed <= 100; seed++) {
            runSingle(seed);
        }
    }

    void runSingle(long seed) {
        Random rnd = new Random(seed);
        VrrpInstanceConfig.Builder b = VrrpInstanceConfig.builder("VI_R", 7)
                .version(rnd.nextBoolean() ? VrrpVersion.V2 : VrrpVersion.V3)
                .priority(rnd.nextInt(10) == 0 ? 255 : 1 + rnd.nextInt(254))
                .primaryAddress(IpAddress.parse("10.0.0.1")).virtualAddress(IpAddress.parse("10.0.0.100"))
                .track(VrrpTracker.weighted("w", rnd.nextInt(100) - 50)).track(VrrpTracker.unweighted("f"))
                .garpMasterRefreshNanos(rnd.nextBoolean() ? 7 * S : 0);
        if (rnd.nextInt(3) == 0) {
            b.nopreempt();
        } else if (rnd.nextInt(3) == 0) {
            b.preemptDelayNanos(rnd.nextInt(5) * S);
        }
        VrrpInstanceConfig cfg = b.build();
        VrrpStateMachine m = new VrrpStateMachine(cfg);
        Driver d = new Driver();
        long now = 0;
        boolean wUp = true;
        boolean fUp = true;
        String ctx = "seed " + seed;
        d.apply(m.start(now), () -> ctx);
        for (int step = 0; step < 300; step++) {
            int kind = rnd.nextInt(100);
            Transition t;
            VrrpState before = m.state();
            if (kind < 35) {
                long later = now + rnd.nextInt(2 * (int) (S / 1000)) * 1000L;
                // a driver fires the timers that fall due before the packet arrives
                while (m.nextDeadline().isPresent() && m.nextDeadline().getAsLong() <= later) {
                    now = Math.max(now, m.nextDeadline().getAsLong());
                    VrrpState was = m.state();
                    Transition due = m.onTimer(now);
                    final int st = step;
                    Supplier<String> c = () -> ctx + " step " + st + " (timer) " + was + "->" + due.state() + " " + due.actions();
                    d.apply(due, c);
                    check(m, due, d, was, now, c);
                }
                now = later;
                before = m.state();
                t = m.onAdvert(now, rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(256), PEERS.get(rnd.nextInt(PEERS.size())),
                        1 + rnd.nextInt(300));
            } else if (kind < 75) {
                var next = m.nextDeadline();
                now = next.isPresent() && rnd.nextInt(4) != 0 ? Math.max(now, next.getAsLong()) : now + S / 3;
                t = m.onTimer(now);
            } else if (kind < 85) {
                wUp = !wUp;
                t = m.onTracker(now, "w", wUp);
            } else if (kind < 93) {
                fUp = rnd.nextInt(3) != 0;
                t = m.onTracker(now, "f", fUp);
            } else if (kind < 96) {
                t = m.setBasePriority(now, 1 + rnd.nextInt(255));
            } else if (kind < 98) {
                t = m.stop(now);
            } else {
                t = m.start(now);
            }
            final int st = step;
            final VrrpState bf = before;
            final Transition tt = t;
            Supplier<String> c = () -> ctx + " step " + st + " " + bf + "->" + tt.state() + " " + tt.actions();
            d.apply(t, c);
            check(m, t, d, before, now, c);
        }
    }

    static void check(VrrpStateMachine m, Transition t, Driver d, VrrpState before, long now, Supplier<String> c) {
        assertThat(t.from()).as(c).isEqualTo(before);
        assertThat(t.state()).as(c).isEqualTo(m.state());
        assertThat(d.vipsUp).as(() -> c.get() + ": VIPs are up exactly while MASTER").isEqualTo(m.state() == VrrpState.MASTER);
        switch (m.state()) {
            case MASTER -> {
                assertThat(d.timers).as(() -> c.get() + ": a MASTER has an advert timer").containsKey(VrrpTimer.ADVERT);
                assertThat(d.timers).as(c).doesNotContainKey(VrrpTimer.MASTER_DOWN);
                assertThat(d.timers.get(VrrpTimer.ADVERT)).as(c).isGreaterThan(now);
            }
            case BACKUP -> {
                assertThat(d.timers).as(() -> c.get() + ": a BACKUP has a master-down timer").containsKey(VrrpTimer.MASTER_DOWN);
                assertThat(d.timers).as(c).doesNotContainKeys(VrrpTimer.ADVERT, VrrpTimer.GARP_DELAY);
            }
            default -> assertThat(d.timers).as(() -> c.get() + ": no timers in " + m.state()).isEmpty();
        }
        for (VrrpTimer k : VrrpTimer.values()) {
            assertThat(m.deadline(k).isPresent() ? m.deadline(k).getAsLong() : null).as(c).isEqualTo(d.timers.get(k));
        }
        if (t.changed()) {
            assertThat(d.lastNotified).as(() -> c.get() + ": the new state is notified").isEqualTo(m.state());
        } else {
            assertThat(t.actions(Action.Notify.class)).as(() -> c.get() + ": no state notify without a change")
                    .noneMatch(n -> n.event().isState());
        }
        for (Action.SendAdvert s : t.actions(Action.SendAdvert.class)) {
            assertThat(s.priority()).as(c).isIn(0, m.effectivePriority());
        }
        if (m.basePriority() != 255) {
            assertThat(m.effectivePriority()).as(c).isBetween(1, 254);
        }
        if (m.ownFault() && m.state() != VrrpState.STOP && m.state() != VrrpState.INIT) {
            assertThat(m.state()).as(() -> c.get() + ": a failed unweighted tracker means FAULT").isEqualTo(VrrpState.FAULT);
        }
    }

    @Test
    void syncGroupMembersAlwaysShareAState() {
        for (long seed = 1; seed <= 50; seed++) {
            Random rnd = new Random(seed);
            VrrpStateMachine a = new VrrpStateMachine(VrrpInstanceConfig.builder("VI_A", 1).priority(1 + rnd.nextInt(254))
                    .primaryAddress(IpAddress.parse("10.0.0.1")).virtualAddress(IpAddress.parse("10.0.0.100"))
                    .track(VrrpTracker.unweighted("fa")).build());
            VrrpStateMachine b = new VrrpStateMachine(VrrpInstanceConfig.builder("VI_B", 2).priority(1 + rnd.nextInt(254))
                    .primaryAddress(IpAddress.parse("10.1.0.1")).virtualAddress(IpAddress.parse("10.1.0.100"))
                    .track(VrrpTracker.unweighted("fb")).build());
            SyncGroup g = new SyncGroup("G", List.of(a, b));
            Map<String, Driver> drivers = Map.of("VI_A", new Driver(), "VI_B", new Driver());
            long now = 0;
            final long sd = seed;
            apply(g.start(now), drivers, () -> "seed " + sd);
            boolean fa = true;
            boolean fb = true;
            for (int step = 0; step < 300; step++) {
                int kind = rnd.nextInt(100);
                SyncStep s;
                String who = rnd.nextBoolean() ? "VI_A" : "VI_B";
                if (kind < 40) {
                    now += rnd.nextInt(1000) * 1_000_000L;
                    s = g.onAdvert(who, now, rnd.nextInt(256), PEERS.get(rnd.nextInt(PEERS.size())), 100);
                } else if (kind < 85) {
                    var next = g.nextDeadline();
                    now = next.isPresent() ? Math.max(now, next.getAsLong()) : now + S;
                    s = g.onTimer(now);
                } else if (who.equals("VI_A")) {
                    fa = !fa;
                    s = g.onTracker(who, now, "fa", fa);
                } else {
                    fb = !fb;
                    s = g.onTracker(who, now, "fb", fb);
                }
                final int st = step;
                final SyncStep ss = s;
                Supplier<String> c = () -> "seed " + sd + " step " + st + " " + ss;
                apply(s, drivers, c);
                assertThat(a.state()).as(() -> c.get() + ": members move together").isEqualTo(b.state());
                assertThat(g.state()).as(c).isEqualTo(a.state());
                for (VrrpStateMachine m : g.members()) {
                    Driver d = drivers.get(m.name());
                    assertThat(d.vipsUp).as(c).isEqualTo(m.state() == VrrpState.MASTER);
                    if (m.state() == VrrpState.MASTER) {
                        assertThat(d.timers).as(c).containsKey(VrrpTimer.ADVERT);
                    }
                    assertThat(d.lastNotified).as(c).isEqualTo(m.state());
                }
            }
        }
    }

    static void apply(SyncStep s, Map<String, Driver> drivers, Supplier<String> c) {
        for (Transition t : s.transitions()) {
            drivers.get(t.instance()).apply(t, c);
        }
        assertThat(s.groupActions().stream().filter(a -> a instanceof Action.Notify).count()).as(c).isLessThanOrEqualTo(1);
        if (!s.groupActions().isEmpty()) {
            assertThat(s.groupActions()).as(c).contains(new Action.Notify(NotifyEvent.valueOf(s.groupState().name()), 0));
        }
    }
}
