package io.jlvs.health.bfd;

import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Two sessions joined by a lossless, zero-delay link that can be cut, stepped by a fake clock. */
final class BfdPair {
    record Sent(long at, BfdSession from, BfdPacket packet) {
    }

    record Change(long at, String session, BfdState from, BfdState to, BfdDiag diag) {
    }

    final List<Sent> wire = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();
    final BfdSession a;
    final BfdSession b;
    long now;
    boolean aToB = true;
    boolean bToA = true;
    private final List<Sent> inFlight = new ArrayList<>();

    BfdPair(BfdSessionConfig ca, BfdSessionConfig cb) {
        SplittableRandom random = new SplittableRandom(7);
        BfdStateListener l = (s, from, to, diag) -> changes.add(new Change(now, s.name(), from, to, diag));
        a = new BfdSession(ca, 0x1111, random.split(), this::onSend, l);
        b = new BfdSession(cb, 0x2222, random.split(), this::onSend, l);
    }

    static BfdSessionConfig config(String name, String neighbor) {
        return BfdSessionConfig.defaults(name, IpAddress.parse(neighbor));
    }

    private void onSend(BfdSession from, BfdPacket p) {
        Sent s = new Sent(now, from, p);
        wire.add(s);
        if (from == a ? aToB : bToA) {
            inFlight.add(s);
        }
    }

    void start() {
        a.start(now);
        b.start(now);
        deliver();
    }

    /** Advances the clock to {@code until} (nanoseconds), firing every deadline on the way. */
    void runUntil(long until) {
        deliver();
        while (true) {
            long next = Math.min(a.nextDeadline(), b.nextDeadline());
            if (next > until) {
                now = until;
                return;
            }
            now = Math.max(now, next);
            a.tick(now);
            b.tick(now);
            deliver();
        }
    }

    void runFor(long nanos) {
        runUntil(now + nanos);
    }

    private void deliver() {
        while (!inFlight.isEmpty()) {
            Sent s = inFlight.removeFirst();
            BfdSession to = s.from() == a ? b : a;
            try {
                to.receive(BfdPacket.decode(s.packet().encode(), BfdPacket.MANDATORY_LENGTH), 255, now);
            } catch (BfdDropException e) {
                throw new AssertionError("dropped " + e.reason(), e);
            }
        }
    }

    List<BfdPacket> sentBy(BfdSession s) {
        return wire.stream().filter(w -> w.from() == s).map(Sent::packet).toList();
    }

    List<Long> sendTimes(BfdSession s, long after) {
        return wire.stream().filter(w -> w.from() == s && w.at() >= after && !w.packet().fin()).map(Sent::at).toList();
    }
}
