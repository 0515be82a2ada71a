package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jlvs.vrrp.runtime.ScriptRunner;
import io.jlvs.vrrp.runtime.VrrpRouter;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the daemon's log says when the VRRP interface goes down, as keepalived 2.2.7 says it: "Netlink reports
 * eth0 down" once per change however many instances (each its own router) track the link and however many
 * netlink messages tell of it, the instances entering FAULT, and adverts that cannot be sent meanwhile are no
 * error on every advert.
 */
class VrrpServiceLinkDownTest {
    static final Duration BOUND = Duration.ofSeconds(15);

    final InMemoryVrrpLan lan = new InMemoryVrrpLan();
    final LanHost host = new LanHost(lan, new AtomicInteger(), "10.0.0.1");
    final List<VrrpService> services = new ArrayList<>();
    final Logger routerLog = (Logger) LoggerFactory.getLogger(VrrpRouter.class);
    final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void listen() {
        seen.start();
        routerLog.addAppender(seen);
    }

    @AfterEach
    void stopAll() {
        services.forEach(VrrpService::close);
        routerLog.detachAppender(seen);
    }

    VrrpService start(String... instances) {
        VrrpService s = VrrpService.start(VrrpServiceTest.conf(instances), l -> { }, () -> host, System::nanoTime,
                new ScriptRunner());
        services.add(s);
        return s;
    }

    List<String> lines(Level level) {
        synchronized (seen.list) {
            return seen.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    boolean anyStackTrace() {
        synchronized (seen.list) {
            return seen.list.stream().anyMatch(e -> e.getThrowableProxy() != null);
        }
    }

    static boolean all(VrrpService s, VrrpState state) {
        return !s.statuses().isEmpty() && s.statuses().stream().allMatch(x -> x.state() == state);
    }

    @Test
    void theLinkGoingDownIsOneLineForAllTheInstancesOnItAndNoErrors() {
        VrrpService s = start(VrrpServiceTest.instance("VI_1", 51, 150, "10.0.0.100"),
                VrrpServiceTest.instance("VI_2", 52, 150, "10.0.0.200"));
        Awaitility.await().atMost(BOUND).until(() -> all(s, VrrpState.MASTER));

        // ip link set eth0 down: netlink tells of the flags, then of the carrier
        host.link(false);
        host.link(false);
        Awaitility.await().atMost(BOUND).until(() -> all(s, VrrpState.FAULT));
        // ip link set eth0 up: first up without carrier (still down for VRRP), then with it
        host.link(false);
        host.link(true);
        Awaitility.await().atMost(BOUND).until(() -> all(s, VrrpState.MASTER));

        assertThat(lines(Level.INFO)).filteredOn(l -> l.startsWith("Netlink reports"))
                .containsExactly("Netlink reports eth0 down", "Netlink reports eth0 up");
        assertThat(lines(Level.INFO)).filteredOn(l -> l.endsWith("Entering FAULT STATE"))
                .containsExactlyInAnyOrder("(VI_1) Entering FAULT STATE", "(VI_2) Entering FAULT STATE");
        assertThat(lines(Level.ERROR)).isEmpty();
        assertThat(lines(Level.WARN)).hasSizeLessThanOrEqualTo(2);
        assertThat(anyStackTrace()).isFalse();
    }

    @Test
    void advertsThatCannotBeSentWhileTheLinkIsDownAreOneWarningPerOutageNotAnErrorEach() {
        // not tracking its interface, the instance stays MASTER and keeps advertising through the outage
        VrrpService s = start(VrrpServiceTest.instance("VI_1", 51, 150, "10.0.0.100")
                .replace("    advert_int 0.3\n", "    advert_int 0.3\n    dont_track_primary\n"));
        Awaitility.await().atMost(BOUND).until(() -> all(s, VrrpState.MASTER));

        for (int outage = 0; outage < 2; outage++) {
            host.link(false);
            Awaitility.await().pollDelay(Duration.ofMillis(1500)).until(() -> true);   // five advert intervals
            long sent = VrrpServiceTest.status(s, "VI_1").counters().advertsSent();
            host.link(true);
            Awaitility.await("adverts go out again").atMost(BOUND)
                    .until(() -> VrrpServiceTest.status(s, "VI_1").counters().advertsSent() > sent);
        }

        assertThat(lines(Level.ERROR)).isEmpty();
        assertThat(lines(Level.WARN)).containsExactly(
                "(VI_1) cannot send adverts on eth0: sendto: ENETUNREACH (Network is unreachable); not logged again"
                        + " until one goes out",
                "(VI_1) cannot send adverts on eth0: sendto: ENETUNREACH (Network is unreachable); not logged again"
                        + " until one goes out");
        assertThat(anyStackTrace()).isFalse();
        assertThat(VrrpServiceTest.status(s, "VI_1").state()).isEqualTo(VrrpState.MASTER);
    }
}
