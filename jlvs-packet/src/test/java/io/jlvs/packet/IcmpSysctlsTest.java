package io.jlvs.packet;

import static io.jlvs.packet.Director.CLIENT;
import static io.jlvs.packet.Director.CLIENT_MAC;
import static io.jlvs.packet.Director.LOCAL;
import static io.jlvs.packet.Director.OUR_MAC;
import static io.jlvs.packet.Director.RS1;
import static io.jlvs.packet.Director.RS1_MAC;
import static io.jlvs.packet.Director.RS2;
import static io.jlvs.packet.Director.RS2_MAC;
import static io.jlvs.packet.Director.VIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.conn.ConnTableSettings;
import io.jlvs.conn.DefenseSettings;
import io.jlvs.conn.ForwardingSettings;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.Protocol;
import io.jlvs.core.model.InetServiceKey;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IPVS sysctls schedule_icmp and nat_icmp_send (off by default, as in the kernel) and pmtu_disc (on). */
class IcmpSysctlsTest {
    private static final InetServiceKey WEB = Director.key(Protocol.TCP, VIP, 80);
    private static final String ROUTER = "203.0.113.1";

    private static ConnTableSettings with(boolean scheduleIcmp, boolean natIcmpSend) {
        return new ConnTableSettings(false, false, 1, false, false, DefenseSettings.DEFAULTS,
                new ForwardingSettings(scheduleIcmp, natIcmpSend, true));
    }

    /** Fragmentation-needed from a router about RS:8080's reply to the client, sent from the VIP (DR, TUN). */
    private static byte[] fragNeededAbout(String from, int fromPort) {
        byte[] reply = PacketBuilder.tcp(from, fromPort, CLIENT, 40000).flags(0x10).payload(1400).datagram();
        return PacketBuilder.icmp(ROUTER, VIP, 3, 4, 1400, Arrays.copyOf(reply, 28)).macs(CLIENT_MAC, OUR_MAC).build();
    }

    private static Director webDirector(ConnTableSettings settings, ForwardingMethod method) throws Exception {
        Director d = new Director(settings);
        d.service(Protocol.TCP, 80, "sh").server(WEB, RS1, 80, method, 1).server(WEB, RS2, 80, method, 1);
        return d;
    }

