package io.jlvs.packet.lab;

/**
 * The TUN lab with GRE ({@code --tun-type gre}): the agents ({@code jlvs rs-tunnel --gre}) read IP protocol 47
 * on a raw socket instead of 4 ({@link TunnelGreFastPathLabTest}: with the XDP fast path).
 */
class TunnelGreLabTest extends TunnelLabTest {
    @Override
    String method() {
        return "TunnelGre";
    }

    /** Outer IPv4 and the 4-byte GRE header. */
    @Override
    int tunnelMtu() {
        return 1500 - 20 - 4;
    }
}
