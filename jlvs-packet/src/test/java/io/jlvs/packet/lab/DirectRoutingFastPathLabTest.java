package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The DR lab suite with AF_XDP I/O and the XDP fast path: the client's packets of an established
 * connection are sent on to the real server's MAC by the XDP program, out of the link they came in by.
 */
class DirectRoutingFastPathLabTest extends PacketLabSuite {
    @Override
    String method() {
        return "Route";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
