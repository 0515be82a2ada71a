package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The TUN (IPIP) lab suite with AF_PACKET I/O and the XDP fast path beside it: the program on the client's
 * link encapsulates an established connection's packets itself, the worker sees only the rest.
 */
class TunnelPacketFastPathLabTest extends TunnelLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.offload", "0");
    }
}
