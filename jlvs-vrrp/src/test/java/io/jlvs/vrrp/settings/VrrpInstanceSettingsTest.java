package io.jlvs.vrrp.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpVersion;
import io.jlvs.vrrp.state.VrrpInstanceConfig;
import io.jlvs.vrrp.state.VrrpState;
import io.jlvs.vrrp.state.VrrpTracker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VrrpInstanceSettingsTest {
    static final IpAddress PRIMARY = IpAddress.parse("10.0.0.1");

    @Test
    void keepalivedsDefaultsComeThroughToTheStateMachine() {
        VrrpInstanceConfig c = VrrpInstanceSettings.of("VI_1", "eth0", 51, VrrpVersion.V2).toConfig(PRIMARY, t -> true);
        assertThat(c.priority()).isEqualTo(100);
        assertThat(c.advertIntervalCentis()).isEqualTo(100);
        assertThat(c.initialState()).isEqualTo(VrrpState.BACKUP);
        assertThat(c.preempt()).isTrue();
        assertThat(c.garpMasterDelayNanos()).isEqualTo(5_000_000_000L);
        assertThat(c.garpMasterRepeat()).isEqualTo(5);
        assertThat(c.trackers()).containsExactly(new VrrpTracker("interface:eth0", 0, false, true));
    }

    @Test
    void trackersAreNamedByKindAndStartInTheGivenState() {
        VrrpInstanceSettings s = new VrrpInstanceSettings("VI_1", "eth0", 51, 150, 100, VrrpVersion.V3,
                VrrpState.BACKUP, true, 0, null, List.of(VirtualIpAddress.parse("10.0.0.100/24")), null, List.of(),
                5000, 5, 0, 1, false, List.of(new TrackInterface("eth1", -20)),
                List.of(new TrackScript("chk", List.of("/bin/chk"), 2000, 1000, 30, 2, 3, true)),
                List.of(new TrackFile("f", Path.of("/run/f"), 5, 1000)), null);
        VrrpInstanceConfig c = s.toConfig(PRIMARY, t -> !t.equals("interface:eth1"));
        assertThat(c.preempt()).isFalse();
        assertThat(c.virtualAddresses()).containsExactly(IpAddress.parse("10.0.0.100"));
        assertThat(c.trackers()).containsExactly(
                new VrrpTracker("interface:eth0", 0, false, true),
                new VrrpTracker("interface:eth1", -20, false, false),
                new VrrpTracker("script:chk", 30, false, true),
                new VrrpTracker("file:f", 0, false, true));
    }

    @Test
    void dontTrackPrimaryLeavesTheOwnInterfaceOut() {
        VrrpInstanceSettings s = new VrrpInstanceSettings("VI_1", "eth0", 51, 0, 100, VrrpVersion.V3, null, false,
                0, null, List.of(), null, List.of(), 5000, 5, 0, 1, true, List.of(), List.of(), List.of(), null);
        assertThat(s.toConfig(PRIMARY, t -> true).trackers()).isEmpty();
    }

    @Test
    void aPasswordIsVrrpv2Only() {
        assertThatThrownBy(() -> new VrrpInstanceSettings("VI_1", "eth0", 51, 0, 100, VrrpVersion.V3, null, false,
                0, "secret", List.of(), null, List.of(), 5000, 5, 0, 1, false, List.of(), List.of(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth_pass");
    }

    @Test
    void aVirtualAddressWithoutPrefixIsA32() {
        VirtualIpAddress v = VirtualIpAddress.parse("192.168.1.10");
        assertThat(v.prefixLength()).isEqualTo(32);
        assertThat(v.scope()).isEqualTo("global");
        assertThat(v.deviceOr("eth0")).isEqualTo("eth0");
        assertThat(v.withDevice("eth1").deviceOr("eth0")).isEqualTo("eth1");
    }
}
