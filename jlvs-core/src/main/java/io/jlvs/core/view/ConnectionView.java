package io.jlvs.core.view;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/**
 * One connection-table entry as `ipvsadm -Lc` shows it. Persistence templates have clientPort 0 and
 * state NONE (their protocol is the service's; fwmark templates use IP protocol 0 and show "IP").
 *
 * @param protocol      null for a fwmark template (listed as "IP")
 * @param expiresMillis time until expiry
 */
public record ConnectionView(
        Protocol protocol,
        IpAddress client,
        int clientPort,
        IpAddress virtualAddress,
        int virtualPort,
        IpAddress destination,
        int destinationPort,
        String state,
        long expiresMillis,
        boolean template,
        String peName,
        String peData) {
}
