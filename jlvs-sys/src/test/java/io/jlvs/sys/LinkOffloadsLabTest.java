package io.jlvs.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.testkit.Lab;
import io.jlvs.testkit.Shell;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Offloads by their {@code ethtool -k} names, read and set through the ioctl as ethtool does, checked against
 * what {@code ethtool -k} itself prints for the same veth.
 */
class LinkOffloadsLabTest {
    private static boolean ethtoolSays(String link, String feature) throws IOException {
        for (String line : Shell.run("ethtool", "-k", link).output().split("\n")) {
            String l = line.strip();
            if (l.startsWith(feature + ":")) {
                return l.substring(feature.length() + 1).strip().startsWith("on");
            }
        }
        throw new IOException("ethtool -k " + link + " lists no " + feature);
    }

    @Test
    void namedFeaturesAreReadAndSetAsEthtoolShowsThem() throws IOException {
        Lab.requireCommand("ethtool", "ethtool");
        try (VethLab lab = VethLab.create()) {
            for (String f : new String[] {"rx-udp-gro-forwarding", "rx-gro-list", "rx-gro"}) {
                // "rx-gro" is ethtool's "generic-receive-offload"
                boolean before = LinkOffloads.feature(lab.host, f);
                if (!f.equals("rx-gro")) {
                    assertThat(before).as("%s as ethtool -k shows it", f).isEqualTo(ethtoolSays(lab.host, f));
                }
                LinkOffloads.feature(lab.host, f, !before);
                assertThat(LinkOffloads.feature(lab.host, f)).as("%s after setting it %s", f, !before)
                        .isEqualTo(!before);
                if (!f.equals("rx-gro")) {
                    assertThat(ethtoolSays(lab.host, f)).as("%s in ethtool -k after setting it", f)
                            .isEqualTo(!before);
                } else {
                    assertThat(LinkOffloads.gro(lab.host)).as("GRO through ETHTOOL_GGRO").isEqualTo(!before);
                }
                LinkOffloads.feature(lab.host, f, before);
                assertThat(LinkOffloads.feature(lab.host, f)).as("%s put back", f).isEqualTo(before);
            }
            assertThat(LinkOffloads.feature(lab.host, "no-such-feature")).isFalse();
            assertThatThrownBy(() -> LinkOffloads.feature(lab.host, "no-such-feature", true))
                    .hasMessageContaining("no feature no-such-feature");
        }
    }
}
