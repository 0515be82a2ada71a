package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * keepalived's rules for a checker's first attempt (check_data.c starts retry_it at retry; ipwrapper.c
 * update_svr_checker_state runs the notifiers of an alpha checker's first failure), on a manual clock.
 */
class FirstAttemptTest {

    private static final IpAddress RS = IpAddress.parse("10.0.0.21");
    private static final String RS_LABEL = "[10.0.0.21]:tcp:80";

    private final ManualHealthTimer timer = new ManualHealthTimer();
    private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> notifies = new CopyOnWriteArrayList<>();
    private final CheckScheduler scheduler = new CheckScheduler(timer, Runnable::run, new SplittableRandom(1));

    private RealServerHealth start(HealthChecker checker, CheckTiming timing) {
        VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, events::add,
                c -> notifies.add(c.commandLine()), new CheckLog(lines::add));
        RealServerHealth rs = vs.addRealServer(RS, 80, 1, false, NotifyCommand.of("/bin/up.sh 10.0.0.21"),
                NotifyCommand.of("/bin/down.sh 10.0.0.21"), List.of(new CheckerSpec(checker, timing)));
        vs.start();
        scheduler.add(rs);
        return rs;
    }

    private static CheckTiming timing(CheckerKind kind) {
        return CheckTiming.defaults(kind).withRetry(2).withDelayBeforeRetry(Duration.ofSeconds(1))
                .withDelayLoop(Duration.ofSeconds(10)).withConnectTimeout(Duration.ofSeconds(1))
                .withWarmup(Duration.ZERO);
    }

    @Test
    void aServerDeadAtStartIsTakenOutByTheFirstFailureWithoutRetries() {
        FakeChecker checker = new FakeChecker(CheckerKind.TCP_CHECK, timer, Duration.ofSeconds(1), n -> false);
        RealServerHealth rs = start(checker, timing(CheckerKind.TCP_CHECK));
        timer.advance(Duration.ofMillis(1500));
        assertThat(checker.attempts.get()).isEqualTo(1);
        assertThat(rs.isAlive()).isFalse();
        assertThat(events).last().isEqualTo(new RealServerDown(Fixtures.VS, RS, 80, false, false));
        assertThat(lines).contains("TCP_CHECK on service " + RS_LABEL + " failed.");
        assertThat(notifies).containsExactly("/bin/down.sh 10.0.0.21");
    }

    @Test
    void onceUpAFailureIsRetriedAgain() {
        FakeChecker checker = new FakeChecker(CheckerKind.TCP_CHECK, timer, Duration.ofSeconds(1), n -> n == 0);
        RealServerHealth rs = start(checker, timing(CheckerKind.TCP_CHECK));
        timer.advance(Duration.ofSeconds(10)); // attempt 0 passes, attempt 1 (at 10 s) fails and is retried
        assertThat(rs.isAlive()).isTrue();
        timer.advance(Duration.ofSeconds(5));
        assertThat(checker.attempts.get()).isEqualTo(4);
        assertThat(rs.isAlive()).isFalse();
        assertThat(lines).contains("TCP_CHECK on service " + RS_LABEL + " failed after 2 retries.");
    }

    @Test
    void aDownTcpCheckKeepsProbingAtDelayBeforeRetryThenDelayLoop() {
        List<Long> attemptsAt = new CopyOnWriteArrayList<>();
        HealthChecker dead = new HealthChecker() {
            @Override
            public CheckerKind kind() {
                return CheckerKind.TCP_CHECK;
            }

            @Override
            public CheckOutcome check() {
                attemptsAt.add(Duration.ofNanos(timer.nanoTime()).toMillis());
                return CheckOutcome.down("TCP connection to fake failed.", Duration.ZERO);
            }
        };
        start(dead, timing(CheckerKind.TCP_CHECK));
        timer.advance(Duration.ofMillis(34_500));
        // down at 0 (first attempt); then 2 retries 1 s apart, delay_loop 10 s, and again
        assertThat(attemptsAt).containsExactly(0L, 10_000L, 11_000L, 12_000L, 22_000L, 23_000L, 24_000L, 34_000L);
        assertThat(lines).filteredOn(l -> l.startsWith("TCP_CHECK")).hasSize(1);
    }

    @Test
    void httpNamesTheConfiguredRetriesEvenOnTheFirstAttempt() {
        FakeChecker checker = new FakeChecker(CheckerKind.HTTP_GET, timer, Duration.ofSeconds(1), n -> false);
        start(checker, timing(CheckerKind.HTTP_GET));
        timer.advance(Duration.ofMillis(1500));
        assertThat(checker.attempts.get()).isEqualTo(1);
        assertThat(lines).contains("HTTP_CHECK on service " + RS_LABEL + " failed after 2 retries.");
    }

    @Test
    void anAlphaCheckerFailingItsFirstAttemptRunsNotifyDown() {
        FakeChecker checker = new FakeChecker(CheckerKind.TCP_CHECK, timer, Duration.ofSeconds(1), n -> false);
        RealServerHealth rs = start(checker, timing(CheckerKind.TCP_CHECK).withAlpha(true));
        timer.advance(Duration.ofMillis(1500));
        assertThat(rs.isAlive()).isFalse();
        assertThat(events).isEmpty();
        assertThat(lines).contains("TCP_CHECK on service " + RS_LABEL + " failed.");
        assertThat(notifies).containsExactly("/bin/down.sh 10.0.0.21");
        timer.advance(Duration.ofSeconds(60)); // later failures of a down checker run nothing
        assertThat(notifies).containsExactly("/bin/down.sh 10.0.0.21");
    }

    @Test
    void anAlphaHttpCheckerFailingItsFirstAttemptIsSilent() {
        FakeChecker checker = new FakeChecker(CheckerKind.HTTP_GET, timer, Duration.ofSeconds(1), n -> false);
        start(checker, timing(CheckerKind.HTTP_GET).withAlpha(true));
        timer.advance(Duration.ofSeconds(30));
        assertThat(checker.attempts.get()).isGreaterThan(1);
        assertThat(notifies).isEmpty();
        assertThat(lines).noneMatch(l -> l.startsWith("HTTP_CHECK"));
    }

    @Test
    void miscDynamicWeightIsDroppedSilentlyOnFailureAndTheConfiguredWeightComesBack() {
        int[] exits = {12, 1, 0};
        HealthChecker misc = new HealthChecker() {
            private int n;

            @Override
            public CheckerKind kind() {
                return CheckerKind.MISC_CHECK;
            }

            @Override
            public CheckOutcome check() {
                int code = exits[Math.min(n++, exits.length - 1)];
                return code == 0 ? CheckOutcome.up("succeeded", Duration.ZERO)
                        : code == 1 ? CheckOutcome.down("failed (exited with status 1)", Duration.ZERO)
                        : CheckOutcome.upWithWeight(code - 2, "succeeded", Duration.ZERO);
            }
        };
        RealServerHealth rs = start(misc, timing(CheckerKind.MISC_CHECK).withRetry(0));
        timer.advance(Duration.ofMillis(1));
        assertThat(rs.weight()).isEqualTo(10);
        timer.advance(Duration.ofSeconds(10));
        assertThat(rs.isAlive()).isFalse();
        assertThat(rs.weight()).isEqualTo(1);
        assertThat(lines).noneMatch(l -> l.startsWith("Changing weight from 10 to 1"));
        timer.advance(Duration.ofSeconds(10));
        assertThat(events).containsExactly(
                new RealServerUp(Fixtures.VS, RS, 80, 1, false),
                new RealServerWeightChanged(Fixtures.VS, RS, 80, 1, 10),
                new RealServerDown(Fixtures.VS, RS, 80, false, false),
                new RealServerUp(Fixtures.VS, RS, 80, 1, false));
    }
}
