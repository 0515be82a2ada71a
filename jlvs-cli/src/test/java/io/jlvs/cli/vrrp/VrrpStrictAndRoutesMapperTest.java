package io.jlvs.cli.vrrp;

import static io.jlvs.cli.vrrp.VrrpSettingsMapperTest.map;
import static io.jlvs.cli.vrrp.VrrpSettingsMapperTest.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.settings.ElectionOptions;
import io.jlvs.vrrp.settings.VirtualRoute;
import io.jlvs.vrrp.settings.VirtualRule;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import org.junit.jupiter.api.Test;

/** vrrp_strict / strict_mode, the lower-priority keywords and virtual_routes, from keepalived.conf text. */
class VrrpStrictAndRoutesMapperTest {

    static String instance(String body) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 150\n" + body
                + " virtual_ipaddress {\n  10.1.1.1/24\n }\n}\n";
    }

    static final String STRICT = "global_defs {\n vrrp_strict\n}\n";

    @Test
    void withoutStrictModeKeepalivedAnswersALowerPriorityWithAnAdvertAndTheGarpMasterRounds() {
        VrrpInstanceSettings s = only(map("global_defs {\n vrrp_garp_master_repeat 3\n vrrp_garp_master_delay 2\n}\n"
                + instance("")));
        assertThat(s.election()).isEqualTo(new ElectionOptions(false, false, 3, 2000));
    }

    @Test
    void theLowerPriorityKeywordsAreHonouredGloballyAndPerInstance() {
        VrrpInstanceSettings s = only(map("global_defs {\n vrrp_garp_lower_prio_repeat 4\n"
                + " vrrp_higher_prio_send_advert\n}\n"
                + instance(" garp_lower_prio_delay 7\n lower_prio_no_advert\n")));
        assertThat(s.election()).isEqualTo(new ElectionOptions(true, true, 4, 7000));
    }

    @Test
    void strictModeForcesRfcBehaviourAndDropsWhatItForbids() {
        VrrpMapping m = map(STRICT + instance(" state MASTER\n preempt_delay 5\n garp_lower_prio_repeat 2\n"
                + " authentication {\n  auth_type PASS\n  auth_pass secret\n }\n"));
        VrrpInstanceSettings s = only(m);
        assertThat(s.election()).isEqualTo(ElectionOptions.STRICT);
        assertThat(s.authPass()).isNull();
        assertThat(s.preemptDelayMillis()).isZero();
        assertThat(s.initialState()).as("state MASTER without being the owner").isEqualTo(VrrpState.BACKUP);
        assertThat(m.warnings()).anyMatch(w -> w.contains("Strict mode does not support authentication"))
                .anyMatch(w -> w.contains("State MASTER must match being address owner"))
                .anyMatch(w -> w.contains("preempt_delay is incompatible with strict mode"))
                .anyMatch(w -> w.contains("garp_lower_prio"));
    }

    @Test
    void anInstanceCanLeaveStrictModeAndAnotherCanEnterIt() {
        VrrpMapping off = map(STRICT + instance(" strict_mode off\n authentication {\n  auth_type PASS\n"
                + "  auth_pass secret\n }\n"));
        assertThat(only(off).authPass()).isEqualTo("secret");
        assertThat(only(off).election().lowerPrioNoAdvert()).isFalse();
        VrrpMapping on = map(instance(" strict_mode\n"));
        assertThat(only(on).election()).isEqualTo(ElectionOptions.STRICT);
    }

    @Test
    void unicastPeersInStrictModeStopTheWholeVrrpConfiguration() {
        VrrpMapping m = map(STRICT + instance(" unicast_peer {\n  10.1.1.9\n }\n")
                + "vrrp_instance VI_2 {\n interface eth1\n virtual_router_id 52\n"
                + " virtual_ipaddress {\n  10.2.2.2\n }\n}\n");
        assertThat(m.instances()).isEmpty();
        assertThat(m.warnings()).anyMatch(w -> w.startsWith("(VI_1) Unicast peers are not supported in strict mode"));
    }

    @Test
    void virtualRoutesAreParsedAsKeepalivedWritesThem() {
        VrrpMapping m = map(instance(" virtual_routes {\n  src 10.1.1.1 to 192.0.2.0/24 via 10.1.1.254 dev eth1"
                + " metric 5 table 100\n  blackhole 198.51.100.0/24\n  203.0.113.7 dev eth0 scope link\n"
                + "  10.9.0.0/16 via zzz\n }\n"));
        VrrpInstanceSettings s = only(m);
        assertThat(s.virtualRoutes()).containsExactly(
                new VirtualRoute("unicast", IpAddress.parse("192.0.2.0"), 24, IpAddress.parse("10.1.1.254"), "eth1",
                        IpAddress.parse("10.1.1.1"), 5, 100, null),
                new VirtualRoute("blackhole", IpAddress.parse("198.51.100.0"), 24, null, null, null, -1, 0, null),
                new VirtualRoute("unicast", IpAddress.parse("203.0.113.7"), 32, null, "eth0", null, -1, 0, "link"));
        assertThat(m.warnings()).anyMatch(w -> w.contains("10.9.0.0/16 via zzz") && w.contains("not added"))
                .noneMatch(w -> w.contains("virtual_routes is not supported"));
    }

    @Test
    void virtualRulesAreParsedAsKeepalivedWritesThem() {
        VrrpMapping m = map(instance(" virtual_rules {\n  from 192.168.2.0/24 table 1\n"
                + "  to 192.168.2.0/24 table 1 no_track\n  from all fwmark 0x10/0xff iif eth1 priority 100 lookup 200\n"
                + "  from 10.0.0.0/8 goto 5\n  from 10.0.0.0/8\n }\n"));
        VrrpInstanceSettings s = only(m);
        assertThat(s.virtualRules()).containsExactly(
                new VirtualRule(IpAddress.parse("192.168.2.0"), 24, null, 0, null, null, -1, -1, -1, 1),
                new VirtualRule(null, 0, IpAddress.parse("192.168.2.0"), 24, null, null, -1, -1, -1, 1),
                new VirtualRule(null, 0, null, 0, "eth1", null, 16, 255, 100, 200));
        assertThat(s.virtualRules().get(2)).hasToString("100: from all fwmark 0x10/0xff iif eth1 lookup 200");
        assertThat(m.warnings()).anyMatch(w -> w.contains("goto") && w.contains("rule not added"))
                .anyMatch(w -> w.contains("from 10.0.0.0/8: no table"));
    }
}
