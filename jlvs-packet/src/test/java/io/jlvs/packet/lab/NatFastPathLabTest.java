package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The NAT lab suite with AF_XDP I/O and the XDP fast path taking every established connection (after 0
 * packets): the same requests, download, drain and no-RST checks, plus the download carried by the fast
 * path and still counted. On these veth links the programs run in generic mode (XdpLinkGroupIo.modeFor).
 */
class NatFastPathLabTest extends PacketLabSuite {
    @Override
    String method() {
        return "Masq";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
