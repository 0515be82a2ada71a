package io.jlvs.packet.lab;

/** The packet lab in DR: real servers on the client link with the VIP on lo, arp_ignore=1/arp_announce=2. */
class DirectRoutingLabTest extends PacketLabSuite {
    @Override
    String method() {
        return "Route";
    }
}
