package io.jlvs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interface names the parser checks against: every link, with an address or not. */
class ProcNetDevTest {
    @TempDir
    Path dir;

    @Test
    void everyLinkIsListedWhetherItHasAnAddressOrNot() throws Exception {
        // as in a namespace holding a veth pair, eth1 down and neither end with an address
        Path f = dir.resolve("dev");
        Files.writeString(f, """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
                  eth1:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0
                bond0.100:1234     5    0    0    0     0          0         0        0       0    0    0    0     0       0          0
                """);
        assertThat(ProcNetDev.names(f)).containsExactly("lo", "eth1", "bond0.100");
        assertThat(ProcNetDev.names(dir.resolve("absent"))).isNull();
    }

    @Test
    void theSystemLookupSeesTheLinksTheKernelLists() throws Exception {
        // /sys/class/net lists every link of the namespace; Java's NetworkInterface only those with an address
        Path sys = Path.of("/sys/class/net");
        if (!Files.isDirectory(sys) || ProcNetDev.names(ProcNetDev.SELF) == null) {
            return;
        }
        HostInterfaces host = HostInterfaces.system();
        try (var links = Files.list(sys)) {
            links.map(p -> p.getFileName().toString()).forEach(n -> assertThat(host.exists(n)).as(n).isTrue());
        }
        assertThat(host.exists("no-such-if0")).isFalse();
        assertThat(host.isLoopback("lo")).isTrue();
    }
}
