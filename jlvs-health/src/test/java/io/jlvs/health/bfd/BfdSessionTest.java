package io.jlvs.health.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BfdSessionTest {
    private static final long MS = 1_000_000;

    private static BfdPair pair() {
        return new BfdPair(BfdPair.config("a", "10.0.0.2"), BfdPair.config("b", "10.0.0.1"));
    }

    @Test
    void threeWayHandshakeBringsBothSidesUp() {
        BfdPair p = pair();
        p.start();
        p.runFor(10 * MS);
        assertThat(p.a.state()).isEqualTo(BfdState.UP);
        assertThat(p.b.state()).isEqualTo(BfdState.UP);
        // both start at once: each hears the other's Down (→ Init), then the other's Init (→ Up)
        assertThat(p.changes).extracting(c -> c.session() + ":" + c.from() + "->" + c.to())
                .containsExactly("b:Down->Init", "a:Down->Init", "a:Init->Up", "b:Init->Up");
        assertThat(p.a.remoteDiscriminator()).isEqualTo(p.b.localDiscriminator());
        assertThat(p.b.remoteDiscriminator()).isEqualTo(p.a.localDiscriminator());
        assertThat(p.a.diag()).isEqualTo(BfdDiag.NONE);
    }

    @Test
    void downToInitOnlyOnDownAndInitToUpOnInitOrUp() throws Exception {
        List<BfdState> seen = new ArrayList<>();
        BfdSession s = new BfdSession(BfdPair.config("s", "10.0.0.2"), 5, new SplittableRandom(1), (x, pk) -> { },
                (x, from, to, d) -> seen.add(to));
        s.start(0);
        s.receive(packet(BfdState.UP, 9, 5), 255, 1);   // Up in Down: ignored
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
        s.receive(packet(BfdState.DOWN, 9, 0), 255, 2);
        assertThat(s.state()).isEqualTo(BfdState.INIT);
        s.receive(packet(BfdState.DOWN, 9, 5), 255, 3);  // Down in Init: stays Init
        assertThat(s.state()).isEqualTo(BfdState.INIT);
        s.receive(packet(BfdState.UP, 9, 5), 255, 4);
        assertThat(s.state()).isEqualTo(BfdState.UP);
        s.receive(packet(BfdState.INIT, 9, 5), 255, 5);  // Init in Up: stays Up
        assertThat(s.state()).isEqualTo(BfdState.UP);
        assertThat(seen).containsExactly(BfdState.INIT, BfdState.UP);
    }

    @Test
    void downInInitGoesUpOnInit() throws Exception {
        BfdSession s = session(false);
        s.receive(packet(BfdState.DOWN, 9, 0), 255, 1);
        s.receive(packet(BfdState.INIT, 9, 5), 255, 2);
        assertThat(s.state()).isEqualTo(BfdState.UP);
    }

    @Test
    void neighborSignallingDownOrAdminDownTakesUpSessionDownWithDiag3() throws Exception {
        for (BfdState remote : new BfdState[] {BfdState.DOWN, BfdState.ADMIN_DOWN}) {
            BfdSession s = session(false);
            s.receive(packet(BfdState.DOWN, 9, 0), 255, 1);
            s.receive(packet(BfdState.UP, 9, 5), 255, 2);
            s.receive(packet(remote, 9, 5), 255, 3);
            assertThat(s.state()).as("on %s", remote).isEqualTo(BfdState.DOWN);
            assertThat(s.diag()).isEqualTo(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN);
        }
    }

    @Test
    void adminDownInDownStaysDownWithoutDiag() throws Exception {
        BfdSession s = session(false);
        s.receive(packet(BfdState.ADMIN_DOWN, 9, 0), 255, 1);
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
        assertThat(s.diag()).isEqualTo(BfdDiag.NONE);
    }

    @Test
    void detectionTimeIsRemoteMultiplierTimesNegotiatedInterval() {
        BfdSessionConfig ca = BfdPair.config("a", "10.0.0.2").withTimers(20_000, 50_000, 1_000_000, 3);
        BfdSessionConfig cb = BfdPair.config("b", "10.0.0.1").withTimers(100_000, 30_000, 1_000_000, 4);
        BfdPair p = new BfdPair(ca, cb);
        p.start();
        p.runFor(3000 * MS);
        assertThat(p.a.state()).isEqualTo(BfdState.UP);
        // a detects b: b's mult (4) x max(a's min_rx 20 ms, b's min_tx 30 ms) = 120 ms
        assertThat(p.a.detectionTimeMicros()).isEqualTo(120_000);
        // b detects a: a's mult (3) x max(b's min_rx 100 ms, a's min_tx 50 ms) = 300 ms
        assertThat(p.b.detectionTimeMicros()).isEqualTo(300_000);
        // a sends every max(50 ms, b's min_rx 100 ms), jittered
        assertThat(p.a.transmitIntervalMicros()).isEqualTo(100_000);

        p.bToA = false;
        long cut = p.now;
        p.runFor(1000 * MS);
        BfdPair.Change down = p.changes.stream().filter(c -> c.session().equals("a") && c.to() == BfdState.DOWN)
                .findFirst().orElseThrow();
        assertThat(down.diag()).isEqualTo(BfdDiag.CONTROL_DETECTION_TIME_EXPIRED);
        // the last packet from b arrived at most one of b's intervals (30 ms) before the cut
        assertThat(down.at() - cut).isBetween(120 * MS - 30 * MS, 120 * MS);
        // b then hears a's Down (diag 1) and follows with diag 3
        assertThat(p.b.state()).isEqualTo(BfdState.DOWN);
        assertThat(p.b.diag()).isEqualTo(BfdDiag.NEIGHBOR_SIGNALED_SESSION_DOWN);
    }

    @Test
    void downToUpWhenTheRemoteIsAlreadyInInit() {
        BfdPair p = pair();
        p.bToA = false;
        p.b.start(0);
        p.a.start(0);
        p.runFor(10 * MS);
        assertThat(p.b.state()).isEqualTo(BfdState.INIT);
        p.bToA = true;
        p.runFor(2000 * MS);
        assertThat(p.changes).extracting(c -> c.session() + ":" + c.from() + "->" + c.to())
                .containsExactly("b:Down->Init", "a:Down->Up", "b:Init->Up");
    }

    @Test
    void periodicPacketsAreJitteredBetween75And100Percent() {
        BfdPair p = pair();
        p.start();
        p.runFor(3000 * MS);
        long from = p.now;
        p.runFor(2000 * MS);
        List<Long> times = p.sendTimes(p.a, from);
        assertThat(times.size()).isGreaterThan(100);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isBetween(7_500_000L, 10_000_000L);
        }
        assertThat(times.stream().distinct().count()).isGreaterThan(1);
    }

    @Test
    void multiplierOfOneJittersBetween75And90Percent() {
        BfdPair p = new BfdPair(BfdPair.config("a", "10.0.0.2").withTimers(10_000, 10_000, 1_000_000, 1),
                BfdPair.config("b", "10.0.0.1"));
        p.start();
        p.runFor(3000 * MS);
        long from = p.now;
        p.runFor(1000 * MS);
        List<Long> times = p.sendTimes(p.a, from);
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).isBetween(7_500_000L, 9_000_000L);
        }
    }

    @Test
    void slowRateUntilUpThenPollSequenceToMinTx() {
        BfdPair p = pair();
        p.aToB = false;
        p.a.start(0);
        // alone, a sends about once a second (idle_tx), never faster
        p.runFor(5000 * MS);
        p.aToB = true;
        List<Long> alone = p.sendTimes(p.a, 0);
        assertThat(alone).hasSizeBetween(5, 7);
        assertThat(p.sentBy(p.a)).allSatisfy(pk -> assertThat(pk.desiredMinTxMicros()).isEqualTo(1_000_000));
        p.b.start(p.now);
        p.runFor(2000 * MS);
        assertThat(p.a.state()).isEqualTo(BfdState.UP);
        // once Up, a advertises min_tx with P set until b's F; then P is off
        List<BfdPacket> aPackets = p.sentBy(p.a);
        BfdPacket firstUp = aPackets.stream().filter(pk -> pk.state() == BfdState.UP).findFirst().orElseThrow();
        assertThat(firstUp.poll()).isTrue();
        assertThat(firstUp.desiredMinTxMicros()).isEqualTo(10_000);
        assertThat(p.sentBy(p.b)).anySatisfy(pk -> assertThat(pk.fin()).isTrue());
        assertThat(p.a.pollPending()).isFalse();
        assertThat(aPackets.getLast().poll()).isFalse();
        assertThat(p.a.transmitIntervalMicros()).isEqualTo(10_000);
        assertThat(aPackets).noneSatisfy(pk -> assertThat(pk.poll() && pk.fin()).isTrue());
    }

    @Test
    void pollIsAnsweredAtOnceWithFinal() throws Exception {
        List<BfdPacket> out = new ArrayList<>();
        BfdSession s = new BfdSession(BfdPair.config("s", "10.0.0.2"), 5, new SplittableRandom(1),
                (x, pk) -> out.add(pk), (x, f, t, d) -> { });
        s.start(0);
        out.clear();
        s.receive(new BfdPacket(BfdDiag.NONE, BfdState.DOWN, true, false, false, false, false, false, 3, 24, 9, 0,
                1_000_000, 10_000, 0), 255, 1);
        assertThat(out).anySatisfy(pk -> {
            assertThat(pk.fin()).isTrue();
            assertThat(pk.poll()).isFalse();
        });
    }

    @Test
    void finalEndsPollAndAppliesIncreaseOfTxWhileUp() throws Exception {
        BfdSession s = session(false);
        s.receive(packet(BfdState.DOWN, 9, 0), 255, 1);
        s.receive(packet(BfdState.UP, 9, 5), 255, 2);
        assertThat(s.pollPending()).isTrue();
        s.receive(new BfdPacket(BfdDiag.NONE, BfdState.UP, false, true, false, false, false, false, 3, 24, 9, 5,
                10_000, 10_000, 0), 255, 3);
        assertThat(s.pollPending()).isFalse();
        assertThat(s.transmitIntervalMicros()).isEqualTo(10_000);
    }

    @Test
    void remoteRequiredMinRxZeroStopsPeriodicPackets() throws Exception {
        List<Long> at = new ArrayList<>();
        long[] now = {0};
        BfdSession s = new BfdSession(BfdPair.config("s", "10.0.0.2"), 5, new SplittableRandom(1),
                (x, pk) -> at.add(now[0]), (x, f, t, d) -> { });
        s.start(0);
        s.receive(new BfdPacket(BfdDiag.NONE, BfdState.DOWN, false, false, false, false, false, false, 3, 24, 9, 0,
                1_000_000, 0, 0), 255, 1);
        int before = at.size();
        for (now[0] = 0; now[0] < 2_000 * MS; now[0] += MS) {
            s.tick(now[0]);
        }
        assertThat(at).hasSize(before);
        assertThat(s.transmitIntervalMicros()).isZero();
    }

    @Test
    void passiveSessionSendsNothingUntilItHearsTheRemote() {
        BfdPair p = new BfdPair(BfdPair.config("a", "10.0.0.2"), BfdPair.config("b", "10.0.0.1").withPassive(true));
        p.b.start(0);
        p.runFor(5000 * MS);
        assertThat(p.wire).isEmpty();
        p.a.start(p.now);
        p.runFor(100 * MS);
        assertThat(p.a.state()).isEqualTo(BfdState.UP);
        assertThat(p.b.state()).isEqualTo(BfdState.UP);
    }

    @Test
    void detectionTimeInDownForgetsTheRemote() throws Exception {
        BfdSession s = session(false);
        s.receive(packet(BfdState.ADMIN_DOWN, 9, 0), 255, 0);
        assertThat(s.remoteDiscriminator()).isEqualTo(9);
        for (long t = 0; t < 20_000 * MS; t += 10 * MS) {
            s.tick(t);
        }
        assertThat(s.remoteDiscriminator()).isZero();
    }

    @Test
    void sessionReceiveChecksAreCountedByReason() throws Exception {
        BfdSession s = session(false);
        assertDrop(s, packet(BfdState.DOWN, 9, 77), 255, BfdDropReason.UNKNOWN_YOUR_DISCRIMINATOR);
        assertDrop(s, packet(BfdState.INIT, 9, 0), 255, BfdDropReason.ZERO_YOUR_DISCRIMINATOR);
        assertDrop(s, packet(BfdState.UP, 9, 0), 255, BfdDropReason.ZERO_YOUR_DISCRIMINATOR);
        assertDrop(s, packet(BfdState.DOWN, 9, 0), 254, BfdDropReason.TTL);
        assertDrop(s, new BfdPacket(BfdDiag.NONE, BfdState.DOWN, false, false, false, true, false, false, 3, 26, 9, 0,
                1, 1, 0), 255, BfdDropReason.AUTHENTICATION);
        assertThat(s.drops().snapshot()).containsEntry(BfdDropReason.ZERO_YOUR_DISCRIMINATOR, 2L)
                .containsEntry(BfdDropReason.UNKNOWN_YOUR_DISCRIMINATOR, 1L).containsEntry(BfdDropReason.TTL, 1L)
                .containsEntry(BfdDropReason.AUTHENTICATION, 1L);
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
        assertThat(s.packetsReceived()).isZero();
        s.receive(packet(BfdState.DOWN, 9, 0), 255, 1);
        assertThat(s.packetsReceived()).isEqualTo(1);
    }

    @Test
    void maxHopsLowersTheRequiredTtlAnd255DisablesIt() throws Exception {
        BfdSessionConfig base = BfdPair.config("s", "10.0.0.2");
        BfdSessionConfig twoHops = new BfdSessionConfig("s", base.neighbor(), null, 10_000, 10_000, 1_000_000, 5,
                false, 255, 2);
        BfdSession s = new BfdSession(twoHops, 5, new SplittableRandom(1), (x, pk) -> { }, (x, f, t, d) -> { });
        assertDrop(s, packet(BfdState.DOWN, 9, 0), 252, BfdDropReason.TTL);
        s.receive(packet(BfdState.DOWN, 9, 0), 253, 1);
        BfdSessionConfig off = new BfdSessionConfig("s", base.neighbor(), null, 10_000, 10_000, 1_000_000, 5,
                false, 255, 255);
        BfdSession t = new BfdSession(off, 5, new SplittableRandom(1), (x, pk) -> { }, (x, f, u, d) -> { });
        t.receive(packet(BfdState.DOWN, 9, 0), 1, 1);
        assertThat(t.state()).isEqualTo(BfdState.INIT);
        assertThat(BfdSessionConfig.defaults("v6", IpAddress.parse("fd00::1")).ttl()).isEqualTo(64);
    }

    @Test
    void adminDownIsSentAndIgnoresTheRemote() throws Exception {
        List<BfdPacket> out = new ArrayList<>();
        BfdSession s = new BfdSession(BfdPair.config("s", "10.0.0.2"), 5, new SplittableRandom(1),
                (x, pk) -> out.add(pk), (x, f, t, d) -> { });
        s.start(0);
        s.adminDown(true, 1);
        assertThat(out.getLast().state()).isEqualTo(BfdState.ADMIN_DOWN);
        assertThat(out.getLast().diag()).isEqualTo(BfdDiag.ADMINISTRATIVELY_DOWN);
        s.receive(packet(BfdState.DOWN, 9, 0), 255, 2);
        assertThat(s.state()).isEqualTo(BfdState.ADMIN_DOWN);
        s.adminDown(false, 3);
        assertThat(s.state()).isEqualTo(BfdState.DOWN);
    }

    @Test
    void zeroLocalDiscriminatorIsRefused() {
        assertThatThrownBy(() -> new BfdSession(BfdPair.config("s", "10.0.0.2"), 0, new SplittableRandom(1),
                (x, pk) -> { }, (x, f, t, d) -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDrop(BfdSession s, BfdPacket p, int ttl, BfdDropReason reason) {
        assertThatThrownBy(() -> s.receive(p, ttl, 0)).isInstanceOfSatisfying(BfdDropException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static BfdSession session(boolean passive) {
        BfdSession s = new BfdSession(BfdPair.config("s", "10.0.0.2").withPassive(passive), 5, new SplittableRandom(1),
                (x, pk) -> { }, (x, f, t, d) -> { });
        s.start(0);
        return s;
    }

    private static BfdPacket packet(BfdState state, int my, int your) {
        return BfdPacket.control(BfdDiag.NONE, state, false, false, 3, my, your, 10_000, 10_000);
    }
}
