package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The TUN lab with GRE, AF_PACKET I/O and the XDP fast path beside it: the program on the client's link puts
 * an established connection's packets behind outer IPv4 and GRE headers itself (`--tun-type gre` without
 * `--tun-csum`), the worker sees only the rest.
 */
class TunnelGreFastPathLabTest extends TunnelGreLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.offload", "0");
    }
}
