package io.jlvs.vrrp.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.TrackFile;
import io.jlvs.vrrp.settings.TrackScript;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link VrrpRouter}s on an in-memory segment, stepped by hand with a shared fake clock: what they do to the
 * host (addresses, gratuitous ARPs), to each other, and on trackers, notifies and stop.
 */
class VrrpRouterTest {
    static final IpAddress VIP = IpAddress.parse("10.0.0.100");
    static final long MS = 1_000_000L;

    final InMemoryVrrpLan lan = new InMemoryVrrpLan();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<VrrpRouter> routers = new ArrayList<>();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path dir;

    static VrrpInstanceSettings settings(int priority, long garpDelayMillis, List<TrackScript> scripts,
                                         List<TrackFile> files, NotifySettings notify) {
        return new VrrpInstanceSettings("VI_1", "eth0", 51, priority, 100, VrrpVersion.V3, null, false, 0, null,
                List.of(new VirtualIpAddress(VIP, 24, null, "eth0:vip", null)), null, List.of(), garpDelayMillis, 5,
                0, 1, false, List.of(), scripts, files, notify);
    }

    static VrrpInstanceSettings settings(int priority, List<TrackScript> scripts, List<TrackFile> files,
                                         NotifySettings notify) {
        return settings(priority, 5000, scripts, files, notify);
    }

    static VrrpInstanceSettings settings(int priority) {
        return settings(priority, List.of(), List.of(), NotifySettings.NONE);
    }

    VrrpRouter router(FakeHost host, VrrpInstanceSettings s, ScriptExecutor scripts) {
        VrrpRouter r = new VrrpRouter(List.of(s), List.of(), host, clock::get, new VrrpRouterListener() {
            @Override
            public void log(String line) {
                log.add(host.address + " " + line);
            }
        }, scripts);
        r.open();
        routers.add(r);
        return r;
    }

    @AfterEach
    void stopAll() {
        routers.forEach(VrrpRouter::close);
    }

    /** Steps every router every 10 ms of fake time until {@code done}, at most {@code maxMillis} of fake time. */
    void runUntil(long maxMillis, BooleanSupplier done) {
        for (long t = 0; t <= maxMillis; t += 10) {
            routers.forEach(r -> r.step(false));
            if (done.getAsBoolean()) {
                return;
            }
            clock.addAndGet(10 * MS);
        }
        throw new AssertionError("not done within " + maxMillis + " ms of fake time; log: " + log);
    }

