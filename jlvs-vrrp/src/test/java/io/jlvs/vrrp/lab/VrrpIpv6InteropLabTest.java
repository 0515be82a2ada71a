package io.jlvs.vrrp.lab;

import static io.jlvs.vrrp.lab.VrrpRouterInteropLabTest.assertNoComplaint;
import static io.jlvs.vrrp.lab.VrrpRouterInteropLabTest.await;
import static io.jlvs.vrrp.lab.VrrpRouterInteropLabTest.report;
import static io.jlvs.vrrp.lab.VrrpRouterInteropLabTest.seconds;
import static io.jlvs.vrrp.lab.VrrpRouterInteropLabTest.skew;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpAdvertisement;
import io.jlvs.vrrp.codec.VrrpPacketEncoder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: VRRPv3 over IPv6 between jlvs's {@code VrrpRouter} (child JVM in one namespace) and real keepalived
 * 2.2.7 (another) on one bridge, both sending from eth0's link-local address to ff02::12, the VIP a ULA /64, and a
 * third namespace as a bystander whose neighbour table must follow the master. advert_int 1 s. Times are printed
 * as {@code [vrrp-lab]} lines.
 */
class VrrpIpv6InteropLabTest {
    @TempDir
    Path dir;

    static Properties jlvs6(int vrid, int priority, IpAddress vip) {
        Properties p = new Properties();
        p.setProperty("interface", "eth0");
        p.setProperty("vrid", Integer.toString(vrid));
        p.setProperty("priority", Integer.toString(priority));
        p.setProperty("version", "3");
        p.setProperty("vips", vip + "/64");
        return p;
    }

    /**
     * keepalived the better router (200), jlvs 100: keepalived MASTER holding the VIP, jlvs BACKUP on its adverts;
     * the bystander resolves the VIP to keepalived's MAC; kill -9 of keepalived: jlvs MASTER and VIP owner within
     * 3 x advert_int + skew + 1 s, and its unsolicited neighbour advertisements move the bystander's entry to jlvs's
     * MAC; then spoofed adverts (hop limit 254, bad checksum, other VRID) from the bystander are dropped and counted.
     */
    @Test
    void keepalivedMasterKilledJlvsTakesOverWithNeighbourAdvertisement() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node6("j", 0);
            VrrpLan.Node k = lan.node6("k", 0);
            VrrpLan.Node o = lan.node6("o", 4);
            IpAddress vip = lan.addr6(0x100);
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka6", KeepalivedPeer.config6(61, 200, vip.toString()));
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs6", jlvs6(61, 100, vip));

            await("keepalived MASTER", Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(lan.owners6(vip)).containsExactly(k));
            await("jlvs BACKUP", Duration.ofSeconds(5)).until(() -> jl.state().equals("BACKUP"));
            assertThat(ka.log()).contains("(VI_1) Entering MASTER STATE");
            String backup = jl.status();
            assertThat(JlvsChild.counter(backup, "rcvd")).as("keepalived's IPv6 adverts accepted: %s", backup)
                    .isPositive();
            assertThat(backup).doesNotContain("drop.");
            // the bystander talks to the VIP: its neighbour entry points at keepalived
            lan.lab.exec(o.ns(), "ping", "-6", "-c", "1", "-W", "2", vip.toString()).orThrow("ping -6 " + vip);
            assertThat(lan.neighbourMac(o, vip)).isEqualTo(k.mac());

            long killed = System.nanoTime();
            ka.kill9();
            double bound = 3 + skew(100) + 1;
            await("jlvs MASTER after kill -9", Duration.ofMillis((long) (bound * 1000) + 500)).untilAsserted(() -> {
                assertThat(jl.transitionAt("MASTER", killed)).isPresent();
                assertThat(lan.owns6(j, vip)).isTrue();
                assertThat(lan.neighbourMac(o, vip)).isEqualTo(j.mac());
            });
            long followed = System.nanoTime();
            long master = jl.transitionAt("MASTER", killed).orElseThrow();
            report("v6 kill -9 keepalived -> jlvs MASTER " + seconds(master - killed) + " s, VIP on jlvs and"
                    + " bystander neighbour entry at jlvs's MAC " + seconds(followed - killed) + " s (bound " + bound
                    + " s)");
            assertThat(seconds(master - killed)).isLessThanOrEqualTo(bound);
            assertNoComplaint(ka.log());

