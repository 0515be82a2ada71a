package io.jlvs.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The devices under a link, as sysfs lists them ({@code lower_*}): GRO runs on the device that receives from
 * the wire, so for a VLAN, macvlan, bond or bridge link the data plane turns it off on those too; and a
 * link stacked on another data-plane link would hand each frame over twice, so that is refused.
 */
class LinkStackTest {

    @Test
    void aLinkComesWithEveryDeviceUnderItOnce(@TempDir Path sys) throws IOException {
        device(sys, "eth0");
        device(sys, "eth1");
        device(sys, "bond0", "lower_eth0", "lower_eth1");
        device(sys, "bond0.100", "lower_bond0");
        device(sys, "macvlan0", "lower_eth1");
        device(sys, "veth0");

        assertThat(LinkStack.withLowerDevices(sys, List.of("bond0.100", "macvlan0", "veth0")))
                .containsExactly("bond0.100", "bond0", "eth0", "eth1", "macvlan0", "veth0");
        assertThat(LinkStack.withLowerDevices(sys, List.of("nosuch"))).containsExactly("nosuch");
    }

    @Test
    void aLinkStackedOnAnotherListedLinkIsRefusedWithBothNames(@TempDir Path sys) throws IOException {
        device(sys, "eth0");
        device(sys, "eth1");
        device(sys, "eth0.100", "lower_eth0");
        device(sys, "bond0", "lower_eth1");
        device(sys, "bond0.7", "lower_bond0");

        assertThat(LinkStack.overlap(sys, List.of("eth0", "eth0.100"))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("eth0.100 is stacked on eth0, which is listed too"));
        assertThat(LinkStack.overlap(sys, List.of("bond0.7", "eth1"))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("bond0.7 is stacked on eth1"));
        assertThat(LinkStack.overlap(sys, List.of("eth0.100", "eth1"))).isEmpty();
        assertThat(LinkStack.overlap(sys, List.of("eth0", "eth1", "nosuch"))).isEmpty();
        assertThat(LinkStack.overlap(sys, List.of("eth1", "eth0", "eth1"))).hasValue(
                "eth1 is given twice: each frame would be handled twice");
    }

    private static void device(Path sys, String name, String... lower) throws IOException {
        Path d = Files.createDirectories(sys.resolve(name));
        Files.writeString(d.resolve("mtu"), "1500\n");
        for (String l : lower) {
            Files.createFile(d.resolve(l));
        }
    }
}
