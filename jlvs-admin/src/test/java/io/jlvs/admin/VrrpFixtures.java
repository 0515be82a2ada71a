package io.jlvs.admin;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.codec.VrrpDropReason;
import io.jlvs.vrrp.runtime.VrrpInstanceCounters;
import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import io.jlvs.vrrp.state.VrrpState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Two VRRP instances as a daemon would report them: VI_1 MASTER with two VIPs, VI_2 BACKUP. */
final class VrrpFixtures {
    static final Instant SINCE = Instant.parse("2026-11-26T10:00:00Z");

    private VrrpFixtures() {
    }

    static List<VrrpInstanceView> two() {
        VrrpInstanceStatus vi1 = new VrrpInstanceStatus("VI_1", "eth0", 51, VrrpState.MASTER, 150, 140,
                IpAddress.parse("10.0.0.1"), SINCE, new VrrpInstanceCounters(120, 1, 3, 0,
                Map.of(VrrpDropReason.AUTH_FAILURE, 2L, VrrpDropReason.ADDRESS_LIST, 1L, VrrpDropReason.CAST_MISMATCH, 4L),
                2, 1));
        VrrpInstanceStatus vi2 = new VrrpInstanceStatus("VI_2", "eth1", 52, VrrpState.BACKUP, 100, 100,
                IpAddress.parse("10.1.0.2"), null, new VrrpInstanceCounters(0, 0, 77, 0, Map.of(), 4, 2));
        return List.of(
                new VrrpInstanceView(vi1, List.of(new VirtualIpAddress(IpAddress.parse("10.0.0.100"), 24, null, "eth0:vip", null),
                        new VirtualIpAddress(IpAddress.parse("192.168.5.5"), 32, "eth2", null, null))),
                new VrrpInstanceView(vi2, List.of(VirtualIpAddress.parse("10.1.0.100/24"))));
    }
}