            // spoofed IPv6 adverts from the bystander: hop limit 254, a bad checksum, another VRID: dropped,
            // counted, no state change
            String before = jl.status();
            VrrpAdvertisement better = VrrpAdvertisement.v3(61, 250, 100, List.of(vip));
            IpAddress group = VrrpPacketEncoder.MCAST_GROUP6;
            byte[] hop254 = VrrpPacketEncoder.encode(better, o.address(), group, 254, 0);
            byte[] badSum = VrrpPacketEncoder.encode(better, o.address(), group, 0);
            badSum[40 + 6] ^= 0x5a;
            byte[] otherVrid = VrrpPacketEncoder.encode(VrrpAdvertisement.v3(63, 250, 100, List.of(vip)),
                    o.address(), group, 0);
            VrrpRouterInteropLabTest.inject(lan, o, List.of(hop254, badSum, otherVrid));
            await("drops counted", Duration.ofSeconds(5)).untilAsserted(() -> {
                String s = jl.status();
                assertThat(JlvsChild.counter(s, "drop.TTL")).isEqualTo(JlvsChild.counter(before, "drop.TTL") + 1);
                assertThat(JlvsChild.counter(s, "drop.CHECKSUM"))
                        .isEqualTo(JlvsChild.counter(before, "drop.CHECKSUM") + 1);
                assertThat(JlvsChild.counter(s, "drop.UNKNOWN_VRID"))
                        .isEqualTo(JlvsChild.counter(before, "drop.UNKNOWN_VRID") + 1);
            });
            String after = jl.status();
            report("v6 spoofs: " + after);
            assertThat(after).contains("state=MASTER");
            assertThat(JlvsChild.counter(after, "transitions")).isEqualTo(JlvsChild.counter(before, "transitions"));

