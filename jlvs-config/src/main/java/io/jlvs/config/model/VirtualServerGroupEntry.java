package io.jlvs.config.model;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;

/**
 * One line of a virtual_server_group: an address or range ({@code 10.0.0.1-10 80}) with its port, or a
 * firewall mark ({@code fwmark 7 [inet6]}).
 *
 * @param first null for a fwmark entry
 * @param last   the range's last address, equal to {@code first} for a single address
 * @param family the address's family, or a fwmark's {@code inet}/{@code inet6}; null for a fwmark without one
 *               (it takes the virtual server's, as keepalived's {@code fwmark_no_family})
 */
public record VirtualServerGroupEntry(IpAddress first, IpAddress last, int port, int fwmark, AddressFamily family) {

    public boolean isFwmark() {
        return first == null;
    }
}
