package io.jlvs.cli.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.HostInterfaces;
import io.jlvs.config.KeepalivedParser;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.settings.NotifySettings;
import io.jlvs.vrrp.settings.SyncGroupSettings;
import io.jlvs.vrrp.settings.TrackFile;
import io.jlvs.vrrp.settings.TrackInterface;
import io.jlvs.vrrp.settings.TrackScript;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.settings.VrrpInstanceSettings;
import io.jlvs.vrrp.state.VrrpState;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** keepalived.conf text in, runtime settings and warnings out: one assertion group per mapped keyword. */
class VrrpSettingsMapperTest {

    static KeepalivedConfig parse(String text) {
        return new KeepalivedParser("testhost", HostInterfaces.of(Set.of("eth0", "eth1", "eth2")), 1)
                .parse("keepalived.conf", text, Path.of(".")).config();
    }

    static VrrpMapping map(String text) {
        return VrrpSettingsMapper.map(parse(text));
    }

    static VrrpInstanceSettings only(VrrpMapping m) {
        assertThat(m.instances()).hasSize(1);
        return m.instances().getFirst();
    }

    static final String FULL = """
            global_defs {
                router_id lb1
                vrrp_garp_master_delay 3
                vrrp_garp_master_repeat 2
                notify_fifo /run/keepalived.fifo
            }
            vrrp_script chk_web {
                script "/usr/bin/curl -sf 'http://x/ a'"
                interval 2
                timeout 3
                weight 10
                rise 2
                fall 3
                init_fail
            }
            track_file tf1 {
                file /run/prio
                weight -5
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                advert_int 2
                authentication {
                    auth_type PASS
                    auth_pass s3cret
                }
                virtual_ipaddress {
                    10.0.0.100/24 dev eth1 label eth1:vip scope global
                    10.0.0.101
                }
                unicast_src_ip 10.0.0.1
                unicast_peer {
                    10.0.0.2
                    10.0.0.3
                }
                preempt_delay 7
                garp_master_refresh 60
                garp_master_refresh_repeat 2
                garp_master_repeat 4
                dont_track_primary
                track_interface {
                    eth2 weight -20
                }
                track_script {
                    chk_web
                }
                track_file {
                    tf1 weight 3
                }
                notify_master "/etc/ka/master.sh arg1"
                notify_backup /etc/ka/backup.sh
                notify_fault /etc/ka/fault.sh
                notify_stop /etc/ka/stop.sh
                notify /etc/ka/any.sh
            }
            """;

