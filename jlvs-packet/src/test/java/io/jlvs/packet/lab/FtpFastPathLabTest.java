package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The FTP lab with AF_XDP I/O and the XDP fast path after 0 packets: the steering program gives the worker
 * every TCP port of the virtual address and of the FTP real servers (the data connections' ports).
 */
class FtpFastPathLabTest extends FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
