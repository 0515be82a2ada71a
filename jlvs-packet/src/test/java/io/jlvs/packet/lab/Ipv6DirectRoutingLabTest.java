package io.jlvs.packet.lab;

/** The IPv6 packet lab in DR: real servers on the client link with the IPv6 VIP on lo. */
class Ipv6DirectRoutingLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Route";
    }
}
