package io.jlvs.cli.dump;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.admin.VrrpInstanceView;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.command.IpvsCommand;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import io.jlvs.engine.IpvsEngine;
import io.jlvs.engine.keepalived.CheckedRealServer;
import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.runtime.VrrpInstanceCounters;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.runtime.VrrpScriptStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.state.VrrpState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeepalivedDumpFormatTest {
    static final String SECRET = "s3cr3tpw";

    /** VI_1 MASTER with a password and two VIPs, VI_2 BACKUP; one TCP service with two real servers. */
    static DumpSnapshot snapshot() throws Exception {
        VrrpInstanceCounters c1 = new VrrpInstanceCounters(42, 1, 7, 2,
                Map.of(VrrpDropReason.TTL, 3L, VrrpDropReason.AUTH_FAILURE, 4L, VrrpDropReason.ADDRESS_COUNT, 5L,
                        VrrpDropReason.ADDRESS_LIST, 6L), 3, 2);
        VrrpInstanceStatus vi1 = new VrrpInstanceStatus("VI_1", "eth0", 51, VrrpState.MASTER, 150, 140,
                IpAddress.parse("10.0.0.2"), Instant.ofEpochSecond(1795692347, 41005000), c1);
        VrrpInstanceStatus vi2 = new VrrpInstanceStatus("VI_2", "eth1", 52, VrrpState.BACKUP, 100, 100, null, null,
                new VrrpInstanceCounters(0, 0, 9, 0, Map.of(), 1, 1));
        List<VrrpDumpInstance> vrrp = List.of(
                new VrrpDumpInstance(new VrrpInstanceView(vi1, List.of(VirtualIpAddress.parse("10.0.0.100/24"),
                        VirtualIpAddress.parse("10.0.1.100").withDevice("eth2").withLabel("eth2:vip"))), SECRET),
                new VrrpDumpInstance(new VrrpInstanceView(vi2, List.of(VirtualIpAddress.parse("10.0.2.100/24"))), null));
        IpvsEngine engine = new IpvsEngine();
        InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.100"), 80);
        engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wrr")));
        engine.execute(new IpvsCommand.AddServer(key,
                RealServer.of(IpAddress.parse("192.168.1.11"), 8080, ForwardingMethod.FULLNAT, 3)));
        engine.execute(new IpvsCommand.AddServer(key,
                RealServer.of(IpAddress.parse("192.168.1.12"), 8080, ForwardingMethod.DROUTE, 0))); // DR keeps the service port
        return new DumpSnapshot(Instant.parse("2026-11-26T12:00:00Z"), vrrp, engine.table());
    }

    @Test
    void dataShowsInstancesVipsAndTheLvsTable() throws Exception {
        String data = KeepalivedDumpFormat.data(snapshot());

        assertThat(data).contains("""
                 VRRP Instance = VI_1
                   State = MASTER
                   Wantstate = MASTER
                   Last transition = 1795692347.041005 (Thu Nov 26 11:25:47.041005 2026)
                   Interface = eth0
                   Virtual Router ID = 51
                   Priority = 150
                   Effective priority = 140
                   Master router = 10.0.0.2
                   Authentication type = SIMPLE_PASSWORD
                   Password = ********
                   Virtual IP (2):
                     10.0.0.100/24 dev eth0 scope global set
                     10.0.1.100/32 dev eth2 scope global label eth2:vip set
                 VRRP Instance = VI_2
                   State = BACKUP
                """);
        assertThat(data).as("a BACKUP's VIP is not set").contains("""
                   Virtual IP (1):
                     10.0.2.100/24 dev eth1 scope global

                """);
        assertThat(data).contains("""
                 VS = [10.0.0.100]:tcp:80
                   lb_algo = wrr
                """);
        assertThat(data).contains("""
                   RS = 192.168.1.11:8080
                     Forwarding method = FullNat
                     Weight = 3
                     Alive = yes
                """);
        assertThat(data).contains("""
                   RS = 192.168.1.12:80
                     Forwarding method = Route
                     Weight = 0
                     Alive = no (weight 0)
                """);
    }

    /**
     * keepalived.conf's real servers in the lines keepalived 2.2.7 writes for them (its dump_rs, in its order and
     * indentation; the lines jlvs has no value for are left out): one up, one a checker removed from the table,
     * one a checker failed with inhibit_on_failure (in the table at weight 0). keepalived keeps printing the
     * configured weight; {@code alive} and {@code RS set} tell the three apart.
     */
    @Test
    void realServersACheckerTookDownShowKeepalivedsAliveLines() throws Exception {
        IpvsEngine engine = new IpvsEngine();
        InetServiceKey key = new InetServiceKey(Protocol.TCP, IpAddress.parse("10.0.0.100"), 80);
        engine.execute(new IpvsCommand.AddService(VirtualService.of(key, "wrr")));
        RealServer up = RealServer.of(IpAddress.parse("192.168.1.11"), 8080, ForwardingMethod.MASQ, 2);
        RealServer removed = RealServer.of(IpAddress.parse("192.168.1.12"), 8080, ForwardingMethod.MASQ, 3);
        RealServer inhibited = RealServer.of(IpAddress.parse("192.168.1.13"), 80, ForwardingMethod.DROUTE, 4);
        engine.execute(new IpvsCommand.AddServer(key, up));
        engine.execute(new IpvsCommand.AddServer(key, inhibited.withWeight(0)));
        engine.execute(new IpvsCommand.AddServer(key, // added with jlvsadm: not keepalived's
                RealServer.of(IpAddress.parse("192.168.1.99"), 8080, ForwardingMethod.MASQ, 1)));
        List<CheckedRealServer> checked = List.of(
                new CheckedRealServer(key, up.address(), 8080, up, 2, false, true, 0),
                new CheckedRealServer(key, removed.address(), 8080, removed, 3, false, false, 1),
                new CheckedRealServer(key, inhibited.address(), 8080, inhibited, 4, true, false, 2));
        String data = KeepalivedDumpFormat.data(new DumpSnapshot(Instant.EPOCH, List.of(), engine.table(), checked));

        assertThat(data).endsWith("""
                 VS = [10.0.0.100]:tcp:80
                   lb_algo = wrr
                   Active connections = 0
                   ------< Real server >------
                   RIP = 192.168.1.11, RPORT = 8080, WEIGHT = 2 EFF WEIGHT = 2
                   forwarding method = NAT
                   Inhibit on failure is OFF
                   initial weight = 2
                   effective weight = 2
                   alive = 1
                   num failed checkers = 0
                   RS set = 1
                   Active connections = 0
                   Inactive connections = 0
                   ------< Real server >------
                   RIP = 192.168.1.12, RPORT = 8080, WEIGHT = 3 EFF WEIGHT = 3
                   forwarding method = NAT
                   Inhibit on failure is OFF
                   initial weight = 3
                   effective weight = 3
                   alive = 0
                   num failed checkers = 1
                   RS set = 0
                   ------< Real server >------
                   RIP = 192.168.1.13, RPORT = 8080, WEIGHT = 4 EFF WEIGHT = 4
                   forwarding method = DR
                   Inhibit on failure is ON
                   initial weight = 4
                   effective weight = 4
                   alive = 0
                   num failed checkers = 2
                   RS set = 1
                   Active connections = 0
                   Inactive connections = 0
                   RS = 192.168.1.99:8080
                     Forwarding method = Masq
                     Weight = 1
                     Alive = yes
                     Active connections = 0
                     Inactive connections = 0
                """);
    }

    /**
     * Tracked scripts in keepalived 2.2.7's "VRRP Scripts" section (its dump_vscript: the name, Status and State
     * lines, which mehdy/keepalived-exporter's text parser reads for keepalived_script_status/_state), after the
     * instances.
     */
    @Test
    void trackedScriptsGetKeepalivedsVrrpScriptsSection() throws Exception {
        DumpSnapshot base = snapshot();
        DumpSnapshot s = new DumpSnapshot(base.takenAt(), base.vrrp(), base.table(), List.of(), List.of(
                new VrrpScriptStatus("chk_haproxy", true, false), new VrrpScriptStatus("chk_dns", false, true)));
        String data = KeepalivedDumpFormat.data(s);

        assertThat(data).contains("""
                     10.0.2.100/24 dev eth1 scope global
                ------< VRRP Scripts >------
                 VRRP Script = chk_haproxy
                   Status = GOOD
                   State = idle
                 VRRP Script = chk_dns
                   Status = BAD
                   State = running

                ------< LVS Topology >------
                """);
        assertThat(KeepalivedDumpFormat.data(base)).doesNotContain("VRRP Script");
    }

    @Test
    void noDumpContainsTheAuthPass() throws Exception {
        DumpSnapshot s = snapshot();
        for (DumpKind k : DumpKind.values()) {
            assertThat(KeepalivedDumpFormat.render(k, s)).as(k.fileName()).doesNotContain(SECRET);
        }
    }

    @Test
    void statsIsKeepalivedsPerInstanceBlock() throws Exception {
        String stats = KeepalivedDumpFormat.stats(snapshot());

        assertThat(stats).startsWith("""
                VRRP Instance: VI_1
                  Advertisements:
                    Received: 7
                    Sent: 42
                  Became master: 2
                  Released master: 1
                  Packet Errors:
                    Length: 0
                    TTL: 3
                    Invalid Type: 0
                    Advertisement Interval: 0
                    Address List: 11
                  Authentication Errors:
                    Invalid Type: 0
                    Type Mismatch: 0
                    Failure: 4
                  Priority Zero:
                    Received: 2
                    Sent: 1
                VRRP Instance: VI_2
                  Advertisements:
                    Received: 9
                """);
        assertThat(stats).contains("VRRP Instance: VI_2\n  Advertisements:\n    Received: 9\n    Sent: 0\n"
                + "  Became master: 1\n  Released master: 1\n");
    }

    @Test
    void jsonFollowsKeepalivedsSchema() throws Exception {
        String json = KeepalivedDumpFormat.json(snapshot());

        assertThat(json).startsWith("[{\"data\":{\"iname\":\"VI_1\",\"ifp_ifname\":\"eth0\",\"vrid\":51,"
                + "\"base_priority\":150,\"effective_priority\":140,\"state\":2,\"wantstate\":2,\"auth_type\":1,"
                + "\"vips\":[\"10.0.0.100/24 dev eth0 scope global set\",\"10.0.1.100/32 dev eth2 scope global label "
                + "eth2:vip set\"],\"last_transition\":1795692347.041005},\"stats\":{\"advert_rcvd\":7,\"advert_sent\":42,"
                + "\"become_master\":2,\"release_master\":1,");
        assertThat(json).contains("\"ip_ttl_err\":3", "\"addr_list_err\":11", "\"auth_failure\":4",
                "\"pri_zero_rcvd\":2,\"pri_zero_sent\":1}}");
        assertThat(json).contains("{\"data\":{\"iname\":\"VI_2\",\"ifp_ifname\":\"eth1\",\"vrid\":52,"
                + "\"base_priority\":100,\"effective_priority\":100,\"state\":1,");
        assertThat(json).endsWith("}}]\n");
    }

    @Test
    void withoutVrrpTheJsonIsAnEmptyArray() throws Exception {
        DumpSnapshot s = new DumpSnapshot(Instant.EPOCH, List.of(), new IpvsEngine().table());
        assertThat(KeepalivedDumpFormat.json(s)).isEqualTo("[]\n");
        assertThat(KeepalivedDumpFormat.stats(s)).isEmpty();
    }
}
