package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 FTP lab with two packet workers: the fanout hashes IPv6 clients by address only, so a data connection
 * (another client port, or from the real server's port 20) reaches the worker that has its control connection's
 * entries. Downloads from eight client addresses, passive and active, arrive intact and both workers forwarded
 * IPv6.
 */
class Ipv6FtpTwoWorkersLabTest extends Ipv6FtpLabTest {
    @Override
    Map<String, String> directorOptions() {
        return Map.of("jlvs.lab.workers", "2");
    }

    @Override
    List<String> clientSources() {
        return IntStream.range(0, 8).mapToObj(i -> "2001:db8:77::" + Integer.toHexString(0x20 + i)).toList();
    }

    @Test
    @Order(7)
    void downloadsFromManyClientsMeetTheirControlConnectionsWorker() throws IOException {
        long[] before = {lab.counter("forwarded_ipv6_worker_0"), lab.counter("forwarded_ipv6_worker_1")};
        for (String source : clientSources()) {
            assertThat(download("epsv-" + source, "--interface", source)).as("EPSV from " + source).isEqualTo(sha256);
            // -P -: EPRT names the control connection's own address
            assertThat(download("eprt-" + source, "--interface", source, "-P", "-")).as("EPRT from " + source)
                    .isEqualTo(sha256);
        }
        for (int w = 0; w < 2; w++) {
            assertThat(lab.counter("forwarded_ipv6_worker_" + w) - before[w]).as("IPv6 frames worker " + w
                    + " forwarded").isGreaterThan(3 * 1024 * 1024 / 1500);
        }
    }
}