    /** As {@link #runUntil}, in real time too: for inputs that come from other threads (scripts). */
    void stepUntil(BooleanSupplier done) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            routers.forEach(r -> r.step(false));
            clock.addAndGet(10 * MS);
            return done.getAsBoolean();
        });
    }

    /**
     * The backup's thread loses the CPU (or the JVM pauses) right after it found its socket empty, until past its
     * master-down deadline, and the master's advert comes in meanwhile, before that deadline: the backup reads it
     * before it judges the deadline, and stays BACKUP. Before, it fired the timer first and took over for nothing.
     */
    @Test
    void anAdvertThatCameWhileTheBackupWasNotRunningIsReadBeforeItsMasterDownTimer() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        VrrpRouter rb = router(b, settings(100), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER
                && a.address.equals(rb.status("VI_1").masterAddress()));
        long heard = rb.status("VI_1").counters().advertsReceived();
        runUntil(2000, () -> rb.status("VI_1").counters().advertsReceived() > heard);
        long transitions = rb.status("VI_1").counters().transitions();
        // B's deadline: 3 adverts of 1 s and the skew of priority 100 (609 ms) after the advert it just read; A is
        // not stepped meanwhile, so its next advert is late, and comes 1 ms before that deadline
        long deadline = clock.get() + 3_609 * MS;
        clock.set(deadline - 2 * MS);
        b.onceSocketRead = () -> {
            clock.set(deadline - MS);
            ra.step(false);
            clock.set(deadline + 50 * MS);
        };
        long sent = ra.status("VI_1").counters().advertsSent();
        rb.step(false);
        assertThat(ra.status("VI_1").counters().advertsSent()).as("A's late advert").isEqualTo(sent + 1);
        rb.step(false);

        assertThat(rb.status("VI_1").state()).isEqualTo(VrrpState.BACKUP);
        assertThat(rb.status("VI_1").counters().transitions()).isEqualTo(transitions);
        assertThat(b.addresses).isEmpty();
    }

    @Test
    void theHigherPriorityOwnsTheAddressAndAnnouncesIt() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        VrrpRouter rb = router(b, settings(100), new ScriptRunner());

        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        runUntil(2000, () -> rb.status("VI_1").counters().advertsReceived() >= 2);

        assertThat(a.addresses).containsExactly(VIP);
        assertThat(a.garps).hasSize(5).allMatch(g -> g.equals("eth0 " + VIP));
        assertThat(b.addresses).isEmpty();
        VrrpInstanceStatus sb = rb.status("VI_1");
        assertThat(sb.state()).isEqualTo(VrrpState.BACKUP);
        assertThat(sb.masterAddress()).isEqualTo(a.address);
        assertThat(ra.status("VI_1").masterAddress()).isEqualTo(a.address);
        assertThat(ra.status("VI_1").counters().becameMaster()).isEqualTo(1);
        assertThat(ra.status("VI_1").lastTransition()).isNotNull();
        assertThat(log).contains("10.0.0.1 (VI_1) Entering MASTER STATE", "10.0.0.2 (VI_1) Entering BACKUP STATE (init)");
    }

    @Test
    void addressesLeftByAnEarlierRunAreRemovedAtStart() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        a.addresses.add(VIP);
        VrrpRouter ra = router(a, settings(100), new ScriptRunner());
        assertThat(ra.status("VI_1").state()).isEqualTo(VrrpState.BACKUP);
        assertThat(a.addresses).isEmpty();
    }

    @Test
    void gracefulStopSendsPriorityZeroAndTheBackupTakesOverWithinSkew() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        VrrpRouter rb = router(b, settings(100), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER
                && rb.status("VI_1").counters().advertsReceived() > 0);

        long stoppedAt = clock.get();
        ra.shutdown(stoppedAt);
        routers.remove(ra);
        assertThat(ra.status("VI_1").state()).isEqualTo(VrrpState.STOP);
        assertThat(ra.status("VI_1").counters().priorityZeroSent()).isEqualTo(1);
        assertThat(a.addresses).isEmpty();
        assertThat(a.closed).isTrue();

        runUntil(2000, () -> rb.status("VI_1").state() == VrrpState.MASTER);
        // skew for priority 100 at 1 s: (256 - 100) / 256 s = 609 ms
        assertThat((clock.get() - stoppedAt) / MS).isBetween(600L, 630L);
        assertThat(b.addresses).containsExactly(VIP);
        assertThat(rb.status("VI_1").counters().priorityZeroReceived()).isEqualTo(1);
    }

    @Test
    void aMasterHearingALowerPriorityRefreshesItsNeighboursArpCaches() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        NotifySettings none = NotifySettings.NONE;
        VrrpRouter ra = router(a, settings(200, 0, List.of(), List.of(), none), new ScriptRunner());
        VrrpRouter rb = router(b, settings(100, 0, List.of(), List.of(), none), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        // a partition: both become MASTER
        lan.setLinkUp(a.address, false);
        runUntil(5000, () -> rb.status("VI_1").state() == VrrpState.MASTER);
        int garpsBefore = a.garps.size();
        lan.setLinkUp(a.address, true);
        // the lower priority master speaks first after the partition heals
        long sent = rb.status("VI_1").counters().advertsSent();
        while (rb.status("VI_1").counters().advertsSent() == sent) {
            rb.step(false);
            clock.addAndGet(10 * MS);
        }
        ra.step(false);
        assertThat(a.garps.size() - garpsBefore).isEqualTo(5);
        runUntil(100, () -> rb.status("VI_1").state() == VrrpState.BACKUP);

        assertThat(b.addresses).isEmpty();
        assertThat(a.addresses).containsExactly(VIP);
        assertThat(log).contains("10.0.0.1 (VI_1) Received advert from 10.0.0.2 with lower priority 100, ours 200,"
                + " forcing new election");
    }

    @Test
    void virtualRoutesFollowTheMasterState() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        VrrpInstanceSettings base = settings(200);
        List<VirtualRoute> routes = List.of(
                new VirtualRoute("unicast", IpAddress.parse("192.0.2.0"), 24, IpAddress.parse("10.0.0.254"), null,
                        null, -1, 0, null),
                new VirtualRoute("blackhole", IpAddress.parse("198.51.100.0"), 24, null, null, null, -1, 0, null));
        VrrpInstanceSettings withRoutes = new VrrpInstanceSettings(base.name(), base.interfaceName(), base.vrid(),
                200, base.advertIntervalCentis(), base.version(), null, false, 0, null, base.virtualAddresses(),
                null, List.of(), 0, 5, 0, 1, false, List.of(), List.of(), List.of(), NotifySettings.NONE, null,
                routes, List.of(new VirtualRule(IpAddress.parse("10.0.0.0"), 24, null, 0, null, null, -1, -1, 100, 7)));
        VrrpRouter ra = router(a, withRoutes, new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        assertThat(a.routes).containsExactly("192.0.2.0/24 via 10.0.0.254", "blackhole 198.51.100.0/24",
                "rule 100: from 10.0.0.0/24 lookup 7");

        // a higher priority takes over: the routes go with the addresses
        VrrpRouter rb = router(b, settings(250), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.BACKUP);
        assertThat(a.routes).isEmpty();
        assertThat(a.addresses).isEmpty();
        assertThat(rb.status("VI_1").state()).isEqualTo(VrrpState.MASTER);
    }

    @Test
    void theInterfaceGoingDownIsAFault() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);

        a.link("eth0", false);
        runUntil(100, () -> ra.status("VI_1").state() == VrrpState.FAULT);
        assertThat(a.addresses).isEmpty();
        assertThat(log).contains("10.0.0.1 Netlink reports eth0 down", "10.0.0.1 (VI_1) Entering FAULT STATE");
        assertThat(ra.status("VI_1").counters().priorityZeroSent()).isEqualTo(1);

        a.link("eth0", true);
        runUntil(100, () -> ra.status("VI_1").state() == VrrpState.BACKUP);
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        assertThat(a.addresses).containsExactly(VIP);
    }

    @Test
    void aLinkChangeIsLoggedOnceHoweverManyNetlinkMessagesTellOfIt() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);

        // ip link set eth0 down: the flags change, then the carrier
        a.link("eth0", false);
        a.link("eth0", false);
        runUntil(100, () -> ra.status("VI_1").state() == VrrpState.FAULT);
        // ip link set eth0 up: first up without carrier (not up for VRRP), then with it
        a.link("eth0", false);
        a.link("eth0", true);
        a.link("eth0", true);
        runUntil(100, () -> ra.status("VI_1").state() == VrrpState.BACKUP);

        assertThat(log).filteredOn(l -> l.contains("Netlink reports"))
                .containsExactly("10.0.0.1 Netlink reports eth0 down", "10.0.0.1 Netlink reports eth0 up");
        assertThat(log).filteredOn(l -> l.contains("Entering FAULT STATE")).hasSize(1);
    }

    @Test
    void aWeightedTrackScriptRaisesThePriorityAfterRiseSuccesses() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        FakeHost b = new FakeHost(lan, "10.0.0.2");
        AtomicBoolean healthy = new AtomicBoolean(false);
        AtomicLong runs = new AtomicLong();
        ScriptExecutor check = (argv, timeout) -> {
            runs.incrementAndGet();
            return healthy.get() ? ScriptResult.exited(0) : ScriptResult.exited(3);
        };
        TrackScript chk = new TrackScript("chk", List.of("/usr/local/bin/chk"), 1000, 500, 150, 2, 1, true);
        VrrpRouter ra = router(a, settings(200), new ScriptRunner());
        VrrpRouter rb = router(b, settings(100, List.of(chk), List.of(), NotifySettings.NONE), check);
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        assertThat(rb.status("VI_1").effectivePriority()).isEqualTo(100);
        assertThat(rb.scripts()).extracting(VrrpScriptStatus::name, VrrpScriptStatus::good)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("chk", false));
        assertThat(ra.scripts()).isEmpty();

        healthy.set(true);
        long runsBefore = runs.get();
        stepUntil(() -> rb.status("VI_1").effectivePriority() == 250);
        assertThat(runs.get() - runsBefore).as("rise 2: two successes needed").isGreaterThanOrEqualTo(2);
        assertThat(rb.scripts().getFirst().good()).isTrue();
        runUntil(5000, () -> rb.status("VI_1").state() == VrrpState.MASTER);
        runUntil(2000, () -> ra.status("VI_1").state() == VrrpState.BACKUP);
        assertThat(b.addresses).containsExactly(VIP);
        assertThat(a.addresses).isEmpty();
        assertThat(log).contains("10.0.0.2 VRRP_Script(chk) succeeded",
                "10.0.0.2 (VI_1) Changing effective priority from 100 to 250");
    }

    @Test
    void aTrackFileWithWeightZeroFaultsOnANonZeroValue() throws Exception {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        Path f = Files.writeString(dir.resolve("state"), "0\n");
        VrrpRouter ra = router(a, settings(200, List.of(), List.of(new TrackFile("f", f, 0, 100)),
                NotifySettings.NONE), new ScriptRunner());
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);

        Files.writeString(f, "1\n");
        runUntil(200, () -> ra.status("VI_1").state() == VrrpState.FAULT);
        assertThat(a.addresses).isEmpty();
        Files.writeString(f, "0\n");
        runUntil(200, () -> ra.status("VI_1").state() == VrrpState.BACKUP);
    }

    @Test
    void aWeightedTrackFileMovesThePriority() throws Exception {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        Path f = Files.writeString(dir.resolve("prio"), "5");
        VrrpRouter ra = router(a, settings(100, List.of(), List.of(new TrackFile("f", f, -10, 100)),
                NotifySettings.NONE), new ScriptRunner());
        assertThat(ra.status("VI_1").effectivePriority()).isEqualTo(50);
        Files.writeString(f, "-3");
        runUntil(200, () -> ra.status("VI_1").effectivePriority() == 130);
        Files.writeString(f, "30");
        runUntil(200, () -> ra.status("VI_1").state() == VrrpState.FAULT);
    }

    @Test
    void notifyScriptsGetKeepalivedsArgumentsAndTheFifoGetsItsLines() throws Exception {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        List<List<String>> ran = Collections.synchronizedList(new ArrayList<>());
        ScriptExecutor record = (argv, timeout) -> {
            ran.add(argv);
            return ScriptResult.exited(0);
        };
        Path fifo = dir.resolve("notify.fifo");
        NotifySettings n = new NotifySettings(List.of("/etc/ka/master.sh", "up"), List.of("/etc/ka/backup.sh"),
                List.of(), List.of("/etc/ka/stop.sh"), List.of("/etc/ka/notify.sh"), fifo, 1000);
        VrrpRouter ra = router(a, settings(150, List.of(), List.of(), n), record);
        runUntil(5000, () -> ra.status("VI_1").state() == VrrpState.MASTER);
        ra.shutdown(clock.get());
        routers.remove(ra);

        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ran).containsExactlyInAnyOrder(
                List.of("/etc/ka/backup.sh"), List.of("/etc/ka/notify.sh", "INSTANCE", "VI_1", "BACKUP", "150"),
                List.of("/etc/ka/master.sh", "up"), List.of("/etc/ka/notify.sh", "INSTANCE", "VI_1", "MASTER", "150"),
                List.of("/etc/ka/stop.sh"), List.of("/etc/ka/notify.sh", "INSTANCE", "VI_1", "STOP", "150")));
        assertThat(Files.readAllLines(fifo)).containsExactly("INSTANCE \"VI_1\" BACKUP 150",
                "INSTANCE \"VI_1\" MASTER 150", "INSTANCE \"VI_1\" STOP 150");
    }

    @Test
    void aSyncGroupMovesItsMembersTogether() {
        FakeHost a = new FakeHost(lan, "10.0.0.1");
        VrrpInstanceSettings one = settings(200);
        VrrpInstanceSettings two = new VrrpInstanceSettings("VI_2", "eth0", 52, 200, 100, VrrpVersion.V3, null,
                false, 0, null, List.of(VirtualIpAddress.parse("10.0.0.200/24")), null, List.of(), 5000, 5, 0, 1,
                false, List.of(), List.of(), List.of(), NotifySettings.NONE);
        VrrpRouter r = new VrrpRouter(List.of(one, two), List.of(new SyncGroupSettings("G", List.of("VI_1", "VI_2"))),
                new MultiHost(a), clock::get, VrrpRouterListener.NONE, new ScriptRunner());
        r.open();
        routers.add(r);
        runUntil(5000, () -> r.status().stream().allMatch(s -> s.state() == VrrpState.MASTER));
        assertThat(a.addresses).containsExactlyInAnyOrder(VIP, IpAddress.parse("10.0.0.200"));
        // each instance hears the other's adverts on the segment: another VRID, dropped and counted
        runUntil(2000, () -> r.status("VI_2").counters().dropped(VrrpDropReason.UNKNOWN_VRID) > 0);
        assertThat(r.status("VI_2").counters().drops()).containsOnlyKeys(VrrpDropReason.UNKNOWN_VRID);
    }

    /** One host whose instances each get their own port on the LAN (addresses .1, .11, .21...). */
    private static final class MultiHost implements VrrpHost {
        private final FakeHost host;
        private int ports;

        MultiHost(FakeHost host) {
            this.host = host;
        }

        @Override
        public java.util.Optional<IpAddress> primaryAddress(String i, java.util.Collection<IpAddress> exclude) {
            return host.primaryAddress(i, exclude);
        }

        @Override
        public boolean linkUp(String i) {
            return host.linkUp(i);
        }

        @Override
        public io.jlvs.vrrp.transport.VrrpTransport openTransport(String i, boolean unicast) {
            return host.lan.attach(IpAddress.ofV4(host.address.v4() + 10 * ports++));
        }

        @Override
        public void addAddress(String i, VirtualIpAddress a) {
            host.addAddress(i, a);
        }

        @Override
        public void removeAddress(String i, VirtualIpAddress a) {
            host.removeAddress(i, a);
        }

        @Override
        public void sendGratuitousArp(String i, IpAddress a, int count) {
            host.sendGratuitousArp(i, a, count);
        }

        @Override
        public AutoCloseable watchLinks(java.util.function.BiConsumer<String, Boolean> onChange) {
            return host.watchLinks(onChange);
        }

        @Override
        public void close() {
            host.close();
        }
    }
}
