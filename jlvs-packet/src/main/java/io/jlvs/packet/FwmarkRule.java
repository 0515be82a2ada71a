package io.jlvs.packet;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/**
 * One classification rule standing in for an iptables/nft MARK rule: packets of {@code protocol}
 * (null: TCP, UDP and SCTP) to an IPv4 address in [{@code from}, {@code to}] and a destination port in
 * [{@code portFrom}, {@code portTo}] carry firewall mark {@code mark}.
 */
public record FwmarkRule(Protocol protocol, IpAddress from, IpAddress to, int portFrom, int portTo, int mark) {
    public FwmarkRule {
        if (from == null || to == null || !from.isV4() || !to.isV4()) {
            throw new IllegalArgumentException("fwmark rules take IPv4 address ranges");
        }
        if (Integer.compareUnsigned(from.v4(), to.v4()) > 0) {
            throw new IllegalArgumentException("address range " + from + "-" + to + " is empty");
        }
        if (portFrom < 0 || portTo > 65535 || portFrom > portTo) {
            throw new IllegalArgumentException("bad port range " + portFrom + "-" + portTo);
        }
        if (mark == 0) {
            throw new IllegalArgumentException("mark must be non-zero");
        }
    }
}