    @Test
    void everySupportedInstanceKeywordIsCarriedOver() {
        VrrpMapping m = map(FULL);
        VrrpInstanceSettings s = only(m);
        assertThat(s.name()).isEqualTo("VI_1");
        assertThat(s.interfaceName()).isEqualTo("eth0");
        assertThat(s.vrid()).isEqualTo(51);
        assertThat(s.priority()).isEqualTo(150);
        assertThat(s.advertIntervalCentis()).isEqualTo(200);
        assertThat(s.version()).isEqualTo(VrrpVersion.V2);
        assertThat(s.initialState()).isEqualTo(VrrpState.MASTER);
        assertThat(s.authPass()).isEqualTo("s3cret");
        assertThat(s.virtualAddresses()).containsExactly(
                new VirtualIpAddress(IpAddress.parse("10.0.0.100"), 24, "eth1", "eth1:vip", "global"),
                new VirtualIpAddress(IpAddress.parse("10.0.0.101"), 32, null, null, null));
        assertThat(s.unicastSource()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(s.unicastPeers()).containsExactly(IpAddress.parse("10.0.0.2"), IpAddress.parse("10.0.0.3"));
        assertThat(s.preemptDelayMillis()).isEqualTo(7000);
        assertThat(s.garpMasterDelayMillis()).as("global vrrp_garp_master_delay").isEqualTo(3000);
        assertThat(s.garpMasterRepeat()).as("the instance's own beats the global").isEqualTo(4);
        assertThat(s.garpMasterRefreshMillis()).isEqualTo(60_000);
        assertThat(s.garpMasterRefreshRepeat()).isEqualTo(2);
        assertThat(s.dontTrackPrimary()).isTrue();
        assertThat(s.trackInterfaces()).containsExactly(new TrackInterface("eth2", -20));
        assertThat(s.trackScripts()).containsExactly(new TrackScript("chk_web",
                List.of("/usr/bin/curl", "-sf", "http://x/ a"), 2000, 3000, 10, 2, 3, true));
        assertThat(s.trackFiles()).containsExactly(new TrackFile("tf1", Path.of("/run/prio"), 3,
                VrrpSettingsMapper.TRACK_FILE_INTERVAL_MILLIS));
        assertThat(s.notifySettings()).isEqualTo(new NotifySettings(List.of("/etc/ka/master.sh", "arg1"),
                List.of("/etc/ka/backup.sh"), List.of("/etc/ka/fault.sh"), List.of("/etc/ka/stop.sh"),
                List.of("/etc/ka/any.sh"), Path.of("/run/keepalived.fifo"), VrrpSettingsMapper.NOTIFY_TIMEOUT_MILLIS));
        assertThat(s.unicast()).isTrue();
        assertThat(m.warnings()).isEmpty();
    }

    static String instance(String extra) {
        return "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n 10.1.1.1/24\n }\n"
                + extra + "\n}\n";
    }

    @Test
    void defaultsAreKeepalivedsWhenNothingIsSaid() {
        VrrpInstanceSettings s = only(map(instance("")));
        assertThat(s.priority()).isEqualTo(100);
        assertThat(s.advertIntervalCentis()).isEqualTo(100);
        assertThat(s.version()).isEqualTo(VrrpVersion.V2);
        assertThat(s.initialState()).isNull();
        assertThat(s.nopreempt()).isFalse();
        assertThat(s.garpMasterDelayMillis()).isEqualTo(5000);
        assertThat(s.garpMasterRepeat()).isEqualTo(5);
        assertThat(s.garpMasterRefreshMillis()).isZero();
        assertThat(s.garpMasterRefreshRepeat()).isEqualTo(1);
        assertThat(s.dontTrackPrimary()).isFalse();
        assertThat(s.unicast()).isFalse();
        assertThat(s.notifySettings().fifo()).isNull();
        assertThat(s.authPass()).isNull();
    }

    @Test
    void globalVrrpVersionAndV3FractionalInterval() {
        VrrpInstanceSettings s = only(map("global_defs {\n vrrp_version 3\n}\n" + instance("advert_int 0.25\nstate BACKUP")));
        assertThat(s.version()).isEqualTo(VrrpVersion.V3);
        assertThat(s.advertIntervalCentis()).isEqualTo(25);
        assertThat(s.initialState()).isEqualTo(VrrpState.BACKUP);
        VrrpInstanceSettings own = only(map("global_defs {\n vrrp_version 3\n}\n" + instance("version 2")));
        assertThat(own.version()).as("the instance's version beats the global one").isEqualTo(VrrpVersion.V2);
    }

    @Test
    void masterWithoutPriorityIsTheOwnerAndNopreemptIsMapped() {
        assertThat(only(map(instance("state MASTER"))).priority()).isEqualTo(255);
        VrrpInstanceSettings s = only(map(instance("priority 90\nnopreempt")));
        assertThat(s.nopreempt()).isTrue();
        assertThat(s.priority()).isEqualTo(90);
    }

    @Test
    void mcastSourceAndVrrpNotifyFifoAndGlobalRefresh() {
        VrrpInstanceSettings s = only(map("""
                global_defs {
                  notify_fifo /run/a.fifo
                  vrrp_notify_fifo /run/vrrp.fifo
                  vrrp_garp_master_refresh 30
                  vrrp_garp_master_refresh_repeat 3
                }
                """ + instance("mcast_src_ip 10.1.1.9")));
        assertThat(s.unicastSource()).isEqualTo(IpAddress.parse("10.1.1.9"));
        assertThat(s.unicast()).isFalse();
        assertThat(s.notifySettings().fifo()).as("vrrp_notify_fifo wins for VRRP").isEqualTo(Path.of("/run/vrrp.fifo"));
        assertThat(s.garpMasterRefreshMillis()).isEqualTo(30_000);
        assertThat(s.garpMasterRefreshRepeat()).isEqualTo(3);
    }

    @Test
    void addressRangeExpandsOverTheLastByte() {
        VrrpInstanceSettings s = only(map("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n"
                + " virtual_ipaddress {\n 10.1.1.10-12/24 dev eth1\n }\n}\n"));
        assertThat(s.virtualAddresses()).extracting(v -> v.address().toString() + "/" + v.prefixLength() + " " + v.device())
                .containsExactly("10.1.1.10/24 eth1", "10.1.1.11/24 eth1", "10.1.1.12/24 eth1");
    }

    @Test
    void syncGroupMembersAreMappedAndItsScriptsWarned() {
        VrrpMapping m = map(instance("") + """
                vrrp_instance VI_2 {
                  interface eth0
                  virtual_router_id 8
                  virtual_ipaddress {
                    10.1.2.1/24
                  }
                }
                vrrp_sync_group G1 {
                  group {
                    VI_1
                    VI_2
                    VI_9
                  }
                  notify_master /etc/ka/g-master.sh
                }
                """);
        assertThat(m.instances()).extracting(VrrpInstanceSettings::name).containsExactly("VI_1", "VI_2");
        assertThat(m.syncGroups()).containsExactly(new SyncGroupSettings("G1", List.of("VI_1", "VI_2")));
        assertThat(m.warnings()).anySatisfy(w -> assertThat(w).contains("G1").contains("VI_9"))
                .anySatisfy(w -> assertThat(w).contains("G1").contains("notify_master"));
    }

    @Test
    void whatTheRuntimeCannotHonourIsWarnedNotDropped() {
        VrrpMapping m = map("global_defs {\n vrrp_strict\n}\n" + instance("""
                use_vmac
                accept
                track_script {
                  missing_chk
                }
                virtual_ipaddress_excluded {
                  10.9.9.9
                }
                virtual_ipaddress {
                  10.1.1.2/24 brd 10.1.1.255 scope link
                  fe80::1/64
                }
                authentication {
                  auth_type AH
                  auth_pass x
                }
                """));
        VrrpInstanceSettings s = only(m);
        assertThat(s.virtualAddresses()).extracting(VirtualIpAddress::address)
                .containsExactly(IpAddress.parse("10.1.1.1"), IpAddress.parse("10.1.1.2"));
        assertThat(s.authPass()).isNull();
        // missing_chk: the parser reports it ("(VI_1) track script missing_chk not found, ignoring...") and
        // leaves it out, as keepalived does
        assertThat(s.trackScripts()).isEmpty();
        assertThat(s.virtualAddresses().get(1).scope()).isEqualTo("link");
        assertThat(m.warnings()).anyMatch(w -> w.contains("Strict mode does not support authentication"))
                .anyMatch(w -> w.contains("(VI_1) use_vmac"))
                .anyMatch(w -> w.contains("(VI_1) accept"))
                .anyMatch(w -> w.contains("virtual_ipaddress_excluded"))
                .anyMatch(w -> w.contains("brd 10.1.1.255"))
                .anyMatch(w -> w.contains("fe80::1/64") && w.contains("IPv6"))
                .anyMatch(w -> w.contains("AH"));
    }

    @Test
    void anIpv6InstanceRunsAsVrrpv3WithItsOwnFamilyOnly() {
        VrrpMapping m = map("""
                vrrp_instance VI_6 {
                  interface eth0
                  virtual_router_id 9
                  version 2
                  unicast_src_ip fd00::1
                  unicast_peer {
                    fd00::2
                    10.0.0.2
                  }
                  virtual_ipaddress {
                    fd00:203::100/64 dev eth0
                    2001:db8::7
                    10.9.9.9/24
                  }
                }
                """);
        VrrpInstanceSettings s = only(m);
        assertThat(s.version()).isEqualTo(VrrpVersion.V3);
        assertThat(s.virtualAddresses()).extracting(VirtualIpAddress::address)
                .containsExactly(IpAddress.parse("fd00:203::100"), IpAddress.parse("2001:db8::7"));
        assertThat(s.virtualAddresses()).extracting(VirtualIpAddress::prefixLength).containsExactly(64, 128);
        assertThat(s.virtualAddresses().getFirst().device()).isEqualTo("eth0");
        assertThat(s.unicastSource()).isEqualTo(IpAddress.parse("fd00::1"));
        assertThat(s.unicastPeers()).containsExactly(IpAddress.parse("fd00::2"));
        assertThat(m.warnings()).anyMatch(w -> w.contains("VRRPv2 has no IPv6 - running version 3"))
                .anyMatch(w -> w.contains("10.9.9.9/24 is IPv4 but the instance's first address is not"))
                .anyMatch(w -> w.contains("unicast_peer 10.0.0.2 is IPv4 but the instance is IPv6"));
    }

    @Test
    void weightsWrittenInTheTrackBlocksOverrideTheScriptsAndFiles() {
        VrrpInstanceSettings s = only(map("""
                vrrp_script chk {
                  script /bin/true
                  weight 10
                }
                track_file tf {
                  file /run/x
                  weight 7
                }
                """ + instance("track_script {\n chk weight -30\n}\ntrack_file {\n tf\n}\n")));
        assertThat(s.trackScripts().getFirst().weight()).isEqualTo(-30);
        assertThat(s.trackScripts().getFirst().timeoutMillis()).as("timeout defaults to the interval").isEqualTo(1000);
        assertThat(s.trackFiles().getFirst().weight()).as("the block's own weight").isEqualTo(7);
    }

    /** A vrrp_script no instance tracks never runs: said as keepalived says it; a tracked one is not named. */
    @Test
    void aScriptNoInstanceTracksIsWarnedAsKeepalivedWarns() {
        VrrpMapping m = map("""
                vrrp_script chk {
                  script /bin/true
                }
                vrrp_script spare {
                  script /bin/true
                }
                """ + instance("track_script {\n chk\n}\n"));
        assertThat(m.warnings()).contains("Warning - script spare is not used")
                .noneMatch(w -> w.contains("script chk is not used"));
    }

    @Test
    void authenticationOnV3IsWarned() {
        VrrpMapping m = map(instance("version 3\nauthentication {\n auth_type PASS\n auth_pass x\n}\n"));
        assertThat(only(m).authPass()).isNull();
        assertThat(m.warnings()).anyMatch(w -> w.contains("authentication ignored"));
    }

    @Test
    void anInstanceWithoutAnInterfaceIsNotRunAndSaysSo() {
        VrrpMapping m = map("vrrp_instance VI_X {\n interface nosuch0\n virtual_router_id 9\n"
                + " virtual_ipaddress {\n 10.1.1.1\n }\n}\n");
        assertThat(m.instances()).isEmpty();
        assertThat(m.warnings()).anyMatch(w -> w.startsWith("(VI_X)") && w.contains("not run"));
    }

    @Test
    void noVrrpInstancesMeansNothingToRun() {
        VrrpMapping m = map("global_defs {\n router_id x\n vrrp_strict\n}\n");
        assertThat(m.instances()).isEmpty();
        assertThat(m.syncGroups()).isEmpty();
        assertThat(m.warnings()).isEmpty();
    }

    @Test
    void aNotifyScriptWithAnUnclosedQuoteIsWarnedAndNotRun() {
        VrrpMapping m = map(FULL.replace("notify_master \"/etc/ka/master.sh arg1\"",
                "notify_master \"/etc/ka/master.sh 'arg1\""));
        assertThat(only(m).notifySettings().master()).isEmpty();
        assertThat(m.warnings()).contains("(VI_1) notify_master: /etc/ka/master.sh 'arg1 has an unclosed quote - not run");
    }

    @Test
    void scriptsSplitLikeKeepalivedWithoutAShell() {
        assertThat(VrrpSettingsMapper.argv("/bin/a  b 'c d' \"e\"")).containsExactly("/bin/a", "b", "c d", "e");
        assertThat(VrrpSettingsMapper.argv(null)).isEmpty();
        // backslash escapes, as in keepalived and as MISC_CHECK scripts get them
        assertThat(VrrpSettingsMapper.argv("/bin/a x\\ty \\x41 'q r'")).containsExactly("/bin/a", "x\ty", "A", "q r");
    }
}
