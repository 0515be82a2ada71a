package io.jlvs.packet.lab;

import java.util.Map;

/** The TUN lab with GRE, AF_XDP I/O and the XDP fast path (outer IPv4 and GRE headers put by XDP). */
class TunnelGreXdpFastPathLabTest extends TunnelGreLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
