package io.jlvs.packet.lab;

/** Neighbour discovery for an unconfigured IPv6 VIP, real servers behind the director by NAT. */
class Ipv6NeighbourDiscoveryNatLabTest extends Ipv6NeighbourDiscoveryLabSuite {
    @Override
    String method() {
        return "Masq";
    }
}
