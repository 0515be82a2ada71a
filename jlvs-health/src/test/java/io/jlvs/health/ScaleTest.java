package io.jlvs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** 1,000 real servers checked every second for 5 s on the real timer and virtual threads. */
class ScaleTest {

    @Test
    void thousandRealServersEverySecond() {
        AtomicLong attempts = new AtomicLong();
        HealthChecker fake = new HealthChecker() {
            @Override
            public CheckerKind kind() {
                return CheckerKind.TCP_CHECK;
            }

            @Override
            public CheckOutcome check() {
                attempts.incrementAndGet();
                return CheckOutcome.up("", Duration.ZERO);
            }
        };
        CheckTiming t = CheckTiming.defaults(CheckerKind.TCP_CHECK).withDelayLoop(Duration.ofSeconds(1))
                .withWarmup(Duration.ofSeconds(1));
        VirtualServerHealth vs = new VirtualServerHealth(Fixtures.VS, null, null, false, e -> { }, c -> { },
                new CheckLog(l -> { }));
        List<RealServerHealth> servers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            servers.add(vs.addRealServer(IpAddress.ofV4(0x0a010000 + i), 80, 1, false, null, null,
                    List.of(new CheckerSpec(fake, t))));
        }
        vs.start();
        try (SystemHealthTimer timer = new SystemHealthTimer();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             CheckScheduler scheduler = new CheckScheduler(timer, threads, new SplittableRandom(1))) {
            long start = System.nanoTime();
            servers.forEach(scheduler::add);
            Awaitility.await().atMost(Duration.ofSeconds(8)).until(() -> System.nanoTime() - start
                    >= Duration.ofSeconds(5).toNanos());
            scheduler.close();
            ScheduleLag lag = scheduler.lag();
            System.out.println("[scale] 1000 real servers, delay_loop 1 s, 5 s: attempts=" + attempts.get()
                    + " " + lag);
            assertThat(attempts.get()).isBetween(4000L, 6000L);
            assertThat(lag.percentileMillis(99)).isLessThan(1000);
        }
    }
}
