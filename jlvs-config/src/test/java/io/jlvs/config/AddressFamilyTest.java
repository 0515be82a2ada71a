package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.config.model.KeepalivedConfig;
import io.jlvs.config.model.RealServerDef;
import io.jlvs.config.model.VirtualServerDef;
import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.FwmarkServiceKey;
import io.jlvs.core.model.InetServiceKey;
import io.jlvs.core.model.VirtualService;
import io.jlvs.core.model.VirtualServiceKey;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The address family of a virtual server as keepalived 2.2.7 settles it (check_parser.c: alloc_vsg_entry,
 * rs_end_handler, vs_end_handler; check_data.c: link_vsg_to_vs): a virtual_server_group is refused only
 * when it holds IPv4, IPv6 and a fwmark without family; a fwmark or group virtual server takes its family
 * from ip_family or its first real server that is not tunnelled, and a real or sorry server of the other
 * family is skipped (unless tunnelled); a group whose family is not the virtual server's is ignored.
 */
class AddressFamilyTest {
    private static ParseResult parse(String text) {
        return Corpus.parser().parse("keepalived.conf", text, Path.of("."));
    }

    private static List<String> messages(ParseResult r) {
        return r.problems().stream().map(ConfigProblem::message).toList();
    }

    private static List<VirtualServiceKey> keys(ParseResult r) {
        KeepalivedConfig c = r.config();
        return c.virtualServers().stream().flatMap(v -> v.toVirtualServices(c.virtualServerGroups()).stream())
                .map(VirtualService::key).toList();
    }

    private static InetServiceKey tcp(String address, int port) {
        return new InetServiceKey(Protocol.TCP, IpAddress.parse(address), port);
    }

    @Test
    void anIpv6GroupWithAFwmarkWithoutFamilyIsKeptAndTheMarkIsIpv6() {
        ParseResult r = parse("""
                virtual_server_group WEB6 {
                    2001:db8:5e::110-111 80
                    fwmark 9
                }
                virtual_server group WEB6 {
                    lb_algo rr
                    lb_kind DR
                    protocol TCP
                    real_server 2001:db8:5e::13 80 {
                    }
                }
                """);
        assertThat(messages(r)).noneMatch(m -> m.contains("cannot have IPv4, IPv6"));
        assertThat(keys(r)).containsExactly(tcp("2001:db8:5e::110", 80), tcp("2001:db8:5e::111", 80),
                new FwmarkServiceKey(9, AddressFamily.INET6));
    }

    @Test
    void aGroupWithBothFamiliesAndAFwmarkWithoutFamilyIsRemoved() {
        ParseResult r = parse("""
                virtual_server_group MIXED {
                    10.0.0.1 80
                    2001:db8::1 80
                    fwmark 9
                }
                virtual_server group MIXED {
                    lb_algo rr
                    lb_kind TUN
                    protocol TCP
                    real_server 10.0.1.1 80 {
                    }
                }
                """);
        assertThat(messages(r)).contains("virtual server group MIXED cannot have IPv4, IPv6 and fwmark without family - removing");
    }

    @Test
    void aGroupWithBothFamiliesServesBothWhenEveryRealServerIsTunnelled() {
        ParseResult r = parse("""
                virtual_server_group MIXED {
                    10.0.0.1 80
                    2001:db8::1 80
                    fwmark 9 inet6
                }
                virtual_server group MIXED {
                    lb_algo rr
                    lb_kind TUN
                    protocol TCP
                    real_server 10.0.1.1 80 {
                    }
                    real_server 2001:db8:1::1 80 {
                    }
                }
                """);
        assertThat(messages(r)).isEmpty();
        assertThat(keys(r)).containsExactly(tcp("10.0.0.1", 80), tcp("2001:db8::1", 80),
                new FwmarkServiceKey(9, AddressFamily.INET6));
        assertThat(r.config().virtualServers().getFirst().realServers()).hasSize(2);
    }

    @Test
    void aFwmarkVirtualServerSkipsARealServerOfTheOtherFamily() {
        ParseResult r = parse("""
                virtual_server fwmark 8 {
                    lb_algo rr
                    lb_kind DR
                    real_server 2001:db8:5e::13 0 {
                    }
                    real_server 10.99.0.13 0 {
                    }
                    real_server 10.99.0.14 0 {
                        lvs_method TUN
                    }
                }
                """);
        assertThat(messages(r)).contains(
                "Address family of virtual server and real server 10.99.0.13 don't match - skipping real server.");
        VirtualServerDef vs = r.config().virtualServers().getFirst();
        assertThat(vs.realServers()).extracting(RealServerDef::address)
                .containsExactly(IpAddress.parse("2001:db8:5e::13"), IpAddress.parse("10.99.0.14"));
        assertThat(keys(r)).containsExactly(new FwmarkServiceKey(8, AddressFamily.INET6));
    }

    @Test
    void anAddressVirtualServerDropsTheRealServerItSkips() {
        ParseResult r = parse("""
                virtual_server 2001:db8:5e::100 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.99.1.11 80 {
                    }
                    real_server 2001:db8:5e:1::11 80 {
                    }
                }
                """);
        assertThat(messages(r)).contains(
                "Address family of virtual server and real server 10.99.1.11 don't match - skipping real server.");
        assertThat(r.config().virtualServers().getFirst().realServers()).extracting(RealServerDef::address)
                .containsExactly(IpAddress.parse("2001:db8:5e:1::11"));
    }

    @Test
    void aGroupOfTheOtherFamilyThanItsFirstRealServerIsIgnored() {
        ParseResult r = parse("""
                virtual_server_group G6 {
                    2001:db8:5e::130 80
                }
                virtual_server group G6 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 10.99.1.11 80 {
                    }
                    real_server 2001:db8:5e:1::11 80 {
                    }
                }
                virtual_server 2001:db8:5e::131 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    real_server 2001:db8:5e:1::11 80 {
                    }
                }
                """);
        assertThat(messages(r)).contains(
                "Address family of virtual server and real server 2001:db8:5e:1::11 don't match - skipping real server.",
                "G6: address family doesn't match virtual server [G6]:0 - ignoring");
        assertThat(keys(r)).containsExactly(tcp("2001:db8:5e::131", 80));
    }

    @Test
    void aSorryServerOfTheOtherFamilyIsSkipped() {
        ParseResult r = parse("""
                virtual_server 2001:db8:5e::105 80 {
                    lb_algo rr
                    lb_kind NAT
                    protocol TCP
                    sorry_server 10.99.1.12 8080
                    real_server 2001:db8:5e:1::11 80 {
                    }
                }
                """);
        assertThat(messages(r)).contains(
                "Address family of virtual server and sorry server 10.99.1.12 don't match - skipping sorry server.");
        assertThat(r.config().virtualServers().getFirst().sorryServer()).isNull();
    }
}
