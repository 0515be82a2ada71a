package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRO runs on the device that receives from the wire: for a VLAN, macvlan, bond or bridge link the data
 * plane turns it off on the devices under it too, found as sysfs lists them ({@code lower_*}).
 */
class ReceiveOffloadsTest {

    @Test
    void aLinkComesWithEveryDeviceUnderItOnce(@TempDir Path sys) throws IOException {
        device(sys, "eth0");
        device(sys, "eth1");
        device(sys, "bond0", "lower_eth0", "lower_eth1");
        device(sys, "bond0.100", "lower_bond0");
        device(sys, "macvlan0", "lower_eth1");
        device(sys, "veth0");

        assertThat(ReceiveOffloads.withLowerDevices(sys, List.of("bond0.100", "macvlan0", "veth0")))
                .containsExactly("bond0.100", "bond0", "eth0", "eth1", "macvlan0", "veth0");
        assertThat(ReceiveOffloads.withLowerDevices(sys, List.of("nosuch"))).containsExactly("nosuch");
    }

    private static void device(Path sys, String name, String... lower) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name));
        Files.writeString(d.resolve("mtu"), "1500\n");
        for (String l : lower) {
            Files.createFile(d.resolve(l));
        }
    }
}
