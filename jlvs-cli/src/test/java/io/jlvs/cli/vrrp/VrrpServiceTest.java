package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.runtime.ScriptRunner;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons' VrrpServices on one in-memory segment, from keepalived.conf text, on the real clock with short
 * VRRPv3 intervals: election, reload without flapping what did not change, graceful stop.
 */
class VrrpServiceTest {
    static final Duration BOUND = Duration.ofSeconds(15);

    final InMemoryVrrpLan lan = new InMemoryVrrpLan();
    final AtomicInteger ports = new AtomicInteger();
    final LanHost hostA = new LanHost(lan, ports, "10.0.0.1");
    final LanHost hostB = new LanHost(lan, ports, "10.0.0.2");
    final List<String> eventsA = Collections.synchronizedList(new ArrayList<>());
    final List<String> eventsB = Collections.synchronizedList(new ArrayList<>());
    final List<VrrpService> services = new ArrayList<>();

    @AfterEach
    void stopAll() {
        services.forEach(VrrpService::close);
    }

    static String instance(String name, int vrid, int priority, String vip) {
        return """
                vrrp_instance %s {
                    interface eth0
                    virtual_router_id %d
                    priority %d
                    advert_int 0.3
                    virtual_ipaddress {
                        %s/24
                    }
                }
                """.formatted(name, vrid, priority, vip);
    }

    static KeepalivedConfig conf(String... instances) {
        return VrrpSettingsMapperTest.parse("global_defs {\n vrrp_version 3\n}\n" + String.join("", instances));
    }

    VrrpService start(KeepalivedConfig config, LanHost host, List<String> events) {
        VrrpService s = VrrpService.start(config, events::add, () -> host, System::nanoTime, new ScriptRunner());
        services.add(s);
        return s;
    }

    static VrrpInstanceStatus status(VrrpService s, String name) {
        return s.statuses().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    }

    static VrrpState state(VrrpService s, String name) {
        VrrpInstanceStatus st = status(s, name);
        return st == null ? null : st.state();
    }

    record Pair(VrrpService a, VrrpService b) {
    }

    /**
     * {@code backup}'s instance {@code name} is BACKUP to {@code master}: it has heard its adverts. BACKUP alone is
     * not enough: an instance starts in BACKUP, and until the first advert its master-down timer is its own start's,
     * which can still expire after the peer became MASTER (B started first; on a loaded machine A's start took longer
     * than the difference of their skews), and B went MASTER and back after the test had taken its snapshot.
     */
    static boolean backupOf(VrrpService backup, String name, LanHost master) {
        VrrpInstanceStatus st = status(backup, name);
        return st != null && st.state() == VrrpState.BACKUP && master.address.equals(st.masterAddress());
    }

    /** VI_1 on both hosts for 10.0.0.100: A at 150 MASTER, B at 100 BACKUP to it. */
    Pair masterAndBackup() {
        VrrpService b = start(conf(instance("VI_1", 51, 100, "10.0.0.100")), hostB, eventsB);
        VrrpService a = start(conf(instance("VI_1", 51, 150, "10.0.0.100")), hostA, eventsA);
        Awaitility.await().atMost(BOUND).until(() -> state(a, "VI_1") == VrrpState.MASTER
                && backupOf(b, "VI_1", hostA));
        return new Pair(a, b);
    }

    /** Since {@code before}, A stayed MASTER without a transition, a stop or a priority-0 advert; B made none. */
    void assertNoFlap(Pair p, VrrpInstanceStatus before, long bTransitions) {
        VrrpInstanceStatus now = status(p.a(), "VI_1");
        assertThat(now.state()).isEqualTo(VrrpState.MASTER);
        assertThat(now.lastTransition()).as("no flap").isEqualTo(before.lastTransition());
        assertThat(now.counters().priorityZeroSent()).as("no priority 0").isEqualTo(before.counters().priorityZeroSent());
        assertThat(status(p.b(), "VI_1").counters().transitions()).as("the peer stayed BACKUP").isEqualTo(bTransitions);
        assertThat(eventsA).doesNotContain("(VI_1) Stopped");
    }

