package io.jlvs.packet.lab;

/**
 * Neighbour discovery for an unconfigured IPv6 VIP by DR: the real servers on the client's link hold the VIP on
 * lo and do not answer for it, so the client's entry names the director.
 */
class Ipv6NeighbourDiscoveryDirectRoutingLabTest extends Ipv6NeighbourDiscoveryLabSuite {
    @Override
    String method() {
        return "Route";
    }
}
