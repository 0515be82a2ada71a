package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.HttpCheck;
import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.MiscCheck;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.SmtpCheck;
import io.jlvs.config.model.TcpCheck;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.config.model.VrrpInstanceDef;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.SchedFlag;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records map onto jlvs-core's VirtualService / RealServer as ipvsadm would see the service. */
class ModelMappingTest {

    private static KeepalivedConfig config(String corpusFile) {
        ParseResult r = Corpus.parse(corpusFile);
        assertThat(r.accepted()).as(ConfigCheck.lines(r).toString()).isTrue();
        return r.config();
    }

    @Test
    void natServiceMapsToAnIpvsServiceAndDestinations() {
        VirtualServerDef vs = config("valid/v01-minimal-nat.conf").virtualServers().getFirst();
        VirtualService svc = vs.toVirtualServices(List.of()).getFirst();
        assertThat(svc.key()).isEqualTo(new InetServiceKey(Protocol.TCP, IpAddress.parse("192.0.2.10"), 80));
        assertThat(svc.scheduler()).isEqualTo("wrr");
        assertThat(svc.persistent()).isFalse();
        assertThat(vs.delayLoop()).isEqualTo(Duration.ofSeconds(6));
        RealServer rs = vs.realServers().getFirst().toRealServer(vs.forwarding());
        assertThat(rs).isEqualTo(RealServer.of(IpAddress.parse("10.1.0.11"), 8080, ForwardingMethod.MASQ, 3));
        assertThat(vs.realServers().get(1).checkers()).singleElement().isInstanceOfSatisfying(TcpCheck.class,
                t -> assertThat(t.options().connectTimeout()).isEqualTo(Duration.ofMillis(2500)));
    }

    @Test
    void persistenceAndGranularityBecomeTimeoutAndNetmask() {
        VirtualServerDef vs = config("valid/v02-dr-persistence.conf").virtualServers().getFirst();
        VirtualService svc = vs.toVirtualServices(List.of()).getFirst();
        assertThat(svc.persistenceTimeout()).isEqualTo(600);
        assertThat(svc.netmaskPrefixLength()).isEqualTo(24);
        assertThat(svc.persistenceEngine()).isEqualTo("sip");
        assertThat(vs.realServers().get(1).toRealServer(vs.forwarding()).method()).isEqualTo(ForwardingMethod.DROUTE);
    }

    @Test
    void tunnelOptionsReachTheRealServers() {
        VirtualServerDef vs = config("valid/v03-tunnels.conf").virtualServers().getFirst();
        List<RealServer> rs = vs.realServers().stream().map(r -> r.toRealServer(vs.forwarding())).toList();
        assertThat(rs.get(0).tunnelType()).isEqualTo(TunnelType.GUE);
        assertThat(rs.get(0).tunnelPort()).isEqualTo(6080);
        assertThat(rs.get(0).tunnelChecksum()).isEqualTo(TunnelChecksum.CSUM);
        assertThat(rs.get(1).tunnelType()).isEqualTo(TunnelType.GRE);
        assertThat(rs.get(2).tunnelType()).isEqualTo(TunnelType.IPIP);
        assertThat(rs.get(3).tunnelChecksum()).isEqualTo(TunnelChecksum.NOCSUM);
    }

    @Test
    void fnatIsFullNat() {
        VirtualServerDef vs = config("valid/v25-fnat.conf").virtualServers().getFirst();
        assertThat(vs.realServers().getFirst().toRealServer(vs.forwarding()).method()).isEqualTo(ForwardingMethod.FULLNAT);
    }

    @Test
    void fwmarkServiceAndGroupsExpand() {
        VirtualService fw = config("valid/v04-fwmark.conf").virtualServers().getFirst().toVirtualServices(List.of()).getFirst();
        assertThat(fw.key()).isEqualTo(new FwmarkServiceKey(7, AddressFamily.INET));
        KeepalivedConfig c = config("valid/v05-groups.conf");
        List<VirtualService> web = c.virtualServers().getFirst().toVirtualServices(c.virtualServerGroups());
        // 192.0.2.20, .30-.35 (6), 192.0.2.40/30 (4)
        assertThat(web).hasSize(11);
        assertThat(web.get(1).key()).isEqualTo(new InetServiceKey(Protocol.TCP, IpAddress.parse("192.0.2.30"), 80));
        assertThat(web.getLast().key()).isEqualTo(new InetServiceKey(Protocol.TCP, IpAddress.parse("192.0.2.43"), 80));
        List<VirtualService> marks = c.virtualServers().get(1).toVirtualServices(c.virtualServerGroups());
        assertThat(marks).extracting(s -> s.key().fwmark()).containsExactly(11, 12);
    }

