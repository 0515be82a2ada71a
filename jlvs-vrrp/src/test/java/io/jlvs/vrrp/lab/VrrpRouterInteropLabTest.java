package io.jlvs.vrrp.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpAdvertisement;
import io.jlvs.vrrp.codec.VrrpAuthType;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: jlvs's {@code VrrpRouter} (in a child JVM in one namespace) against real keepalived 2.2.7 (in another)
 * on one bridged segment, with a third namespace as a bystander (ARP table, spoofed adverts). advert_int is 1 s.
 * Takeover times are measured and printed as {@code [vrrp-lab]} lines.
 */
class VrrpRouterInteropLabTest {
    /** What keepalived must never say about our packets. */
    static final Pattern COMPLAINT = Pattern.compile("(?i)invalid|checksum|ttl|auth|interval|version");

    @TempDir
    Path dir;

    static ConditionFactory await(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(20));
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void report(String line) {
        System.out.println("[vrrp-lab] " + line);
    }

    /** v3 skew for a priority at advert_int 1 s, and v2's (the same at 1 s). */
    static double skew(int priority) {
        return (256 - priority) / 256.0;
    }

    static Properties jlvs(int version, int vrid, int priority, IpAddress vip) {
        Properties p = new Properties();
        p.setProperty("interface", "eth0");
        p.setProperty("vrid", Integer.toString(vrid));
        p.setProperty("priority", Integer.toString(priority));
        p.setProperty("version", Integer.toString(version));
        p.setProperty("vips", vip + "/24");
        return p;
    }

    static void assertNoComplaint(String keepalivedLog) {
        List<String> bad = keepalivedLog.lines().filter(l -> COMPLAINT.matcher(l).find())
                .filter(l -> !l.contains("Starting Keepalived") && !l.contains("Running on")
                        && !l.contains("Command line") && !l.contains("Opening file") && !l.contains("Configuration file"))
                .toList();
        assertThat(bad).as("keepalived complaints about our packets").isEmpty();
    }

