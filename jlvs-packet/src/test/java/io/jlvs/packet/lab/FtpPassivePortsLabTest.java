package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The FTP lab with {@code --ftp-passive-ports 30000-30999} (vsftpd's pasv_min_port/pasv_max_port here): passive
 * and active downloads still work, and a local TCP service on the VIP answers the client.
 */
class FtpPassivePortsLabTest extends FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.ftpPassive", "30000-30999");
    }
}
