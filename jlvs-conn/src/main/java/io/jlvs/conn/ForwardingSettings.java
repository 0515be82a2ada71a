package io.jlvs.conn;

/**
 * The IPVS sysctls about ICMP and fragmentation that the workers apply while forwarding.
 *
 * @param scheduleIcmp schedule_icmp: an ICMP error to a virtual service about a connection the director does
 *                     not have (a director behind ECMP that never saw the connection, whose real server's
 *                     packet drew fragmentation-needed from a router) is scheduled as a new connection of the
 *                     quoted packet's client would be, and forwarded to that real server (with sh or mh it is
 *                     the one that has the connection); off: dropped as unrelated
 * @param natIcmpSend  nat_icmp_send: a packet from a NAT real server's service port that belongs to no
 *                     connection gets an ICMP port unreachable back and is dropped (TCP RSTs and SCTP ABORTs
 *                     excepted); off: routed on as the kernel routes what IPVS leaves
 * @param pmtuDisc     pmtu_disc: a packet with DF too big for a tunnel gets fragmentation-needed; off: the TUN
 *                     method ignores DF and sends the outer packet in fragments
 */
public record ForwardingSettings(boolean scheduleIcmp, boolean natIcmpSend, boolean pmtuDisc) {
    /** The kernel's defaults: 0, 0, 1. */
    public static final ForwardingSettings DEFAULTS = new ForwardingSettings(false, false, true);
}
