package io.jlvs.admin;

import io.jlvs.vrrp.runtime.VrrpInstanceStatus;
import io.jlvs.vrrp.settings.VirtualIpAddress;
import java.util.List;

/** One running vrrp_instance as the API, the status page and /metrics show it: its status and its VIPs. */
public record VrrpInstanceView(VrrpInstanceStatus status, List<VirtualIpAddress> virtualAddresses) {
    public VrrpInstanceView {
        virtualAddresses = List.copyOf(virtualAddresses);
    }
}