            jl.stop();
            assertThat(lan.owns6(j, vip)).as("VIP removed on stop").isFalse();
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }

    /**
     * jlvs the better router (200), keepalived 100: jlvs MASTER holding the VIP, keepalived BACKUP on our adverts
     * with no complaint; kill -9 of jlvs: keepalived MASTER and VIP owner within 3 x advert_int + skew + 1 s.
     */
    @Test
    void jlvsMasterKilledKeepalivedTakesOver() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node6("j", 0);
            VrrpLan.Node k = lan.node6("k", 0);
            IpAddress vip = lan.addr6(0x100);
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs6", jlvs6(62, 200, vip));
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka6", KeepalivedPeer.config6(62, 100, vip.toString()));

            await("jlvs MASTER", Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(lan.owners6(vip)).containsExactly(j);
                assertThat(jl.state()).isEqualTo("MASTER");
            });
            await("keepalived BACKUP", Duration.ofSeconds(5)).until(() ->
                    ka.log().lines().filter(l -> l.contains("(VI_1) Entering ")).reduce((a, b) -> b).orElse("")
                            .contains("BACKUP"));
            // a few more adverts for keepalived to judge, then still one owner and no complaint
            long seen = System.nanoTime();
            await("3 adverts later", Duration.ofSeconds(5)).until(() -> seconds(System.nanoTime() - seen) > 3);
            assertThat(lan.owners6(vip)).containsExactly(j);
            assertThat(ka.log()).doesNotContain("(VI_1) Entering MASTER STATE");
            assertNoComplaint(ka.log());

            long killed = System.nanoTime();
            jl.kill9();
            double bound = 3 + skew(100) + 1;
            await("keepalived MASTER after kill -9 of jlvs", Duration.ofMillis((long) (bound * 1000) + 500))
                    .until(() -> lan.owns6(k, vip));
            long took = System.nanoTime() - killed;
            report("v6 kill -9 jlvs -> keepalived owns VIP " + seconds(took) + " s (bound " + bound + " s)");
            assertThat(seconds(took)).isLessThanOrEqualTo(bound);
            assertThat(ka.log()).contains("(VI_1) Entering MASTER STATE");
            assertNoComplaint(ka.log());
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }
    /**
     * VRRPv3 unicast over IPv6 (unicast_src_ip / unicast_peer with ULA addresses on both sides), keepalived 200 and
     * jlvs 100: jlvs BACKUP on keepalived's unicast adverts (none dropped); kill -9 of keepalived: jlvs takes over
     * within 3 x advert_int + skew + 1 s; keepalived returns at priority 50 and stays BACKUP on our unicast adverts,
     * with no complaint.
     */
    @Test
    void unicastPeersOverIpv6() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node6("j", 2);
            VrrpLan.Node k = lan.node6("k", 3);
            IpAddress vip = lan.addr6(0x100);
            String unicast = """
                      unicast_src_ip %s
                      unicast_peer {
                        %s
                      }
                      virtual_ipaddress {""".formatted(k.address(), j.address());
            String kaConf = KeepalivedPeer.config6(64, 200, vip.toString()).replace("  virtual_ipaddress {", unicast);
            assertThat(kaConf).contains("unicast_peer");
            KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka6u", kaConf);
            Properties props = jlvs6(64, 100, vip);
            props.setProperty("unicastSource", j.address().toString());
            props.setProperty("unicastPeers", k.address().toString());
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs6u", props);

            await("keepalived MASTER", Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(lan.owners6(vip)).containsExactly(k));
            await("jlvs BACKUP on 2 unicast adverts", Duration.ofSeconds(8)).untilAsserted(() -> {
                assertThat(jl.state()).isEqualTo("BACKUP");
                assertThat(JlvsChild.counter(jl.status(), "rcvd")).isGreaterThanOrEqualTo(2);
            });
            String status = jl.status();
            assertThat(status).doesNotContain("drop.");
            assertThat(ka.log()).contains("unicast, address(" + k.address() + ")");

            long killed = System.nanoTime();
            ka.kill9();
            double bound = 3 + skew(100) + 1;
            await("jlvs MASTER after kill -9", Duration.ofMillis((long) (bound * 1000) + 500))
                    .until(() -> lan.owns6(j, vip) && jl.transitionAt("MASTER", killed).isPresent());
            double took = seconds(jl.transitionAt("MASTER", killed).orElseThrow() - killed);
            report("v6 unicast kill -9 keepalived -> jlvs MASTER " + took + " s (bound " + bound + " s); before: "
                    + status);
            assertThat(took).isLessThanOrEqualTo(bound);
            assertNoComplaint(ka.log());

            lan.ip(k.ns(), "-6", "addr", "del", vip + "/64", "dev", "eth0");
            KeepalivedPeer ka2 = KeepalivedPeer.start(lan, k, "ka6u2",
                    KeepalivedPeer.config6(64, 50, vip.toString()).replace("  virtual_ipaddress {", unicast));
            await("keepalived hears our unicast adverts and stays BACKUP", Duration.ofSeconds(7))
                    .during(Duration.ofMillis(4500))
                    .untilAsserted(() -> assertThat(lan.owners6(vip)).containsExactly(j));
            assertThat(ka2.log()).contains("(VI_1) Entering BACKUP STATE (init)").doesNotContain("Entering MASTER");
            assertNoComplaint(ka2.log());
            jl.stop();
            assertThat(lan.owners6(vip)).as("VIP removed on stop").isEmpty();
        } catch (Throwable t) {
            lan.dumpLogs();
            throw t;
        }
    }
}
