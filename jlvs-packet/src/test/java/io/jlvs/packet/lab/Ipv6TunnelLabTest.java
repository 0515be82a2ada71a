package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 packet lab in TUN (IPv6-in-IPv6): the real servers sit on the client link with the IPv6 VIP on lo and a
 * decapsulating agent ({@code jlvs rs-tunnel VIP VIP6}'s {@link io.jlvs.sys.RealServerTunnel}: the kernel here has
 * no ip6_tunnel module) that reads next header 41 on a raw IPv6 socket; replies go straight to the client. Besides
 * the suite (requests spread and counted, input-only statistics, a 100 MB download intact, UDP, IPv4 beside it, no
 * RST and no ICMPv6 error but packet too big), a client whose full-size segments no longer fit once encapsulated
 * gets packet too big with the tunnel's MTU, learns it and is answered. {@link Ipv6TunnelGueLabTest} and
 * {@link Ipv6TunnelGreLabTest}: the same with GUE and GRE over IPv6.
 */
class Ipv6TunnelLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Tunnel";
    }

    /** The veth MTU less the outer IPv6 header the director adds. */
    int tunnelMtu() {
        return 1500 - 40;
    }

    /** The tunnel's MTU less the client's IPv6 and UDP headers: larger ones get packet too big on their way in. */
    @Override
    int largestUdp() {
        return tunnelMtu() - 48;
    }

    @Override
    boolean sentOnPurpose(String capturedLine) {
        return capturedLine.contains(PacketLab.VIP6 + " > " + PacketLab.CLIENT6 + ": ICMP6, packet too big, mtu "
                + tunnelMtu() + ",");
    }

    @Test
    @Order(5)
    void aRequestTooLargeToEncapsulateGetsPacketTooBigAndIsAnswered() throws IOException {
        assertThat(lab.client(10, "ip", "-6", "route", "get", PacketLab.VIP6).output()).doesNotContain("mtu");
        long tooBigBefore = lab.counter("drop_frag_needed");
        // a 4,000-byte header makes the client send full 1,500-byte segments: too many for the tunnel
        String pad = "x".repeat(4000);
        Shell.Result r = lab.client(30, "curl", "-6", "-g", "-sS", "--max-time", "20", "-H", "X-Pad: " + pad,
                "http://[" + PacketLab.VIP6 + "]/name");
        assertThat(r.exitCode()).as(r.output() + lab.stderr()).isZero();
        assertThat(r.output().strip()).matches("rs[123]");
        assertThat(lab.counter("drop_frag_needed") - tooBigBefore).as("packet too big sent").isPositive();
        // the client learnt the tunnel's MTU from the director's packet too big
        assertThat(lab.client(10, "ip", "-6", "route", "get", PacketLab.VIP6).output()).contains("mtu " + tunnelMtu());
    }
}
