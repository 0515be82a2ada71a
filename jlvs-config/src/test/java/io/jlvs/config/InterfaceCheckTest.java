package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.VrrpInstanceDef;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every interface a VRRP configuration names (the instance's, track_interface, the dev of an address, route or
 * rule, static ones too) must exist, as keepalived 2.2.7 checks: a missing one is reported at its line, left out,
 * and the configuration is one keepalived's VRRP process will not start with - unless dynamic_interfaces is set.
 */
class InterfaceCheckTest {
    @TempDir
    Path dir;

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                virtual_ipaddress {
                    192.0.2.1/24
                }
            %s}
            """;

    private ParseResult parse(String text) {
        return new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0", "eth1")), 1)
                .parse("keepalived.conf", text, dir);
    }

    private static VrrpInstanceDef vi1(ParseResult r) {
        return r.config().vrrpInstances().getFirst();
    }

    @Test
    void aMissingTrackedInterfaceIsReportedLeftOutAndTheVrrpSideCannotStart() {
        ParseResult r = parse(INSTANCE.formatted("""
                    track_interface {
                        eth1 weight -10
                        bond1
                    }
                """));
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "(keepalived.conf: Line 10) (VI_1) tracked interface bond1 doesn't exist",
                "Non-existent interface specified in configuration");
        assertThat(ConfigCheck.exitCode(r.problems())).isEqualTo(ConfigCheck.EXIT_CHECK_CONFIG_TEST);
        // keepalived's VRRP process (and keepalived with it) stops: jlvs run does not start on this file
        assertThat(r.problems()).anyMatch(p -> p.kind() == ProblemKind.BAD_IF && p.severity() == Severity.FATAL);
        assertThat(vi1(r).trackInterfaces()).containsExactly("eth1 weight -10");
    }

    @Test
    void aSyncGroupsMissingTrackedInterfaceIsReportedUnderTheGroupsName() {
        ParseResult r = parse(INSTANCE.formatted("") + """
                vrrp_sync_group G1 {
                    group {
                        VI_1
                    }
                    track_interface {
                        bond1
                    }
                }
                """);
        assertThat(ConfigCheck.lines(r)).contains("(keepalived.conf: Line 14) (G1) tracked interface bond1 doesn't exist",
                "Non-existent interface specified in configuration");
        assertThat(r.config().syncGroups().getFirst().trackInterfaces()).isEmpty();
    }

    @Test
    void addressesRoutesAndRulesOnAMissingDeviceAreReportedAndLeftOut() {
        ParseResult r = parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    virtual_ipaddress {
                        192.0.2.1/24 dev eth1
                        192.0.2.2/24 dev bond1 label bond1:vip
                    }
                    virtual_ipaddress_excluded {
                        192.0.2.3/24 dev bond3
                    }
                    virtual_routes {
                        198.51.100.0/24 via 192.0.2.254 dev bond4
                        198.51.101.0/24 oif bond5
                        198.51.102.0/24 via 192.0.2.254 dev eth0
                    }
                    virtual_rules {
                        from 192.0.2.1 iif bond6 table 100
                        from 192.0.2.1 oif bond7 table 100
                        dev bond8 table 100
                        from 192.0.2.9 table 100
                    }
                }
                """);
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "(keepalived.conf: Line 7) WARNING - interface bond1 for ip address 192.0.2.2/24 doesn't exist",
                "(keepalived.conf: Line 10) WARNING - interface bond3 for ip address 192.0.2.3/24 doesn't exist",
                "(keepalived.conf: Line 13) WARNING - interface bond4 for VROUTE nexthop doesn't exist",
                "(keepalived.conf: Line 14) WARNING - interface bond5 for VROUTE nexthop doesn't exist",
                "(keepalived.conf: Line 18) WARNING - interface bond6 for rule doesn't exist",
                "(keepalived.conf: Line 19) WARNING - interface bond7 for rule doesn't exist",
                "(keepalived.conf: Line 20) WARNING - interface bond8 for rule doesn't exist",
                "Non-existent interface specified in configuration");
        VrrpInstanceDef vi = vi1(r);
        assertThat(vi.virtualIpaddresses()).containsExactly("192.0.2.1/24 dev eth1");
        assertThat(vi.virtualIpaddressesExcluded()).isEmpty();
        assertThat(vi.virtualRoutes()).containsExactly("198.51.102.0/24 via 192.0.2.254 dev eth0");
        assertThat(vi.virtualRules()).containsExactly("from 192.0.2.9 table 100");
    }

    @Test
    void staticAddressesRoutesAndRulesAreCheckedAlike() {
        ParseResult r = parse("""
                static_ipaddress {
                    192.0.2.200/24 dev bond1 scope global
                    192.0.2.201/24 dev eth0
                }
                static_routes {
                    198.51.100.0/24 via 192.0.2.254 dev bond2
                }
                static_rules {
                    from 192.0.2.1 iif bond3 table 100
                }
                """);
        assertThat(ConfigCheck.lines(r)).containsExactly(
                "(keepalived.conf: Line 2) WARNING - interface bond1 for ip address 192.0.2.200/24 doesn't exist",
                "(keepalived.conf: Line 6) WARNING - interface bond2 for VROUTE nexthop doesn't exist",
                "(keepalived.conf: Line 9) WARNING - interface bond3 for rule doesn't exist",
                "Non-existent interface specified in configuration");
        KeepalivedConfig c = r.config();
        assertThat(c.staticIpaddresses()).containsExactly("192.0.2.201/24 dev eth0");
        assertThat(c.staticRoutes()).isEmpty();
    }

    @Test
    void withDynamicInterfacesAMissingInterfaceIsUsedOnceItIsCreated() {
        ParseResult r = parse("global_defs {\n    dynamic_interfaces\n}\n" + INSTANCE.formatted("""
                    track_interface {
                        bond1
                    }
                    virtual_routes {
                        198.51.100.0/24 dev bond1
                    }
                """));
        // keepalived logs this (once per interface) and accepts the file; the link counts as down until it exists
        assertThat(ConfigCheck.lines(r)).containsExactly("(keepalived.conf: Line 12) Configuration specifies"
                + " interface bond1 which doesn't currently exist - will use if created");
        assertThat(r.accepted()).isTrue();
        assertThat(ConfigCheck.exitCode(r.problems())).isZero();
        assertThat(vi1(r).trackInterfaces()).containsExactly("bond1");
        assertThat(vi1(r).virtualRoutes()).containsExactly("198.51.100.0/24 dev bond1");
    }

    @Test
    void theInstancesOwnMissingInterfaceIsANonExistentInterfaceToo() {
        ParseResult r = parse(INSTANCE.formatted("").replace("interface eth0", "interface bond2"));
        assertThat(ConfigCheck.lines(r)).contains(
                "(keepalived.conf: Line 2) WARNING - interface bond2 for vrrp_instance VI_1 doesn't exist",
                "Non-existent interface specified in configuration");
    }
}
