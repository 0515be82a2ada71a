package io.jlvs.packet.lab;

/** The IPv6 packet lab in NAT: real servers behind the director on 2001:db8:77:1::/64, their default route via it. */
class Ipv6NatLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Masq";
    }
}
