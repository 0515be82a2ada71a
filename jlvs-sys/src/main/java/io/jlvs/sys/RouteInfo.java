package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.util.Optional;

/**
 * The kernel's answer to "how do I reach this address" (RTM_GETROUTE for one destination).
 *
 * @param destination     the address asked about
 * @param gateway         the next hop, or null when the destination is on link
 * @param interfaceIndex  the output interface
 * @param preferredSource the source address the kernel would pick, or null
 */
public record RouteInfo(IpAddress destination, IpAddress gateway, int interfaceIndex, IpAddress preferredSource) {

    public Optional<IpAddress> nextHop() {
        return Optional.ofNullable(gateway);
    }
}