    static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void higherPriorityOwnsTheVipAndAGracefulStopHandsItOver() {
        VrrpService b = start(conf(instance("VI_1", 51, 100, "10.0.0.100")), hostB, eventsB);
        VrrpService a = start(conf(instance("VI_1", 51, 150, "10.0.0.100")), hostA, eventsA);
        Awaitility.await().atMost(BOUND).until(() -> state(a, "VI_1") == VrrpState.MASTER
                && backupOf(b, "VI_1", hostA));
        assertThat(hostA.vips).containsExactly(ip("10.0.0.100"));
        assertThat(hostB.vips).isEmpty();
        assertThat(eventsA).contains("(VI_1) Entering MASTER STATE");
        VrrpInstanceStatus st = status(a, "VI_1");
        assertThat(st.basePriority()).isEqualTo(150);
        assertThat(st.masterAddress()).isEqualTo(hostA.address);
        Awaitility.await("B hears A's adverts").atMost(BOUND)
                .until(() -> hostA.address.equals(status(b, "VI_1").masterAddress()));
        assertThat(a.views().getFirst().virtualAddresses()).extracting(v -> v.address()).containsExactly(ip("10.0.0.100"));

        a.close();
        assertThat(hostA.vips).isEmpty();
        assertThat(eventsA).contains("(VI_1) Stopped");
        assertThat(a.statuses()).isEmpty();
        Awaitility.await().atMost(BOUND).until(() -> state(b, "VI_1") == VrrpState.MASTER);
        assertThat(hostB.vips).containsExactly(ip("10.0.0.100"));
    }

    @Test
    void reloadKeepsUnchangedInstancesRestartsChangedStopsRemovedStartsAdded() {
        VrrpService b = start(conf(instance("VI_1", 51, 100, "10.0.0.100"), instance("VI_2", 52, 100, "10.0.0.200"),
                instance("VI_3", 53, 100, "10.0.0.250")), hostB, eventsB);
        VrrpService a = start(conf(instance("VI_1", 51, 150, "10.0.0.100"), instance("VI_2", 52, 150, "10.0.0.200"),
                instance("VI_3", 53, 150, "10.0.0.250")), hostA, eventsA);
        Awaitility.await().atMost(BOUND).until(() -> a.statuses().stream().allMatch(s -> s.state() == VrrpState.MASTER)
                && b.statuses().stream().allMatch(s -> backupOf(b, s.name(), hostA)));
        assertThat(hostA.vips).containsExactlyInAnyOrder(ip("10.0.0.100"), ip("10.0.0.200"), ip("10.0.0.250"));
        VrrpInstanceStatus before = status(a, "VI_1");
        long bTransitions = status(b, "VI_1").counters().transitions();

        // VI_2: nopreempt too (a priority, addresses or advert_int alone are applied in place, see below), so it
        // restarts
        a.reload(conf(instance("VI_1", 51, 150, "10.0.0.100"),
                instance("VI_2", 52, 50, "10.0.0.200").replace("advert_int 0.3", "advert_int 0.3\n    nopreempt"),
                instance("VI_4", 54, 150, "10.0.0.44")));

        assertThat(a.statuses()).extracting(VrrpInstanceStatus::name).containsExactly("VI_1", "VI_2", "VI_4");
        assertThat(eventsA).contains("(VI_3) Stopped", "(VI_2) Stopped");
        Awaitility.await().atMost(BOUND).until(() -> state(b, "VI_2") == VrrpState.MASTER
                && state(b, "VI_3") == VrrpState.MASTER && state(a, "VI_4") == VrrpState.MASTER);
        assertThat(state(a, "VI_2")).as("restarted with priority 50 under B's 100").isEqualTo(VrrpState.BACKUP);
        assertThat(status(a, "VI_2").basePriority()).isEqualTo(50);
        VrrpInstanceStatus after = status(a, "VI_1");
        assertThat(after.state()).isEqualTo(VrrpState.MASTER);
        assertThat(after.lastTransition()).as("VI_1 did not flap").isEqualTo(before.lastTransition());
        assertThat(after.counters().transitions()).isEqualTo(before.counters().transitions());
        assertThat(after.counters().advertsSent()).isGreaterThan(before.counters().advertsSent());
        assertThat(status(b, "VI_1").counters().transitions()).isEqualTo(bTransitions);
        assertThat(hostA.vips).containsExactlyInAnyOrder(ip("10.0.0.100"), ip("10.0.0.44"));
        assertThat(hostB.vips).containsExactlyInAnyOrder(ip("10.0.0.200"), ip("10.0.0.250"));
    }

