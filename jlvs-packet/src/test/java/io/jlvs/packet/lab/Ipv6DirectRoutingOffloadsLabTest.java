package io.jlvs.packet.lab;

import java.util.Map;

/** The IPv6 DR lab with checksum offload, TSO and GSO on at every sender and GRO on at the director's links. */
class Ipv6DirectRoutingOffloadsLabTest extends Ipv6PacketLabSuite {
    @Override
    String method() {
        return "Route";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.segmentationOffloads", "true");
    }
}
