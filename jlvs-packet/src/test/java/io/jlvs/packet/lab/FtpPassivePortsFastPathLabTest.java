package io.jlvs.packet.lab;

import java.util.Map;

/** {@link FtpPassivePortsLabTest} with AF_XDP and the fast path: the steering map holds the range's ports. */
class FtpPassivePortsFastPathLabTest extends FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.ftpPassive", "30000-30999", "jlvs.lab.xdp", "true", "jlvs.lab.offload", "0");
    }
}
