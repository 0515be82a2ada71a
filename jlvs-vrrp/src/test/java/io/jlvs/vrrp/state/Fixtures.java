package io.jlvs.vrrp.state;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import java.util.List;

final class Fixtures {
    static final long S = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final IpAddress ME = IpAddress.parse("10.0.0.1");
    static final IpAddress PEER = IpAddress.parse("10.0.0.2");
    static final IpAddress LOWER_PEER = IpAddress.parse("10.0.0.0");
    static final IpAddress VIP = IpAddress.parse("10.0.0.100");

    private Fixtures() {
    }

    static VrrpInstanceConfig.Builder v2(String name, int priority) {
        return VrrpInstanceConfig.builder(name, 51).priority(priority).primaryAddress(ME).virtualAddress(VIP);
    }

    static VrrpInstanceConfig.Builder v3(String name, int priority, int intervalCentis) {
        return v2(name, priority).version(VrrpVersion.V3).advertIntervalCentis(intervalCentis);
    }

    /** Actions other than timer bookkeeping, for comparing what a user would see. */
    static List<Action> visible(Transition t) {
        return t.actions().stream()
                .filter(a -> !(a instanceof Action.SetTimer) && !(a instanceof Action.CancelTimer)).toList();
    }

    static long timer(Transition t, VrrpTimer kind) {
        return t.actions(Action.SetTimer.class).stream().filter(s -> s.timer() == kind)
                .mapToLong(Action.SetTimer::atNanos).findFirst()
                .orElseThrow(() -> new AssertionError("no SetTimer " + kind + " in " + t.actions()));
    }

    /** Starts and runs the master-down timer out: returns the machine in MASTER and the time it got there. */
    static long toMaster(VrrpStateMachine m, long t0) {
        Transition s = m.start(t0);
        if (m.state() == VrrpState.MASTER) {
            return t0;
        }
        long at = timer(s, VrrpTimer.MASTER_DOWN);
        m.onTimer(at);
        if (m.state() != VrrpState.MASTER) {
            throw new AssertionError("not master: " + m.state());
        }
        return at;
    }
}
