package io.jlvs.packet.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.jlvs.testkit.Shell;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NAT between a client and real servers that leave their TCP checksums to the network card (veth with
 * checksum offload on, as containers on the director's host do): every request is answered, because the
 * worker finishes those checksums, with AF_PACKET rings and with AF_XDP plus the fast path. Before, every
 * connection failed (the real servers counted TcpInCsumErrors).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartialChecksumLabTest {
    private static final int REQUESTS = 20;

    @ParameterizedTest(name = "AF_XDP: {0}")
    @ValueSource(booleans = {false, true})
    void requestsFromAndToSendersLeavingChecksumsToTheCardAreAnswered(boolean xdp) throws IOException {
        Map<String, String> options = xdp ? Map.of("jlvs.lab.xdp", "true", "jlvs.lab.offload", "0") : Map.of();
        try (PacketLab lab = PacketLab.create("Masq", options)) {
            lab.checksumOffloadOn();
            Shell.Result r = lab.client(60, "curl", "-sS", "--fail-early", "-o", "/dev/null", "--max-time", "3", "-w",
                    "%{http_code}\\n", "-H", "Connection: close",
                    "http://" + PacketLab.VIP + "/name?i=[1-" + REQUESTS + "]");
            String[] codes = r.output().strip().split("\n");
            assertThat(codes).as("HTTP status of each request; stderr: %s", lab.stderr())
                    .hasSize(REQUESTS).containsOnly("200");
            long completed = lab.ask("counters").stream().filter(c -> c.startsWith("checksums_completed="))
                    .mapToLong(c -> Long.parseLong(c.substring(c.indexOf('=') + 1))).sum();
            // each request: at least the SYN, SYN-ACK, request and response arrive with a left-over checksum
            assertThat(completed).as("checksums the worker finished").isGreaterThanOrEqualTo(4L * REQUESTS);
        }
    }
}
