package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The IPv6 NAT lab with the offloads of a host's own senders (containers) and of a NIC: checksum offload, TSO
 * and GSO on at the client and the real servers (their segments reach the director with checksums left for
 * the card, and as super-packets), GRO on at the director's links (merged frames): the worker finishes the
 * checksums and cuts the super-packets into their segments.
 */
class Ipv6NatOffloadsLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Masq";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.segmentationOffloads", "true");
    }
}
