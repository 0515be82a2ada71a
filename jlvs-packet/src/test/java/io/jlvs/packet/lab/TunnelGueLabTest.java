package io.jlvs.packet.lab;

/** The TUN lab with GUE ({@code --tun-type gue --tun-port 6080}): the agents receive UDP instead of IPIP. */
class TunnelGueLabTest extends TunnelLabTest {
    @Override
    String method() {
        return "TunnelGue";
    }

    /** Outer IPv4, UDP and the 4-byte GUE header. */
    @Override
    int tunnelMtu() {
        return 1500 - 20 - 8 - 4;
    }
}
