package io.jlvs.health.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.health.CheckOutcome;
import io.jlvs.health.CheckSubject;
import io.jlvs.health.CheckerKind;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class BfdCheckerTest {
    private static final IpAddress LO = IpAddress.parse("127.0.0.1");
    private static final CheckSubject RS = new CheckSubject(
            new InetServiceKey(Protocol.TCP, IpAddress.parse("192.0.2.1"), 80), IpAddress.parse("10.0.0.11"), 80);

    private static BfdSessionConfig config() {
        return new BfdSessionConfig("peer", LO, null, 20_000, 20_000, 1_000_000, 3, false, 255, 0);
    }

    @Test
    void followsTheSessionUpThenDownWithKeepalivedsWording() throws Exception {
        try (BfdSessions a = new BfdSessions(23790, 23791, new SplittableRandom(1), s -> { })) {
            a.configure(List.of(config()));
            BfdChecker checker = new BfdChecker(a, "peer", RS, true, Duration.ofSeconds(2));
            assertThat(checker.kind()).isEqualTo(CheckerKind.BFD_CHECK);
            CheckOutcome first = checker.check();
            assertThat(first.up()).as("alpha: down until the session is Up").isFalse();
            assertThat(first.reason()).isEmpty();
            BfdSessions b = new BfdSessions(23791, 23790, new SplittableRandom(2), s -> { });
            try {
                b.configure(List.of(config()));
                CheckOutcome up = checkUntil(checker, CheckOutcome::up);
                assertThat(up.reason()).isEqualTo("BFD check of [peer] RS([10.0.0.11]:tcp:80) is UP");
            } finally {
                b.close();
            }
            long t0 = System.nanoTime();
            CheckOutcome down = checkUntil(checker, o -> !o.up());
            assertThat(down.reason()).isEqualTo("BFD check of [peer] RS([10.0.0.11]:tcp:80) is DOWN");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void withoutAlphaTheServerStaysUpWhileTheSessionNeverCameUp() {
        try (BfdSessions a = new BfdSessions(23792, 23793, new SplittableRandom(1), s -> { })) {
            a.configure(List.of(config()));
            BfdChecker checker = new BfdChecker(a, "peer", RS, false, Duration.ofMillis(300));
            assertThat(checker.check().up()).isTrue();
            CheckOutcome later = checker.check();
            assertThat(later.up()).isTrue();
            assertThat(later.reason()).isEmpty();
        }
    }

    @Test
    void aSessionThatDoesNotExistWaitsTheBoundAndKeepsTheState() {
        try (BfdSessions a = new BfdSessions(23794, 23795, new SplittableRandom(1), s -> { })) {
            BfdChecker checker = new BfdChecker(a, "nosuch", RS, true, Duration.ofMillis(200));
            assertThat(checker.check().up()).isFalse();
            long t0 = System.nanoTime();
            assertThat(checker.check().up()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    private static CheckOutcome checkUntil(BfdChecker checker, Predicate<CheckOutcome> done) {
        for (int i = 0; i < 20; i++) {
            CheckOutcome o = checker.check();
            if (done.test(o)) {
                return o;
            }
        }
        throw new AssertionError("the checker never reported the change");
    }
}
