package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The FTP lab with AF_PACKET I/O, two workers and the XDP fast path after 0 packets: the fanout keeps a
 * client's data connections on its control connection's worker (by client address), and the data
 * connections' downloads go on the fast path.
 */
class FtpPacketFastPathLabTest extends FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.offload", "0", "jlvs.lab.workers", "2");
    }
}
