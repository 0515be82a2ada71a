package io.jlvs.packet.lab;

/**
 * The IPv6 TUN lab with GUE ({@code --tun-type gue --tun-port 6080 --tun-nocsum}): over IPv6 the director sends
 * no UDP checksum, as the kernel's IPVS does, and the agents' GUE socket accepts that (UDP_NO_CHECK6_RX).
 */
class Ipv6TunnelGueLabTest extends Ipv6TunnelLabTest {
    @Override
    String method() {
        return "TunnelGue";
    }

    /** Outer IPv6, UDP and the 4-byte GUE header. */
    @Override
    int tunnelMtu() {
        return 1500 - 40 - 8 - 4;
    }
}
