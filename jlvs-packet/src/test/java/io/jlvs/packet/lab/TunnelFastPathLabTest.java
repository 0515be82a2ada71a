package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The TUN (IPIP) lab suite with AF_XDP I/O and the XDP fast path: the client's packets of an established
 * connection are put behind an outer IPv4 header by the XDP program itself and sent to the real server's
 * agent, which decapsulates them as it does the worker's.
 */
class TunnelFastPathLabTest extends TunnelLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
