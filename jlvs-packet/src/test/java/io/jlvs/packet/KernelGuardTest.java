package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.core.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelGuardTest {
    private static IpAddress a(String s) {
        return IpAddress.parse(s);
    }

    @Test
    void dropsServicesWholeAddressesAndMasqRepliesNotForUs() {
        String s = KernelGuard.script(
                List.of(new KernelGuard.Service(a("10.0.0.100"), "tcp", 80),
                        new KernelGuard.Service(a("10.0.0.101"), "udp", 0)),
                List.of(new KernelGuard.Range(a("10.0.1.0"), a("10.0.1.255"), "tcp", 80, 80),
                        new KernelGuard.Range(a("10.0.2.5"), a("10.0.2.5"), "udp", 5000, 5100)),
                Set.of(a("10.1.0.12"), a("10.1.0.11")));
        assertThat(s).startsWith("table ip jlvs\ndelete table ip jlvs\n")
                .contains("elements = { 10.0.0.100 . tcp . 80 }")
                .contains("elements = { 10.0.0.101 }")
                .contains("set marked {\n    type ipv4_addr . inet_proto . inet_service\n    flags interval\n"
                        + "    elements = { 10.0.1.0-10.0.1.255 . tcp . 80, 10.0.2.5 . udp . 5000-5100 }")
                .contains("iifname != \"lo\" ip daddr . meta l4proto . th dport @marked counter drop")
                .contains("elements = { 10.1.0.11, 10.1.0.12 }")
                .contains("iifname != \"lo\" ip daddr . meta l4proto . th dport @services counter drop")
                .contains("ip saddr . meta l4proto @masq fib daddr type != local counter drop");
    }

    @Test
    void masqRepliesAreMatchedByTheRealServersPortSoWhatTheyStartThemselvesIsRouted() {
        String s = KernelGuard.script(List.of(new KernelGuard.Service(a("10.0.0.100"), "tcp", 80)), List.of(),
                List.of(new KernelGuard.Service(a("10.1.0.11"), "tcp", 8080),
                        new KernelGuard.Service(a("10.1.0.12"), "udp", 53),
                        new KernelGuard.Service(a("10.1.0.13"), "tcp", 0),
                        new KernelGuard.Service(a("10.1.0.14"), "*", 0)));
        assertThat(s).contains("elements = { 10.1.0.11 . tcp . 8080, 10.1.0.12 . udp . 53 }")
                .contains("ip saddr . meta l4proto . th sport @masqports fib daddr type != local counter drop")
                .contains("set masq {\n    type ipv4_addr . inet_proto\n    elements = { 10.1.0.13 . tcp, "
                        + "10.1.0.14 . sctp, 10.1.0.14 . tcp, 10.1.0.14 . udp }")
                .contains("set masqhosts {\n    type ipv4_addr\n    elements = { 10.1.0.11, 10.1.0.12, 10.1.0.13, "
                        + "10.1.0.14 }")
                .contains("ip saddr @masqhosts icmp type { destination-unreachable, source-quench, time-exceeded, "
                        + "parameter-problem } fib daddr type != local counter drop")
                .doesNotContain("ip saddr @masq fib");
    }

    /**
     * Only a first fragment carries the ports: the guard remembers the datagram of a NAT reply's first fragment it
     * drops and drops its later fragments, which the kernel would forward untranslated (FragmentGuardLabTest).
     */
    @Test
    void theLaterFragmentsOfANatReplyWhoseFirstFragmentIsDroppedAreDroppedToo() {
        String s = KernelGuard.script(List.of(), List.of(), List.of(new KernelGuard.Service(a("10.1.0.11"), "udp", 53)),
                List.of(new KernelGuard.Range(a("10.1.0.11"), a("10.1.0.11"), "tcp", 10000, 10100)));
        String remember = " update @fragments { ip saddr . ip daddr . meta l4proto . ip id }\n";
        assertThat(s).contains("  set fragments {\n    typeof ip saddr . ip daddr . meta l4proto . ip id\n"
                + "    size 65536\n    flags dynamic,timeout\n    timeout 5s\n  }\n");
        String ports = "ip saddr . meta l4proto . th sport @masqports fib daddr type != local";
        String ranges = "ip saddr . meta l4proto . th sport @masqranges fib daddr type != local";
        assertThat(s).containsSubsequence(
                "iifname != \"lo\" ip frag-off & 0x2000 != 0 " + ports + remember,
                "iifname != \"lo\" " + ports + " counter drop\n",
                "iifname != \"lo\" ip frag-off & 0x2000 != 0 " + ranges + remember,
                "iifname != \"lo\" " + ranges + " counter drop\n",
                "iifname != \"lo\" ip frag-off & 0x1fff != 0 ip saddr . ip daddr . meta l4proto . ip id @fragments "
                        + "counter drop\n  }\n}\n");
        String s6 = KernelGuard.script6(List.of(), List.of(new KernelGuard.Service(a("2001:db8:1::11"), "udp", 53)));
        String ports6 = "ip6 saddr . meta l4proto . th sport @masqports fib daddr type != local";
        assertThat(s6).contains("  set fragments {\n    typeof ip6 saddr . ip6 daddr . frag id\n")
                .containsSubsequence(
                        "iifname != \"lo\" frag more-fragments 1 " + ports6
                                + " update @fragments { ip6 saddr . ip6 daddr . frag id }\n",
                        "iifname != \"lo\" " + ports6 + " counter drop\n",
                        "iifname != \"lo\" frag frag-off != 0 ip6 saddr . ip6 daddr . frag id @fragments counter drop\n");
        // an FTP real server's passive ports too
        String ranges6 = "ip6 saddr . meta l4proto . th sport @masqranges fib daddr type != local";
        assertThat(KernelGuard.script6(List.of(), List.of(), List.of(new KernelGuard.Service(a("2001:db8:1::11"), "tcp",
                21)), List.of(new KernelGuard.Range(a("2001:db8:1::11"), a("2001:db8:1::11"), "tcp", 10000, 10100))))
                .containsSubsequence("iifname != \"lo\" frag more-fragments 1 " + ranges6
                        + " update @fragments { ip6 saddr . ip6 daddr . frag id }\n",
                        "iifname != \"lo\" " + ranges6 + " counter drop\n", "@fragments counter drop\n");
        // a port-0 real server's rule matches every fragment already: nothing to remember
        assertThat(KernelGuard.script6(List.of(), List.of(new KernelGuard.Service(a("2001:db8:1::12"), "udp", 0))))
                .doesNotContain("fragments");
    }

    /**
     * A client's datagram larger than the MTU to a virtual service: the guard remembers the datagram of the first
     * fragment it drops and drops the later ones, which would wait in the kernel's reassembly (IPv4's shares its
     * memory with the fanout group's defragmentation: FragmentGuardLabTest).
     */
    @Test
    void theLaterFragmentsOfADatagramToAVirtualServiceAreDroppedWithItsFirst() {
        String s = KernelGuard.script(List.of(new KernelGuard.Service(a("10.0.0.100"), "udp", 53)),
                List.of(new KernelGuard.Range(a("10.0.1.0"), a("10.0.1.255"), "udp", 5000, 5100)), Set.of());
        String remember = " update @fragments { ip saddr . ip daddr . meta l4proto . ip id }\n";
        assertThat(s).contains("  set fragments {\n    typeof ip saddr . ip daddr . meta l4proto . ip id\n")
                .containsSubsequence(
                        "iifname != \"lo\" ip frag-off & 0x2000 != 0 ip daddr . meta l4proto . th dport @services"
                                + remember,
                        "iifname != \"lo\" ip daddr . meta l4proto . th dport @services counter drop\n",
                        "iifname != \"lo\" ip frag-off & 0x2000 != 0 ip daddr . meta l4proto . th dport @marked"
                                + remember,
                        "iifname != \"lo\" ip daddr . meta l4proto . th dport @marked counter drop\n",
                        "iifname != \"lo\" ip frag-off & 0x1fff != 0 ip saddr . ip daddr . meta l4proto . ip id "
                                + "@fragments counter drop\n");
        String s6 = KernelGuard.script6(List.of(new KernelGuard.Service(a("2001:db8::100"), "udp", 53)), List.of());
        assertThat(s6).contains("  set fragments {\n    typeof ip6 saddr . ip6 daddr . frag id\n")
                .containsSubsequence(
                        "iifname != \"lo\" frag more-fragments 1 ip6 daddr . meta l4proto . th dport @services"
                                + " update @fragments { ip6 saddr . ip6 daddr . frag id }\n",
                        "iifname != \"lo\" ip6 daddr . meta l4proto . th dport @services counter drop\n",
                        "iifname != \"lo\" frag frag-off != 0 ip6 saddr . ip6 daddr . frag id @fragments counter drop\n");
        // an FTP service's data ports too
        assertThat(KernelGuard.script6(List.of(new KernelGuard.Service(a("2001:db8::100"), "tcp", 21)),
                List.of(new KernelGuard.Range(a("2001:db8::100"), a("2001:db8::100"), "tcp", 10000, 10100)), List.of(),
                List.of())).containsSubsequence("iifname != \"lo\" frag more-fragments 1 ip6 daddr . meta l4proto . th "
                        + "dport @ranges update @fragments { ip6 saddr . ip6 daddr . frag id }\n",
                "iifname != \"lo\" ip6 daddr . meta l4proto . th dport @ranges counter drop\n",
                "@fragments counter drop\n");
        // a port-0 service's rule matches every fragment already
        assertThat(KernelGuard.script(List.of(new KernelGuard.Service(a("10.0.0.101"), "udp", 0)), List.of(),
                Set.of())).doesNotContain("fragments");
    }

    @Test
    void anEmptyServiceSetLeavesAnEmptyChain() {
        String s = KernelGuard.script(List.of(), List.of(), Set.of());
        assertThat(s).doesNotContain("drop").doesNotContain("set ").contains("chain prerouting");
    }

    @Test
    void ipv6ServicesAndMasqRepliesGoInTheirOwnIp6Table() {
        String s = KernelGuard.script6(List.of(new KernelGuard.Service(a("2001:db8::100"), "tcp", 80),
                        new KernelGuard.Service(a("2001:db8::101"), "udp", 0)),
                List.of(new KernelGuard.Service(a("2001:db8:1::11"), "tcp", 8080),
                        new KernelGuard.Service(a("2001:db8:1::12"), "udp", 0)));
        assertThat(s).startsWith("table ip6 jlvs\ndelete table ip6 jlvs\ntable ip6 jlvs {\n")
                .contains("set services {\n    type ipv6_addr . inet_proto . inet_service\n"
                        + "    elements = { 2001:db8::100 . tcp . 80 }")
                .contains("set addresses {\n    type ipv6_addr\n    elements = { 2001:db8::101 }")
                .contains("set masqports {\n    type ipv6_addr . inet_proto . inet_service\n"
                        + "    elements = { 2001:db8:1::11 . tcp . 8080 }")
                .contains("set masq {\n    type ipv6_addr . inet_proto\n    elements = { 2001:db8:1::12 . udp }")
                .contains("iifname != \"lo\" ip6 daddr . meta l4proto . th dport @services counter drop")
                .contains("iifname != \"lo\" ip6 daddr @addresses meta l4proto { tcp, udp } counter drop")
                .contains("ip6 saddr . meta l4proto . th sport @masqports fib daddr type != local counter drop")
                .contains("ip6 saddr . meta l4proto @masq fib daddr type != local counter drop")
                .contains("set masqhosts {\n    type ipv6_addr\n    elements = { 2001:db8:1::11, 2001:db8:1::12 }")
                .contains("ip6 saddr @masqhosts icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, "
                        + "parameter-problem } fib daddr type != local counter drop");
        assertThat(KernelGuard.script6(List.of(), List.of())).isEmpty();
    }

    /**
     * A director that crashed with IPv6 services leaves its ip6 jlvs table; restarted without them, its first
     * install deletes it (before, only a table this process had installed was, and the stale one kept dropping
     * the kernel's copy of those addresses). Against a fake nft that records its scripts.
     */
    @Test
    void everyInstallWithoutIpv6ServicesDeletesAnIp6TableLeftBehind(@org.junit.jupiter.api.io.TempDir
                                                                    java.nio.file.Path dir) throws Exception {
        java.nio.file.Path log = dir.resolve("scripts");
        java.nio.file.Path nft = dir.resolve("nft");
        java.nio.file.Files.writeString(nft, "#!/bin/sh\ncat >> '" + log + "'\necho '--' >> '" + log + "'\n");
        nft.toFile().setExecutable(true);
        KernelGuard guard = new KernelGuard(nft.toString());
        guard.install(KernelGuard.script(List.of(), List.of(), Set.of()));
        String first = java.nio.file.Files.readString(log);
        assertThat(first).startsWith("table ip jlvs\ndelete table ip jlvs\n")
                .contains("table ip6 jlvs\ndelete table ip6 jlvs\n").doesNotContain("table ip6 jlvs {");
        String v6 = KernelGuard.script(List.of(), List.of(), Set.of()) + KernelGuard.script6(
                List.of(new KernelGuard.Service(a("2001:db8::100"), "tcp", 80)), List.of());
        guard.install(v6);
        guard.install(KernelGuard.script(List.of(new KernelGuard.Service(a("10.0.0.100"), "tcp", 80)), List.of(),
                Set.of()));
        guard.remove();
        List<String> runs = List.of(java.nio.file.Files.readString(log).split("--\n"));
        assertThat(runs).hasSize(4);
        assertThat(runs.get(1)).contains("table ip6 jlvs {").contains("2001:db8::100 . tcp . 80");
        assertThat(runs.get(2)).endsWith("table ip6 jlvs\ndelete table ip6 jlvs\n");
        assertThat(runs.get(3)).isEqualTo("table ip jlvs\ndelete table ip jlvs\ntable ip6 jlvs\ndelete table ip6 jlvs\n");
    }
}
