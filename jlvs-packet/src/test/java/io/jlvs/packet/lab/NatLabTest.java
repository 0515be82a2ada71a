package io.jlvs.packet.lab;

/** The packet lab in NAT: real servers behind the director on a second link, default route via it. */
class NatLabTest extends PacketLabSuite {
    @Override
    String method() {
        return "Masq";
    }
}
