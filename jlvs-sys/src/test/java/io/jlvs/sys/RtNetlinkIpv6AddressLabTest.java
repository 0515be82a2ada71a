package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.testkit.Shell;
import org.junit.jupiter.api.Test;

/** IPv6 virtual addresses through rtnetlink: added without duplicate address detection, deleted again. */
class RtNetlinkIpv6AddressLabTest {

    @Test
    void anIpv6AddressIsUsableAtOnceAndGoneAfterDelete() throws Exception {
        try (VethLab lab = VethLab.create(); RtNetlink rt = RtNetlink.open(); RtNetlinkWriter writer = RtNetlinkWriter.open()) {
            int index = new Syscalls().ifNameToIndex(lab.host);
            Shell.run("sysctl", "-q", "-w", "net.ipv6.conf." + lab.host + ".disable_ipv6=0");
            IpAddress vip = IpAddress.parse("fd00:77::100");

            writer.addAddress(index, vip, 64, "ignored:label", KernelRoute.SCOPE_UNIVERSE);

            String shown = Shell.run("ip", "-6", "-o", "addr", "show", "dev", lab.host).output();
            String line = shown.lines().filter(l -> l.contains(" " + vip + "/")).findFirst().orElse("");
            assertThat(line).contains("inet6 " + vip + "/64 scope global nodad").doesNotContain("tentative");
            assertThatThrownBy(() -> writer.addAddress(index, vip, 64, null, KernelRoute.SCOPE_UNIVERSE))
                    .isInstanceOfSatisfying(NativeIoException.class, e -> assertThat(e.is(Errno.EEXIST)).isTrue());

            rt.deleteAddress(index, vip, 64);

            assertThat(Shell.run("ip", "-6", "-o", "addr", "show", "dev", lab.host).output())
                    .doesNotContain(vip + "/");
            assertThatThrownBy(() -> rt.deleteAddress(index, vip, 64))
                    .isInstanceOfSatisfying(NativeIoException.class,
                            e -> assertThat(e.errnoName()).isEqualTo("EADDRNOTAVAIL"));
        }
    }
}