    static List<String> inject(VrrpLan lan, VrrpLan.Node from, List<byte[]> packets) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
                InjectMain.class.getName(), "eth0"));
        packets.forEach(p -> argv.add(HexFormat.of().formatHex(p)));
        Process p = lan.lab.start(from.ns(), argv, lan.dir.resolve("inject.log"));
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(JlvsChild.read(lan.dir.resolve("inject.log"))).contains("SENT " + packets.size());
        return argv;
    }

    /**
     * VRRPv3 multicast, keepalived the better router (200) and jlvs 100: election, kill -9 of keepalived, its
     * return with preemption, its graceful stop, then spoofed adverts against jlvs as MASTER.
     */
    @Test
    void v3MulticastAgainstKeepalivedMaster() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node("j", 2);
            VrrpLan.Node k = lan.node("k", 3);
            VrrpLan.Node o = lan.node("o", 4);
            IpAddress vip = lan.addr(100);
            String kaConf = KeepalivedPeer.config(3, 51, 200, vip.toString(), "");
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka1", kaConf);
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs1", jlvs(3, 51, 100, vip));

            // election: keepalived (200) MASTER, jlvs BACKUP, one owner of the VIP
            await("keepalived MASTER", Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(lan.owners(vip)).containsExactly(k));
            await("jlvs BACKUP", Duration.ofSeconds(5)).until(() -> jl.state().equals("BACKUP"));
            assertThat(ka.log()).contains("(VI_1) Entering MASTER STATE");

            // kill -9 keepalived: jlvs takes over within 3 * advert_int + skew + 1 s
            long killed = System.nanoTime();
            ka.kill9();
            double bound = 3 + skew(100) + 1;
            await("jlvs MASTER after kill -9", Duration.ofMillis((long) (bound * 1000) + 500))
                    .until(() -> lan.owns(j, vip) && jl.transitionAt("MASTER", killed).isPresent());
            long owned = System.nanoTime();
            long master = jl.transitionAt("MASTER", killed).orElseThrow();
            report("v3 kill -9 keepalived -> jlvs MASTER " + seconds(master - killed) + " s, VIP owned "
                    + seconds(owned - killed) + " s (bound " + bound + " s)");
            assertThat(seconds(master - killed)).isLessThanOrEqualTo(bound);
            assertNoComplaint(ka.log());

            // keepalived returns (its VIP left over by the kill is gone, as after a reboot) and preempts
            lan.ip(k.ns(), "addr", "del", vip + "/24", "dev", "eth0");
            KeepalivedPeer ka2 = KeepalivedPeer.start(lan, k, "ka2", kaConf);
            long back = System.nanoTime();
            await("keepalived preempts", Duration.ofSeconds(3 + 2)).untilAsserted(() ->
                    assertThat(lan.owners(vip)).containsExactly(k));
            await("jlvs BACKUP again", Duration.ofSeconds(2)).until(() -> jl.transitionAt("BACKUP", back).isPresent());
            report("v3 keepalived returns at 200 -> jlvs BACKUP after " + seconds(jl.transitionAt("BACKUP", back)
                    .orElseThrow() - back) + " s");

            // graceful stop of keepalived: priority 0, jlvs takes over within skew + 0.5 s
            long stopped = System.nanoTime();
            ka2.terminate();
            await("jlvs MASTER after keepalived stop", Duration.ofSeconds(3))
                    .until(() -> lan.owns(j, vip) && jl.transitionAt("MASTER", stopped).isPresent());
            long took = jl.transitionAt("MASTER", stopped).orElseThrow() - stopped;
            report("v3 keepalived SIGTERM (priority 0) -> jlvs MASTER " + seconds(took) + " s (bound "
                    + (skew(100) + 0.5) + " s)");
            assertThat(seconds(took)).isLessThanOrEqualTo(skew(100) + 0.5);
            assertThat(lan.owners(vip)).containsExactly(j);
            assertNoComplaint(ka2.log());

            // spoofed adverts from the bystander: dropped, counted, no state change
            String before = jl.status();
            VrrpAdvertisement better = VrrpAdvertisement.v3(51, 250, 100, List.of(vip));
            IpAddress mcast = VrrpPacketEncoder.MCAST_GROUP4;
            byte[] ttl254 = VrrpPacketEncoder.encode(better, o.address(), mcast, 254, 7);
            byte[] badSum = VrrpPacketEncoder.encode(better, o.address(), mcast, 8);
            badSum[20 + 6] ^= 0x5a;
            byte[] otherVrid = VrrpPacketEncoder.encode(VrrpAdvertisement.v3(52, 250, 100, List.of(vip)),
                    o.address(), mcast, 9);
            inject(lan, o, List.of(ttl254, badSum, otherVrid));
            await("drops counted", Duration.ofSeconds(5)).untilAsserted(() -> {
                String s = jl.status();
                assertThat(JlvsChild.counter(s, "drop.TTL")).isEqualTo(JlvsChild.counter(before, "drop.TTL") + 1);
                assertThat(JlvsChild.counter(s, "drop.CHECKSUM"))
                        .isEqualTo(JlvsChild.counter(before, "drop.CHECKSUM") + 1);
                assertThat(JlvsChild.counter(s, "drop.UNKNOWN_VRID"))
                        .isEqualTo(JlvsChild.counter(before, "drop.UNKNOWN_VRID") + 1);
            });
            String after = jl.status();
            report("v3 spoofs: " + after);
            assertThat(after).contains("state=MASTER");
            assertThat(JlvsChild.counter(after, "transitions")).isEqualTo(JlvsChild.counter(before, "transitions"));
            assertThat(lan.owners(vip)).containsExactly(j);

            jl.stop();
            assertThat(lan.owners(vip)).as("VIP removed on stop").isEmpty();
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }

    /**
     * VRRPv2 with auth_type PASS, multicast, jlvs the better router (200) and keepalived 100: election; SIGSTOP of
     * jlvs past the master-down interval and SIGCONT (one master within an advert_int, and a fresh gratuitous ARP
     * from the winner seen in a bystander's ARP table); a spoofed advert with a wrong password; graceful stop of
     * jlvs; its return with preemption; kill -9 of jlvs.
     */
    @Test
    void v2PassMulticastWithJlvsMaster() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node("j", 2);
            VrrpLan.Node k = lan.node("k", 3);
            VrrpLan.Node o = lan.node("o", 4);
            lan.sysctl(o.ns(), "net.ipv4.conf.all.arp_accept", "1");
            lan.sysctl(o.ns(), "net.ipv4.conf.eth0.arp_accept", "1");
            IpAddress vip = lan.addr(100);
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka", KeepalivedPeer.config(2, 52, 100, vip.toString(), """
                      authentication {
                        auth_type PASS
                        auth_pass s3cret
                      }
                      garp_master_delay 10
                    """));
            Properties props = jlvs(2, 52, 200, vip);
            props.setProperty("authPass", "s3cret");
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs-a", props);

            await("jlvs MASTER", Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(lan.owners(vip)).containsExactly(j);
                assertThat(jl.state()).isEqualTo("MASTER");
                assertThat(lan.neighbourMac(o, vip)).isEqualTo(j.mac());
            });
            await("keepalived BACKUP", Duration.ofSeconds(5)).until(() ->
                    ka.log().lines().filter(l -> l.contains("(VI_1) Entering ")).reduce((a, b) -> b).orElse("")
                            .contains("BACKUP"));

            // SIGSTOP jlvs longer than the master-down interval: keepalived takes over (and the bystander follows)
            long frozen = System.nanoTime();
            jl.signal("STOP");
            double bound = 3 + skew(100) + 1;
            await("keepalived MASTER while jlvs is stopped", Duration.ofMillis((long) (bound * 1000) + 500))
                    .untilAsserted(() -> {
                        assertThat(lan.owners(vip)).containsExactlyInAnyOrder(j, k);
                        assertThat(lan.neighbourMac(o, vip)).isEqualTo(k.mac());
                    });
            long tookOver = System.nanoTime();
            // stay stopped clearly past keepalived's master-down interval (3 + skew) from the moment of the stop
            await("past the master-down interval", Duration.ofSeconds(6))
                    .until(() -> seconds(System.nanoTime() - frozen) > 3 + skew(100) + 1);
            assertThat(lan.owners(vip)).containsExactlyInAnyOrder(j, k);
            long thawed = System.nanoTime();
            jl.signal("CONT");
            await("one master, jlvs, with a fresh GARP", Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(lan.owners(vip)).containsExactly(j);
                assertThat(lan.neighbourMac(o, vip)).isEqualTo(j.mac());
            });
            report("v2 SIGSTOP jlvs -> keepalived owns VIP after " + seconds(tookOver - frozen) + " s; stopped "
                    + seconds(thawed - frozen) + " s, SIGCONT -> single master (jlvs) and"
                    + " bystander ARP back on jlvs after " + seconds(System.nanoTime() - thawed) + " s");
            assertThat(jl.output()).contains("with lower priority 100, ours 200, forcing new election");
            int clean = ka.log().length();
            assertNoComplaint(ka.log());

            // a spoofed advert with the wrong password: dropped, counted, no state change
            String before = jl.status();
            VrrpAdvertisement wrong = VrrpAdvertisement.v2(52, 250, 1, VrrpAuthType.PASS, "wrong", List.of(vip));
            inject(lan, o, List.of(VrrpPacketEncoder.encode(wrong, o.address(), VrrpPacketEncoder.MCAST_GROUP4, 5)));
            await("auth failure counted", Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    JlvsChild.counter(jl.status(), "drop.AUTH_FAILURE"))
                    .isEqualTo(JlvsChild.counter(before, "drop.AUTH_FAILURE") + 1));
            String after = jl.status();
            report("v2 spoof: " + after);
            assertThat(after).contains("state=MASTER");
            assertThat(JlvsChild.counter(after, "transitions")).isEqualTo(JlvsChild.counter(before, "transitions"));
            String spoofed = ka.log().substring(clean);
            int resume = ka.log().length();

            // graceful stop of jlvs: priority 0, keepalived takes over within skew + 0.5 s
            jl.stop();
            await("keepalived MASTER after jlvs stop", Duration.ofSeconds(3)).until(() -> lan.owns(k, vip));
            double took = seconds(System.nanoTime() - jl.stoppedAt());
            assertThat(lan.owners(vip)).containsExactly(k);
            report("v2 jlvs graceful stop (priority 0) -> keepalived owns VIP after " + took + " s (bound "
                    + (skew(100) + 0.5) + " s; from the router's stop, 20 ms polling)");
            assertThat(took).isLessThanOrEqualTo(skew(100) + 0.5);

            // jlvs returns and preempts keepalived
            JlvsChild jl2 = JlvsChild.start(lan, j, "jlvs-b", props);
            await("jlvs preempts", Duration.ofSeconds(3 + 3)).untilAsserted(() ->
                    assertThat(lan.owners(vip)).containsExactly(j));
            assertThat(jl2.output()).contains("received lower priority (100) advert from " + k.address()
                    + " - discarding");

            // kill -9 jlvs: keepalived takes over within 3 * advert_int + skew + 1 s
            long killed = System.nanoTime();
            jl2.kill9();
            await("keepalived MASTER after kill -9 of jlvs", Duration.ofMillis((long) (bound * 1000) + 500))
                    .until(() -> lan.owns(k, vip));
            double kt = seconds(System.nanoTime() - killed);
            report("v2 kill -9 jlvs -> keepalived owns VIP after " + kt + " s (bound " + bound + " s)");
            assertThat(kt).isLessThanOrEqualTo(bound);
            assertNoComplaint(ka.log().substring(resume));
            // the scan is not blind: keepalived does complain about the spoof ("received an invalid passwd!")
            assertThat(COMPLAINT.matcher(spoofed).find()).as("keepalived complained about the spoof: %s", spoofed)
                    .isTrue();
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }

    /**
     * VRRPv3 unicast (unicast_src_ip / unicast_peer on both sides): jlvs 200 with nopreempt does not take over
     * from keepalived 100; kill -9 of keepalived, jlvs takes over; keepalived returns and stays BACKUP because it
     * hears our unicast adverts; jlvs's interface going down is a FAULT.
     */
    @Test
    void v3UnicastNopreempt() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node("j", 2);
            VrrpLan.Node k = lan.node("k", 3);
            IpAddress vip = lan.addr(100);
            String kaConf = KeepalivedPeer.config(3, 53, 100, vip.toString(), """
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                    """.formatted(k.address(), j.address()));
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka1", kaConf);
            await("keepalived MASTER", Duration.ofSeconds(10)).until(() -> lan.owns(k, vip));

            Properties props = jlvs(3, 53, 200, vip);
            props.setProperty("nopreempt", "true");
            props.setProperty("state", "BACKUP");
            props.setProperty("unicastSource", j.address().toString());
            props.setProperty("unicastPeers", k.address().toString());
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs", props);
            // longer than jlvs's master-down interval (3 + skew(200)): nopreempt holds it in BACKUP
            await("jlvs stays BACKUP (nopreempt)", Duration.ofSeconds(7)).during(Duration.ofMillis(4500))
                    .untilAsserted(() -> {
                        assertThat(lan.owners(vip)).containsExactly(k);
                        assertThat(jl.state()).isEqualTo("BACKUP");
                    });
            assertThat(JlvsChild.counter(jl.status(), "rcvd")).as("unicast adverts received").isGreaterThanOrEqualTo(3);

            long killed = System.nanoTime();
            ka.kill9();
            double bound = 3 + skew(200) + 1;
            await("jlvs MASTER after kill -9", Duration.ofMillis((long) (bound * 1000) + 500))
                    .until(() -> lan.owns(j, vip) && jl.transitionAt("MASTER", killed).isPresent());
            double took = seconds(jl.transitionAt("MASTER", killed).orElseThrow() - killed);
            report("v3 unicast kill -9 keepalived -> jlvs MASTER " + took + " s (bound " + bound + " s)");
            assertThat(took).isLessThanOrEqualTo(bound);
            assertNoComplaint(ka.log());

            lan.ip(k.ns(), "addr", "del", vip + "/24", "dev", "eth0");
            KeepalivedPeer ka2 = KeepalivedPeer.start(lan, k, "ka2", kaConf);
            await("keepalived hears our unicast adverts and stays BACKUP", Duration.ofSeconds(7))
                    .during(Duration.ofMillis(4500))
                    .untilAsserted(() -> assertThat(lan.owners(vip)).containsExactly(j));
            assertThat(ka2.log()).contains("(VI_1) Entering BACKUP STATE (init)").doesNotContain("Entering MASTER");
            assertNoComplaint(ka2.log());

            // our own interface going down (LinkMonitor) is a FAULT: the VIP goes; back up, BACKUP again
            long down = System.nanoTime();
            lan.ip(j.ns(), "link", "set", "eth0", "down");
            await("jlvs FAULT on link down", Duration.ofSeconds(2)).until(() ->
                    jl.transitionAt("FAULT", down).isPresent() && !lan.owns(j, vip));
            assertThat(jl.output()).contains("LOG Netlink reports eth0 down");
            lan.ip(j.ns(), "link", "set", "eth0", "up");
            await("jlvs BACKUP on link up", Duration.ofSeconds(2)).until(() -> jl.transitionAt("BACKUP", down).isPresent());
            jl.stop();
            assertThat(lan.owners(vip)).as("VIP removed on stop").isEmpty();
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }
}
