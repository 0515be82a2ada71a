package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.vrrp.runtime.ScriptRunner;
import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.jlvs.vrrp.transport.InMemoryVrrpLan;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The tracked vrrp_scripts' status as /metrics and keepalived.data read it from the daemon's VRRP service: real
 * scripts ({@code /bin/true}, {@code /bin/false}) run by two instances, each its own router; a script both
 * track is listed once.
 */
class VrrpServiceScriptsTest {

    @Test
    void eachTrackedScriptIsListedOnceWithItsVerdict() {
        String conf = """
                vrrp_script chk_ok {
                    script "/bin/true"
                    interval 1
                }
                vrrp_script chk_bad {
                    script "/bin/false"
                    interval 1
                }
                """ + tracked("VI_1", 51, "chk_ok\n chk_bad") + tracked("VI_2", 52, "chk_bad");
        LanHost host = new LanHost(new InMemoryVrrpLan(), new AtomicInteger(), "10.0.0.1");
        try (VrrpService s = VrrpService.start(VrrpServiceTest.conf(conf), line -> { }, () -> host,
                System::nanoTime, new ScriptRunner())) {
            Awaitility.await().atMost(VrrpServiceTest.BOUND).until(() -> s.scripts().stream()
                    .anyMatch(x -> x.name().equals("chk_bad") && !x.good()));
            assertThat(s.scripts()).extracting(VrrpScriptStatus::name, VrrpScriptStatus::good)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("chk_ok", true),
                            org.assertj.core.groups.Tuple.tuple("chk_bad", false));
        }
    }

    /**
     * A vrrp_script whose program is not there: keepalived disables it when it loads the file ("Disabling track
     * script check_apiserver since not found/accessible") and the instance runs as if it were not tracked. jlvs ran
     * it, it failed (exit -1) and the weight-0 script held the instance in FAULT.
     */
    @Test
    void aTrackedScriptThatIsNotThereIsNotRunAndLeavesTheInstanceAlone() {
        String conf = """
                vrrp_script check_apiserver {
                    script "/nonexistent-jlvs/check_apiserver.sh"
                    interval 1
                    weight 0
                }
                """ + tracked("VI_1", 51, "check_apiserver");
        LanHost host = new LanHost(new InMemoryVrrpLan(), new AtomicInteger(), "10.0.0.1");
        java.util.List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        try (VrrpService s = VrrpService.start(VrrpServiceTest.conf(conf), events::add, () -> host,
                System::nanoTime, new ScriptRunner())) {
            Awaitility.await().atMost(VrrpServiceTest.BOUND)
                    .until(() -> VrrpServiceTest.state(s, "VI_1") == io.jlvs.vrrp.state.VrrpState.MASTER);
            assertThat(s.scripts()).isEmpty();
            assertThat(events).noneMatch(e -> e.contains("FAULT") || e.contains("VRRP_Script"));
        }
    }

    private static String tracked(String name, int vrid, String scripts) {
        return """
                vrrp_instance %s {
                    interface eth0
                    virtual_router_id %d
                    priority 100
                    advert_int 0.3
                    virtual_ipaddress {
                        10.0.%d.100/24
                    }
                    track_script {
                        %s
                    }
                }
                """.formatted(name, vrid, vrid, scripts);
    }
}
