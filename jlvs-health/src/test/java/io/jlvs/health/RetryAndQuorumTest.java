package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** keepalived's timing and pool rules, stepped on a manual clock. */
class RetryAndQuorumTest {

    private final ManualHealthTimer timer = new ManualHealthTimer();
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> notifies = new CopyOnWriteArrayList<>();
    private final CheckScheduler scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(42));

    private VirtualServerHealth vs(QuorumSettings quorum, SorryServer sorry) {
        return new VirtualServerHealth(Fixtures.VS, quorum, sorry, false, events::add,
                c -> notifies.add(c.commandLine()), new CheckLog(lines::add));
    }

    private static IpAddress rs(int i) {
        return IpAddress.parse("10.0.0." + i);
    }

    @Test
    void serverGoingDownIsDeclaredDownWithinTheRetryBound() {
        Duration delayLoop = Duration.ofSeconds(6);
        Duration connectTimeout = Duration.ofSeconds(3);
        Duration delayBeforeRetry = Duration.ofSeconds(2);
        int retry = 2;
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withDelayLoop(delayLoop)
                .withConnectTimeout(connectTimeout).withRetry(retry).withDelayBeforeRetry(delayBeforeRetry)
                .withWarmup(Duration.ZERO);
        for (int offset = 0; offset < 6000; offset += 750) {
            events.clear();
            FakeChecker checker = FakeChecker.following(timer, connectTimeout);
            VirtualServerHealth vs = vs(null, null);
            RealServerHealth rs = vs.addRealServer(rs(11), 80, 1, false, null, null,
                    List.of(new CheckerSpec(checker, t)));
            vs.start();
            scheduler.add(rs);
            timer.advance(Duration.ofSeconds(20).plusMillis(offset));
            assertThat(rs.isAlive()).isTrue();
            checker.serverUp = false;
            long wentDown = timer.nanoTime();
            Duration bound = delayLoop.plus(connectTimeout.multipliedBy(retry + 1))
                    .plus(delayBeforeRetry.multipliedBy(retry)).plusSeconds(1);
            while (rs.isAlive() && timer.nanoTime() - wentDown <= bound.toNanos() + 1) {
                timer.advance(Duration.ofMillis(100));
            }
            assertThat(rs.isAlive()).isFalse();
            assertThat(Duration.ofNanos(timer.nanoTime() - wentDown)).isLessThanOrEqualTo(bound);
            // and not before the retries were spent: at least (retry+1) failed attempts
            assertThat(events).last().isInstanceOf(RealServerDown.class);
            scheduler.remove(rs);
        }
        assertThat(lines).contains("TCP_CHECK on service [10.0.0.11]:tcp:80 failed after 2 retries.",
                "Removing service [10.0.0.11]:tcp:80 from VS [192.168.0.10]:tcp:80");
    }

    @Test
    void flappingServerFailingOneAttemptInThreeIsNeverRemoved() {
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withRetry(2).withDelayLoop(Duration.ofSeconds(1))
                .withDelayBeforeRetry(Duration.ofSeconds(1)).withConnectTimeout(Duration.ofMillis(500));
        FakeChecker checker = new FakeChecker(CheckerKind.TCP_CHECK, timer, Duration.ofMillis(500), n -> n % 3 != 2);
        VirtualServerHealth vs = vs(null, null);
        RealServerHealth rs = vs.addRealServer(rs(12), 80, 1, false, null, null, List.of(new CheckerSpec(checker, t)));
        vs.start();
        scheduler.add(rs);
        timer.advance(Duration.ofMinutes(10));
        assertThat(checker.attempts.get()).isGreaterThan(300);
        assertThat(events).containsExactly(new RealServerUp(Fixtures.VS, rs(12), 80, 1, false));
        assertThat(rs.isAlive()).isTrue();
    }

    @Test
    void alphaStartsDownUntilTheFirstSuccessAndWarmupDelaysTheFirstCheck() {
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withAlpha(true)
                .withDelayLoop(Duration.ofSeconds(10)).withWarmup(Duration.ofSeconds(10));
        FakeChecker checker = new FakeChecker(CheckerKind.TCP_CHECK, timer, Duration.ZERO, n -> true);
        VirtualServerHealth vs = vs(null, null);
        RealServerHealth rs = vs.addRealServer(rs(13), 80, 5, false, null, null, List.of(new CheckerSpec(checker, t)));
        vs.start();
        assertThat(events).isEmpty();
        scheduler.add(rs);
        assertThat(checker.attempts.get()).isZero();
        timer.advance(Duration.ofSeconds(10));
        assertThat(checker.attempts.get()).isEqualTo(1);
        assertThat(events).containsExactly(new RealServerUp(Fixtures.VS, rs(13), 80, 5, false));
        assertThat(lines).containsExactly("TCP connection to fake success.",
                "Adding service [10.0.0.13]:tcp:80 to VS [192.168.0.10]:tcp:80",
                "Gained quorum 1+0=1 <= 5 for VS [192.168.0.10]:tcp:80");
    }

    @Test
    void warmupIsSeededAndSpreadsFirstChecks() {
        List<Long> firstTimes = new ArrayList<>();
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withDelayLoop(Duration.ofSeconds(60));
        VirtualServerHealth vs = vs(null, null);
        List<RealServerHealth> servers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HealthChecker c = new HealthChecker() {
                @Override
                public CheckerKind kind() {
                    return CheckerKind.TCP_CHECK;
                }

                @Override
                public CheckOutcome check() {
                    firstTimes.add(timer.nanoTime());
                    return CheckOutcome.up("", Duration.ZERO);
                }
            };
            servers.add(vs.addRealServer(rs(100 + i), 80, 1, false, null, null, List.of(new CheckerSpec(c, t))));
        }
        vs.start();
        servers.forEach(scheduler::add);
        timer.advance(Duration.ofSeconds(60));
        assertThat(firstTimes).hasSize(20);
        assertThat(firstTimes.stream().distinct().count()).isGreaterThan(15);
        assertThat(firstTimes).allSatisfy(n -> assertThat(n).isBetween(0L, Duration.ofSeconds(60).toNanos()));
    }

    @Test
    void quorumScriptsRunOncePerCrossingNeverInsideTheHysteresisBand() {
        // 4 servers of weight 1, quorum 3, hysteresis 1: gained at >= 4, lost below 2
        QuorumSettings q = new QuorumSettings(3, 1, NotifyCommand.of("/bin/quorum up"),
                NotifyCommand.of("/bin/quorum down"));
        VirtualServerHealth vs = vs(q, null);
        List<RealServerHealth> servers = new ArrayList<>();
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withRetry(0);
        for (int i = 0; i < 4; i++) {
            servers.add(vs.addRealServer(rs(20 + i), 80, 1, false, null, null,
                    List.of(new CheckerSpec(new FakeChecker(CheckerKind.TCP_CHECK, null, Duration.ZERO, n -> true), t))));
        }
        vs.start();
        assertThat(vs.isQuorumUp()).isTrue();
        CheckOutcome fail = CheckOutcome.down("x", Duration.ZERO);
        CheckOutcome pass = CheckOutcome.up("x", Duration.ZERO);
        // oscillate between 4, 3 and 2 live: inside the band after the first drop, no script
        for (int round = 0; round < 5; round++) {
            servers.get(0).onOutcome(0, fail);
            servers.get(1).onOutcome(0, fail);
            servers.get(1).onOutcome(0, pass);
            servers.get(0).onOutcome(0, pass);
        }
        assertThat(notifies).isEmpty();
        servers.get(0).onOutcome(0, fail);
        servers.get(1).onOutcome(0, fail);
        servers.get(2).onOutcome(0, fail);
        assertThat(vs.isQuorumUp()).isFalse();
        assertThat(notifies).containsExactly("/bin/quorum down");
        assertThat(lines).contains("Lost quorum 3-1=2 > 1 for VS [192.168.0.10]:tcp:80");
        // back to 3 live: still below quorum + hysteresis, nothing
        servers.get(0).onOutcome(0, pass);
        servers.get(1).onOutcome(0, pass);
        assertThat(notifies).containsExactly("/bin/quorum down");
        servers.get(2).onOutcome(0, pass);
        assertThat(notifies).containsExactly("/bin/quorum down", "/bin/quorum up");
        assertThat(lines).contains("Gained quorum 3+1=4 <= 4 for VS [192.168.0.10]:tcp:80");
    }

    @Test
    void sorryServerReplacesTheRealServersWhileQuorumIsLost() {
        SorryServer sorry = new SorryServer(rs(99), 8080, false);
        VirtualServerHealth vs = vs(QuorumSettings.DEFAULT, sorry);
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withRetry(0);
        RealServerHealth a = vs.addRealServer(rs(31), 80, 1, false, null, null,
                List.of(new CheckerSpec(new FakeChecker(CheckerKind.TCP_CHECK, null, Duration.ZERO, n -> true), t)));
        vs.start();
        events.clear();
        a.onOutcome(0, CheckOutcome.down("x", Duration.ZERO));
        assertThat(vs.isSorryServerActive()).isTrue();
        assertThat(events).containsExactly(new RealServerDown(Fixtures.VS, rs(31), 80, false, false),
                new RealServerUp(Fixtures.VS, rs(99), 8080, 1, true));
        events.clear();
        a.onOutcome(0, CheckOutcome.up("x", Duration.ZERO));
        assertThat(vs.isSorryServerActive()).isFalse();
        assertThat(events).containsExactly(new RealServerDown(Fixtures.VS, rs(99), 8080, false, true),
                new RealServerUp(Fixtures.VS, rs(31), 80, 1, false));
        assertThat(lines).contains("Adding sorry server [10.0.0.99]:tcp:8080 to VS [192.168.0.10]:tcp:80",
                "Removing sorry server [10.0.0.99]:tcp:8080 from VS [192.168.0.10]:tcp:80");
    }

    @Test
    void inhibitOnFailureKeepsTheServerWithWeightZeroAndNotifiesRun() {
        VirtualServerHealth vs = vs(QuorumSettings.DEFAULT, null);
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withRetry(0);
        RealServerHealth a = vs.addRealServer(rs(41), 80, 3, true, NotifyCommand.of("/n up"),
                NotifyCommand.of("/n down"),
                List.of(new CheckerSpec(new FakeChecker(CheckerKind.TCP_CHECK, null, Duration.ZERO, n -> true), t)));
        vs.start();
        a.onOutcome(0, CheckOutcome.down("x", Duration.ZERO));
        a.onOutcome(0, CheckOutcome.up("x", Duration.ZERO));
        assertThat(events).containsExactly(new RealServerUp(Fixtures.VS, rs(41), 80, 3, false),
                new RealServerDown(Fixtures.VS, rs(41), 80, true, false),
                new RealServerUp(Fixtures.VS, rs(41), 80, 3, false));
        assertThat(lines).contains("Disabling service [10.0.0.41]:tcp:80 of VS [192.168.0.10]:tcp:80",
                "Enabling service [10.0.0.41]:tcp:80 of VS [192.168.0.10]:tcp:80");
        assertThat(notifies).containsExactly("/n down", "/n up");
    }

    @Test
    void weightsUpToIntMaxAreTakenAndDynamicOffsetsClampThereWithoutOverflow() {
        VirtualServerHealth vs = vs(QuorumSettings.DEFAULT, null);
        CheckTiming t = CheckTiming.defaults(CheckerKind.FILE_CHECK).withRetry(0);
        HealthChecker dummy = new FakeChecker(CheckerKind.FILE_CHECK, null, Duration.ZERO, n -> true);
        RealServerHealth a = vs.addRealServer(rs(61), 80, 3_000_000, false, null, null,
                List.of(new CheckerSpec(dummy, t), new CheckerSpec(dummy, t)));
        RealServerHealth top = vs.addRealServer(rs(62), 80, Integer.MAX_VALUE, false, null, null,
                List.of(new CheckerSpec(dummy, t)));
        vs.start();
        assertThat(top.weight()).isEqualTo(Integer.MAX_VALUE);
        assertThat(vs.liveWeight()).isEqualTo(3_000_000L + Integer.MAX_VALUE);
        events.clear();
        a.onOutcome(0, CheckOutcome.upWithOffset(Integer.MAX_VALUE, "", Duration.ZERO));
        assertThat(a.weight()).isEqualTo(Integer.MAX_VALUE);
        a.onOutcome(1, CheckOutcome.upWithOffset(-Integer.MAX_VALUE, "", Duration.ZERO));
        assertThat(a.weight()).isEqualTo(3_000_000);
        a.onOutcome(1, CheckOutcome.upWithOffset(Integer.MIN_VALUE, "", Duration.ZERO));
        assertThat(a.weight()).isEqualTo(Integer.MAX_VALUE + 3_000_000L + Integer.MIN_VALUE);
        a.onOutcome(0, CheckOutcome.upWithOffset(Integer.MIN_VALUE, "", Duration.ZERO));
        assertThat(a.weight()).isZero();
        top.onOutcome(0, CheckOutcome.upWithOffset(Integer.MAX_VALUE, "", Duration.ZERO));
        assertThat(top.weight()).isEqualTo(Integer.MAX_VALUE);
        assertThat(events).containsExactly(
                new RealServerWeightChanged(Fixtures.VS, rs(61), 80, 3_000_000, Integer.MAX_VALUE),
                new RealServerWeightChanged(Fixtures.VS, rs(61), 80, Integer.MAX_VALUE, 3_000_000),
                new RealServerWeightChanged(Fixtures.VS, rs(61), 80, 3_000_000, 2_999_999),
                new RealServerWeightChanged(Fixtures.VS, rs(61), 80, 2_999_999, 0));
        assertThat(lines).contains("Changing weight from 3000000 to 2147483647 for active service "
                + "[10.0.0.61]:tcp:80 of VS [192.168.0.10]:tcp:80");
    }

    @Test
    void aQuorumAboveIntMaxIsReachedByWeightsThatAddUpPastIt() {
        QuorumSettings q = new QuorumSettings(3_000_000_000L, 500_000_000L, null, null);
        VirtualServerHealth vs = vs(q, null);
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withRetry(0);
        List<RealServerHealth> servers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            servers.add(vs.addRealServer(rs(70 + i), 80, 2_000_000_000, false, null, null,
                    List.of(new CheckerSpec(new FakeChecker(CheckerKind.TCP_CHECK, null, Duration.ZERO, n -> true), t))));
        }
        vs.start();
        assertThat(vs.isQuorumUp()).isTrue();
        servers.get(0).onOutcome(0, CheckOutcome.down("x", Duration.ZERO));
        assertThat(vs.isQuorumUp()).isFalse();
        assertThat(lines).contains(
                "Lost quorum 3000000000-500000000=2500000000 > 2000000000 for VS [192.168.0.10]:tcp:80");
        servers.get(0).onOutcome(0, CheckOutcome.up("x", Duration.ZERO));
        assertThat(vs.isQuorumUp()).isTrue();
        assertThat(lines).contains(
                "Gained quorum 3000000000+500000000=3500000000 <= 4000000000 for VS [192.168.0.10]:tcp:80");
    }

    @Test
    void allCheckersMustPassAndDynamicWeightsChangeTheWeight() {
        VirtualServerHealth vs = vs(QuorumSettings.DEFAULT, null);
        CheckTiming t = CheckTiming.defaults(CheckerKind.MISC_CHECK).withRetry(0);
        HealthChecker dummy = new FakeChecker(CheckerKind.MISC_CHECK, null, Duration.ZERO, n -> true);
        RealServerHealth a = vs.addRealServer(rs(51), 80, 10, false, null, null,
                List.of(new CheckerSpec(dummy, t), new CheckerSpec(dummy, t)));
        vs.start();
        events.clear();
        a.onOutcome(0, CheckOutcome.upWithWeight(25, "succeeded", Duration.ZERO));
        assertThat(events).containsExactly(new RealServerWeightChanged(Fixtures.VS, rs(51), 80, 10, 25));
        assertThat(lines).contains(
                "Changing weight from 10 to 25 for active service [10.0.0.51]:tcp:80 of VS [192.168.0.10]:tcp:80");
        a.onOutcome(1, CheckOutcome.down("failed (exited with status 1)", Duration.ZERO));
        assertThat(a.isAlive()).isFalse();
        a.onOutcome(0, CheckOutcome.upWithWeight(25, "succeeded", Duration.ZERO));
        assertThat(a.isAlive()).isFalse();
        a.onOutcome(1, CheckOutcome.up("succeeded", Duration.ZERO));
        assertThat(a.isAlive()).isTrue();
        assertThat(events).last().isEqualTo(new RealServerUp(Fixtures.VS, rs(51), 80, 25, false));
    }
}
