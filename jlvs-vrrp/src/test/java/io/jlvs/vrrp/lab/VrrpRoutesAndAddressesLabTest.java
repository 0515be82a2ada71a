package io.jlvs.vrrp.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lab tier: jlvs's {@code VrrpRouter} in a namespace with a label/scope on its virtual address and two
 * virtual_routes and a virtual_rules rule; keepalived 2.2.7 with a higher priority comes and goes.
 * {@code ip addr}, {@code ip route} and {@code ip rule} in jlvs's namespace must follow its state: there while
 * MASTER, gone while BACKUP and after stop.
 */
class VrrpRoutesAndAddressesLabTest {
    @TempDir
    Path dir;

    @Test
    void routesAndLabelledAddressFollowTheMasterState() throws Exception {
        VrrpLan lan = VrrpLan.create(dir);
        try (lan) {
            VrrpLan.Node j = lan.node("j", 2);
            VrrpLan.Node k = lan.node("k", 3);
            IpAddress vip = lan.addr(100);
            String gw = lan.addr(254).toString();
            Properties p = VrrpRouterInteropLabTest.jlvs(3, 61, 100, vip);
            // /32: the kernel wants a secondary address of eth0's own /24 to have the primary's scope
            p.setProperty("vips", vip + "/32");
            p.setProperty("vipLabel", "eth0:vip");
            p.setProperty("vipScope", "link");
            p.setProperty("routes", "192.0.2.0/24 via " + gw + "; blackhole 198.51.100.0/24");
            p.setProperty("rules", "172.16.5.0/24 77 1234");
            p.setProperty("garpDelayMillis", "0");
            JlvsChild jl = JlvsChild.start(lan, j, "jlvs", p);
            try {
                await("jlvs MASTER").until(() -> jl.state().equals("MASTER"));
                await("routes added").until(() -> routes(lan, j).contains("192.0.2.0/24 via " + gw + " dev eth0"));
                String addr = lan.ip(j.ns(), "-4", "addr", "show", "dev", "eth0");
                assertThat(addr).contains("inet " + vip + "/32 scope link eth0:vip");
                assertThat(routes(lan, j)).contains("blackhole 198.51.100.0/24");
                assertThat(rules(lan, j)).contains("1234:\tfrom 172.16.5.0/24 lookup 77");

                // keepalived with a higher priority preempts: jlvs is BACKUP, its routes and address are gone
                KeepalivedPeer ka = KeepalivedPeer.start(lan, k, "ka",
                        KeepalivedPeer.config(3, 61, 200, vip.toString(), ""));
                await("jlvs BACKUP").until(() -> jl.state().equals("BACKUP"));
                await("routes removed").until(() -> !routes(lan, j).contains("192.0.2.0/24")
                        && !routes(lan, j).contains("198.51.100.0/24"));
                assertThat(lan.owns(j, vip)).isFalse();
                assertThat(rules(lan, j)).doesNotContain("172.16.5.0/24");

                // keepalived dies: jlvs is MASTER again and the routes are back
                ka.kill9();
                await("jlvs MASTER again").until(() -> jl.state().equals("MASTER"));
                await("routes back").until(() -> routes(lan, j).contains("192.0.2.0/24 via " + gw)
                        && routes(lan, j).contains("blackhole 198.51.100.0/24")
                        && rules(lan, j).contains("from 172.16.5.0/24 lookup 77"));

                jl.stop();
                assertThat(routes(lan, j)).doesNotContain("192.0.2.0/24").doesNotContain("198.51.100.0/24");
                assertThat(rules(lan, j)).doesNotContain("172.16.5.0/24");
                assertThat(lan.owns(j, vip)).isFalse();
            } catch (AssertionError | Exception e) {
                lan.dumpLogs();
                throw e;
            }
        }
    }

    static org.awaitility.core.ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
    }

    static String rules(VrrpLan lan, VrrpLan.Node n) throws java.io.IOException {
        return lan.ip(n.ns(), "-4", "rule", "show");
    }

    static String routes(VrrpLan lan, VrrpLan.Node n) throws java.io.IOException {
        return lan.ip(n.ns(), "-4", "route", "show");
    }
}
