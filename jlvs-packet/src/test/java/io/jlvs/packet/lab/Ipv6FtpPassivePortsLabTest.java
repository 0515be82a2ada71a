package io.jlvs.packet.lab;

import java.util.Map;

/**
 * The IPv6 FTP lab with {@code --ftp-passive-ports 30000-30999} (vsftpd's pasv_min_port/pasv_max_port): the
 * downloads still work, a local TCP service on the IPv6 VIP answers the client, and a real server's own TCP goes
 * through the director's netfilter.
 */
class Ipv6FtpPassivePortsLabTest extends Ipv6FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.ftpPassive", "30000-30999");
    }
}
