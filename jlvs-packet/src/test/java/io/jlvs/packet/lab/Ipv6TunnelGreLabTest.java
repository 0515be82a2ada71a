package io.jlvs.packet.lab;

/** The IPv6 TUN lab with GRE over IPv6 ({@code --tun-type gre}): next header 47, protocol type 0x86DD. */
class Ipv6TunnelGreLabTest extends Ipv6TunnelLabTest {
    @Override
    String method() {
        return "TunnelGre";
    }

    /** Outer IPv6 and the 4-byte GRE header. */
    @Override
    int tunnelMtu() {
        return 1500 - 40 - 4;
    }
}