    @Test
    void withoutScheduleIcmpAnErrorAboutAConnectionNeverSeenIsDropped() throws Exception {
        try (Director d = webDirector(ConnTableSettings.DEFAULTS, ForwardingMethod.DROUTE)) {
            assertThat(d.send(fragNeededAbout(VIP, 80))).isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.ICMP_UNRELATED);
        }
    }

    /**
     * Behind ECMP, the client's connection went through another director; a router's fragmentation-needed
     * about the real server's reply (from the VIP, DR) reaches this one. With schedule_icmp it goes, unchanged
     * but for the TTL, to the real server sh picks for the client: the one a SYN from that client would reach.
     */
    @Test
    void scheduleIcmpSendsTheErrorToTheRealServerTheClientHashesTo() throws Exception {
        try (Director d = webDirector(with(true, false), ForwardingMethod.DROUTE)) {
            List<byte[]> out = d.send(fragNeededAbout(VIP, 80));
            assertThat(out).hasSize(1);
            byte[] icmp = Arrays.copyOfRange(out.get(0), 14, out.get(0).length);
            byte[] sent = Arrays.copyOfRange(PacketBuilder.icmp(ROUTER, VIP, 3, 4, 1400, Arrays.copyOf(
                    PacketBuilder.tcp(VIP, 80, CLIENT, 40000).flags(0x10).payload(1400).datagram(), 28)).ttl(63)
                    .build(), 14, out.get(0).length);
            assertThat(ForwardingCasesTest.hex(icmp)).isEqualTo(ForwardingCasesTest.hex(sent));
            long macTo = mac(out.get(0));
            assertThat(d.connections()).as("the entry scheduling made").hasSize(1);
            String chosen = d.connections().get(0).destination().toString();
            assertThat(macTo).isEqualTo(chosen.equals(RS1) ? RS1_MAC : RS2_MAC);
        }
        // the client's own SYN, on a fresh director, reaches the same real server
        try (Director d = webDirector(ConnTableSettings.DEFAULTS, ForwardingMethod.DROUTE)) {
            List<byte[]> syn = d.send(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).macs(CLIENT_MAC, OUR_MAC)
                    .build());
            try (Director e = webDirector(with(true, false), ForwardingMethod.DROUTE)) {
                assertThat(mac(e.send(fragNeededAbout(VIP, 80)).get(0))).isEqualTo(mac(syn.get(0)));
            }
        }
    }

    /** NAT: the quoted reply is made the real server's own again (its address and port), as for a connection. */
    @Test
    void scheduleIcmpWithNatTranslatesTheQuotedPacketForTheChosenRealServer() throws Exception {
        try (Director d = new Director(with(true, false))) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            List<byte[]> out = d.send(fragNeededAbout(VIP, 80));
            byte[] quoted = Arrays.copyOf(PacketBuilder.tcp(RS1, 8080, CLIENT, 40000).flags(0x10).payload(1400)
                    .datagram(), 28);
            assertThat(out).singleElement().satisfies(f -> assertThat(ForwardingCasesTest.hex(f)).isEqualTo(
                    ForwardingCasesTest.hex(PacketBuilder.icmp(ROUTER, RS1, 3, 4, 1400, quoted).ttl(63)
                            .macs(OUR_MAC, RS1_MAC).build())));
        }
    }

    @Test
    void scheduleIcmpLeavesErrorsForOtherPortsAndOnePacketServicesWithoutAnEntry() throws Exception {
        try (Director d = new Director(with(true, false))) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 80, ForwardingMethod.DROUTE, 1);
            assertThat(d.send(fragNeededAbout(VIP, 81))).as("no service on port 81").isEmpty();
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.ICMP_UNRELATED);
            InetServiceKey dns = Director.key(Protocol.UDP, VIP, 53);
            d.service(new io.jlvs.core.model.VirtualService(dns, "rr", java.util.Set.of(), 0,
                    io.jlvs.core.model.VirtualService.IPV4_FULL_MASK, true, null));
            d.server(dns, RS1, 53, ForwardingMethod.DROUTE, 1);
            byte[] reply = PacketBuilder.udp(VIP, 53, CLIENT, 3333).payload(1400).datagram();
            List<byte[]> out = d.send(PacketBuilder.icmp(ROUTER, VIP, 3, 4, 1400, Arrays.copyOf(reply, 28))
                    .macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(out).as("one-packet service: forwarded").hasSize(1);
            assertThat(d.connections()).as("and no entry").isEmpty();
        }
    }

    @Test
    void natIcmpSendAnswersAReplyOutsideAnyConnectionWithPortUnreachable() throws Exception {
        byte[] stray = PacketBuilder.tcp(RS1, 8080, CLIENT, 40001).flags(0x18).payload(10).macs(RS1_MAC, OUR_MAC)
                .build();
        byte[] rst = PacketBuilder.tcp(RS1, 8080, CLIENT, 40002).flags(0x04).macs(RS1_MAC, OUR_MAC).build();
        try (Director d = new Director(with(false, true))) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            List<byte[]> out = d.send(stray);
            assertThat(out).as("port unreachable to the real server, from the director").singleElement()
                    .satisfies(f -> assertThat(ForwardingCasesTest.hex(f)).isEqualTo(ForwardingCasesTest.hex(
                            PacketBuilder.icmp(LOCAL, RS1, 3, 3, 0, Arrays.copyOfRange(stray, 14, stray.length))
                                    .tos(0xc0).ttl(64).id(Director.FIRST_IP_ID).df(false).macs(OUR_MAC, RS1_MAC)
                                    .build())));
            assertThat(d.dataplane.lastDropReason()).isEqualTo(DropReason.UNCLAIMED_REPLY);
            assertThat(d.send(rst)).as("a RST is routed on").hasSize(1);
            // while the worker does not route such frames (the kernel has them, or a relink hold) it says nothing
            d.dataplane.routeUnclaimed(false, false);
            assertThat(d.send(stray)).isEmpty();
            assertThat(d.verdict()).isEqualTo(Verdict.PASS);
        }
        try (Director d = new Director()) {
            d.service(Protocol.TCP, 80, "rr").server(WEB, RS1, 8080, ForwardingMethod.MASQ, 1);
            d.dataplane.routeUnclaimed(true, false);
            assertThat(d.send(stray)).as("off (the default): routed on").hasSize(1);
            assertThat(d.dataplane.routed()).isEqualTo(1);
        }
    }

    /**
     * pmtu_disc off: the TUN method ignores DF. A packet with DF too big for the tunnel gets no
     * fragmentation-needed; its outer packet (without DF, our next IP id) leaves as fragments; a small one's
     * outer header has no DF either. On (the default) the sender gets fragmentation-needed (ForwardingCasesTest).
     */
    @Test
    void withPmtuDiscOffTunnelsIgnoreDf() throws Exception {
        ConnTableSettings off = new ConnTableSettings(false, false, 1, false, false, DefenseSettings.DEFAULTS,
                new ForwardingSettings(false, false, false));
        try (Director d = new Director(off)) {
            d.service(Protocol.TCP, 80, "rr").tunnelServer(WEB, RS1, 80, io.jlvs.core.TunnelType.IPIP);
            PacketBuilder big = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1441).df(true);
            List<byte[]> out = d.send(big.macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(d.dataplane.drops(DropReason.FRAG_NEEDED)).isZero();
            byte[] inner = PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x02).payload(1441).df(true).ttl(63)
                    .datagram();
            assertThat(ForwardingCasesTest.hex(Fragments.reassemble(out, Director.MTU))).isEqualTo(
                    ForwardingCasesTest.hex(PacketBuilder.ipip(LOCAL, RS1, inner).ttl(63).id(Director.FIRST_IP_ID)
                            .df(false).datagram()));
            List<byte[]> small = d.send(PacketBuilder.tcp(CLIENT, 40000, VIP, 80).flags(0x10).df(true)
                    .macs(CLIENT_MAC, OUR_MAC).build());
            assertThat(small).hasSize(1);
            assertThat(small.get(0)[14 + 6] & 0x40).as("outer DF").isZero();
        }
    }

    private static long mac(byte[] frame) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | frame[i] & 0xff;
        }
        return m;
    }
}