    /**
     * A reload that changes only a priority is applied to the running instance, as keepalived applies it: a
     * MASTER whose priority rises stays MASTER without a transition, a stop or a priority-0 advert; one whose
     * priority falls below a peer's hands over as the peer preempts it, again without a stop. Before, every
     * change restarted the instance: a MASTER sent priority 0, dropped its addresses and failed over twice.
     */
    @Test
    void aPriorityOnlyReloadIsAppliedWithoutARestart() {
        Pair p = masterAndBackup();
        VrrpService a = p.a();
        VrrpService b = p.b();
        VrrpInstanceStatus before = status(a, "VI_1");
        long bTransitions = status(b, "VI_1").counters().transitions();

        a.reload(conf(instance("VI_1", 51, 160, "10.0.0.100")));
        Awaitility.await().atMost(BOUND).until(() -> status(a, "VI_1").basePriority() == 160);
        assertNoFlap(p, before, bTransitions);
        assertThat(hostA.vips).containsExactly(ip("10.0.0.100"));

        a.reload(conf(instance("VI_1", 51, 50, "10.0.0.100")));
        Awaitility.await().atMost(BOUND).until(() -> state(b, "VI_1") == VrrpState.MASTER
                && state(a, "VI_1") == VrrpState.BACKUP);
        assertThat(eventsA).doesNotContain("(VI_1) Stopped");
        assertThat(hostB.vips).containsExactly(ip("10.0.0.100"));
    }

    /**
     * A reload that adds and removes virtual addresses is applied to the running instance, as keepalived
     * applies it: the MASTER adds the new address and drops the removed one while the others stay, with no
     * transition, stop or priority-0 advert, and the peer, reloaded with the same list, keeps accepting its
     * adverts. Before, the instance restarted: the MASTER sent priority 0 and the VIPs moved to the peer and
     * back.
     */
    @Test
    void anAddressChangeIsAppliedWithoutARestart() {
        Pair p = masterAndBackup();
        VrrpService a = p.a();
        VrrpService b = p.b();
        VrrpInstanceStatus before = status(a, "VI_1");
        long bTransitions = status(b, "VI_1").counters().transitions();

        String two = instance("VI_1", 51, 150, "10.0.0.100").replace("10.0.0.100/24", "10.0.0.100/24\n10.0.0.101/24");
        a.reload(conf(two));
        b.reload(conf(two.replace("priority 150", "priority 100")));
        Awaitility.await().atMost(BOUND).until(() -> hostA.vips.contains(ip("10.0.0.101")));
        assertThat(hostA.vips).containsExactlyInAnyOrder(ip("10.0.0.100"), ip("10.0.0.101"));
        assertThat(a.views().getFirst().virtualAddresses()).extracting(v -> v.address())
                .containsExactly(ip("10.0.0.100"), ip("10.0.0.101"));

        String moved = instance("VI_1", 51, 150, "10.0.0.101");
        a.reload(conf(moved));
        b.reload(conf(moved.replace("priority 150", "priority 100")));
        Awaitility.await().atMost(BOUND).until(() -> !hostA.vips.contains(ip("10.0.0.100")));
        assertThat(hostA.vips).containsExactly(ip("10.0.0.101"));
        // a few adverts later: nobody flapped
        long sent = status(a, "VI_1").counters().advertsSent();
        Awaitility.await().atMost(BOUND).until(() -> status(a, "VI_1").counters().advertsSent() >= sent + 5);
        assertNoFlap(p, before, bTransitions);
        assertThat(hostB.vips).isEmpty();
    }