    @Test
    void schedulerFlagsOpsAndThresholds() {
        List<VirtualServerDef> vss = config("valid/v22-sched-flags.conf").virtualServers();
        assertThat(vss.get(0).schedFlags()).containsExactlyInAnyOrder(SchedFlag.SH_PORT, SchedFlag.SH_FALLBACK);
        assertThat(vss.get(1).toVirtualServices(List.of()).getFirst().onePacket()).isTrue();
        assertThat(vss.get(2).protocol()).isEqualTo(Protocol.SCTP);
        RealServerDef rs = config("valid/v24-thresholds.conf").virtualServers().getFirst().realServers().getFirst();
        assertThat(rs.toRealServer(null).upperThreshold()).isEqualTo(1000);
        assertThat(rs.toRealServer(null).lowerThreshold()).isEqualTo(200);
    }

    @Test
    void keepalivedOnlyFieldsAreKept() {
        VirtualServerDef vs = config("valid/v21-sorry-quorum.conf").virtualServers().getFirst();
        assertThat(List.of(vs.quorum(), vs.hysteresis())).containsExactly(2, 1);
        assertThat(vs.alpha() && vs.omega() && vs.inhibitOnFailure() && vs.haSuspend()).isTrue();
        assertThat(vs.quorumUp()).isEqualTo("/bin/true up");
        assertThat(vs.sorryServer().address()).hasToString("10.14.0.99");
        assertThat(vs.sorryServer().inhibit()).isTrue();
        assertThat(vs.realServers().getFirst().notifyDown()).isEqualTo("/bin/true rs-down");
    }

    /** keepalived 2.2.7 takes a checker's retry 0 (down at the first failure); before, jlvs refused it. */
    @Test
    void aCheckersRetryMayBeZero() {
        RealServerDef rs = config("valid/v47-checker-retry-zero.conf").virtualServers().getFirst().realServers()
                .getFirst();
        assertThat(((TcpCheck) rs.checkers().getFirst()).options().retry()).isZero();
    }

    @Test
    void checkersAreRecords() {
        RealServerDef http = config("valid/v06-http-ssl.conf").virtualServers().getFirst().realServers().getFirst();
        HttpCheck h = (HttpCheck) http.checkers().getFirst();
        assertThat(h.urls()).hasSize(3);
        assertThat(h.urls().get(2).statusCodes()).containsExactly("200-299", "304");
        assertThat(h.options().retry()).isEqualTo(3);
        MiscCheck m = (MiscCheck) config("valid/v07-misc-check.conf").virtualServers().getFirst().realServers()
                .getFirst().checkers().getFirst();
        assertThat(m.path()).isEqualTo("/bin/true 10.5.0.1");
        assertThat(m.dynamic()).isTrue();
        SmtpCheck s = (SmtpCheck) config("valid/v08-smtp-dns-udp-ping.conf").virtualServers().getFirst().realServers()
                .getFirst().checkers().getFirst();
        assertThat(s.hosts()).singleElement().satisfies(o -> assertThat(o.connectPort()).isEqualTo(2525));
    }

    @Test
    void vrrpInstanceSyncGroupAndScript() {
        KeepalivedConfig c = config("valid/v12-vrrp-sync-scripts.conf");
        VrrpInstanceDef a = c.vrrpInstances().getFirst();
        assertThat(a.virtualRouterId()).isEqualTo(61);
        assertThat(a.nopreempt()).isTrue();
        assertThat(a.trackScripts()).containsExactly("chk_web");
        assertThat(c.syncGroups().getFirst().group()).containsExactly("VI_A", "VI_B");
        assertThat(c.vrrpScripts().getFirst().interval()).isEqualTo(Duration.ofSeconds(2));
        VrrpInstanceDef basic = config("valid/v11-vrrp-basic.conf").vrrpInstances().getFirst();
        assertThat(basic.virtualIpaddresses()).containsExactly("192.0.2.1/24 dev eth0 label eth0:vip", "192.0.2.2");
        assertThat(basic.authType()).isEqualTo("PASS");
    }

    @Test
    void equalConfigsAreEqualAndAChangeIsNoticed() {
        KeepalivedConfig a = config("valid/v01-minimal-nat.conf");
        assertThat(config("valid/v01-minimal-nat.conf")).isEqualTo(a).hasSameHashCodeAs(a);
        String changed = "virtual_server 192.0.2.10 80 {\n delay_loop 6\n lb_algo wrr\n lb_kind NAT\n protocol TCP\n"
                + " real_server 10.1.0.11 8080 {\n  weight 4\n  TCP_CHECK {\n   connect_timeout 3\n  }\n }\n}\n";
        KeepalivedConfig b = Corpus.parser().parse("x.conf", changed, Corpus.ROOT).config();
        assertThat(b.virtualServers().getFirst().realServers().getFirst().weight()).isEqualTo(4);
        assertThat(b).isNotEqualTo(a);
    }
}
