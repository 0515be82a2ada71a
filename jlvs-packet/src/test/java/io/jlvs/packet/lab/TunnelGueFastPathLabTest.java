package io.jlvs.packet.lab;

import java.util.Map;

/** The TUN lab with GUE, AF_XDP I/O and the XDP fast path (outer IPv4, UDP and GUE headers put by XDP). */
class TunnelGueFastPathLabTest extends TunnelGueLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
