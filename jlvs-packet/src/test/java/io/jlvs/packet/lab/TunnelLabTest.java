package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The packet lab in TUN (IPIP): real servers on the client link, each with the VIP on lo, ARP hidden, and a
 * decapsulating agent on a TUN device (the kernel here has no ipip module); replies go straight to the client.
 * The director's only ICMP is fragmentation-needed for client packets that no longer fit once encapsulated.
 */
class TunnelLabTest extends PacketLabSuite {

    @Override
    String method() {
        return "Tunnel";
    }

    /** The veth MTU less the outer IPv4 header the director adds. */
    int tunnelMtu() {
        return 1500 - 20;
    }

    @Override
    boolean sentOnPurpose(String capturedLine) {
        return capturedLine.contains("ICMP " + PacketLab.VIP + " unreachable - need to frag (mtu " + tunnelMtu() + ")");
    }

    @Test
    @Order(3)
    void aRequestTooLargeToEncapsulateIsAnsweredAfterPathMtuDiscovery() throws IOException {
        assertThat(lab.client(10, "ip", "route", "get", PacketLab.VIP).output()).doesNotContain("mtu");
        // a 4,000-byte header makes the client send full 1,500-byte segments with DF: 20 bytes too many for IPIP
        String pad = "x".repeat(4000);
        Shell.Result r = lab.client(30, "curl", "-sS", "--max-time", "20", "-H", "X-Pad: " + pad,
                "http://" + PacketLab.VIP + "/name");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().strip()).matches("rs[123]");
        // the client learnt the tunnel's MTU from the director's fragmentation-needed
        assertThat(lab.client(10, "ip", "route", "get", PacketLab.VIP).output()).contains("mtu " + tunnelMtu());
    }
}