    /**
     * A reload that sets a notify script (with a lower priority in the same reload) is applied in place: no
     * stop, and the transition the priority causes runs the new script, as keepalived would.
     */
    @Test
    void aNotifyScriptChangeIsAppliedWithoutARestart(@TempDir Path dir) throws IOException {
        Pair p = masterAndBackup();
        Path marker = dir.resolve("backup.marker");
        Path script = dir.resolve("backup.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" > " + marker + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        long priorityZero = status(p.a(), "VI_1").counters().priorityZeroSent();

        p.a().reload(conf(instance("VI_1", 51, 50, "10.0.0.100").replace("advert_int 0.3",
                "advert_int 0.3\n    notify_backup \"" + script + "\"")));
        Awaitility.await().atMost(BOUND).until(() -> Files.exists(marker));
        assertThat(state(p.a(), "VI_1")).isEqualTo(VrrpState.BACKUP);
        assertThat(eventsA).doesNotContain("(VI_1) Stopped");
        assertThat(status(p.a(), "VI_1").counters().priorityZeroSent()).as("no resignation")
                .isEqualTo(priorityZero);
    }

    /**
     * A reload of both sides with another advert_int keeps the MASTER and its peer as they are, as keepalived
     * does; the MASTER advertises at the new interval. Before, the instance restarted: priority 0, and the
     * VIP was gone for 3.6–5.2 s (found by an SRE-path check).
     */
    @Test
    void anAdvertIntervalChangeIsAppliedWithoutARestart() {
        Pair p = masterAndBackup();
        VrrpInstanceStatus before = status(p.a(), "VI_1");
        long bTransitions = status(p.b(), "VI_1").counters().transitions();
        p.a().reload(conf(instance("VI_1", 51, 150, "10.0.0.100").replace("advert_int 0.3", "advert_int 1")));
        p.b().reload(conf(instance("VI_1", 51, 100, "10.0.0.100").replace("advert_int 0.3", "advert_int 1")));
        long sent = status(p.a(), "VI_1").counters().advertsSent();
        long t0 = System.nanoTime();
        Awaitility.await().atMost(BOUND).until(() -> System.nanoTime() - t0 > 3_500_000_000L);
        assertThat(status(p.a(), "VI_1").counters().advertsSent() - sent)
                .as("adverts in 3.5 s at 1 s (0.3 s: about 11)").isBetween(2L, 6L);
        assertNoFlap(p, before, bTransitions);
        assertThat(hostA.vips).containsExactly(ip("10.0.0.100"));
    }

    @Test
    void aSyncGroupRunsAsOneUnit() {
        String group = "vrrp_sync_group G1 {\n group {\n VI_1\n VI_2\n }\n}\n";
        VrrpService a = start(conf(instance("VI_1", 51, 150, "10.0.0.100"), instance("VI_2", 52, 150, "10.0.0.200"),
                group), hostA, eventsA);
        Awaitility.await().atMost(BOUND).until(() -> state(a, "VI_1") == VrrpState.MASTER
                && state(a, "VI_2") == VrrpState.MASTER);
        assertThat(eventsA).anyMatch(e -> e.startsWith("VRRP_Group(G1)"));
    }

    @Test
    void noVrrpInstancesRunsNothingAndAReloadCanAddThem() {
        VrrpService a = start(conf(), hostA, eventsA);
        assertThat(a.statuses()).isEmpty();
        assertThat(ports.get()).as("no transport opened").isZero();
        a.reload(conf(instance("VI_1", 51, 150, "10.0.0.100")));
        Awaitility.await().atMost(BOUND).until(() -> state(a, "VI_1") == VrrpState.MASTER);
    }
}
