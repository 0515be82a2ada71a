package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The NAT lab suite with AF_PACKET I/O, two workers and the XDP fast path beside them (its own program on
 * each link, frames it does not forward passed on to the workers' sockets) taking every established
 * connection after 0 packets: the same requests, download, drain and no-RST checks, the download carried
 * by the fast path and still counted, each worker reading only its own connections' counts from the table
 * both share.
 */
class NatPacketFastPathLabTest extends PacketLabSuite {
    @Override
    String method() {
        return "Masq";
    }

    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.offload", "0", "jlvs.lab.workers", "2");
    }
}
