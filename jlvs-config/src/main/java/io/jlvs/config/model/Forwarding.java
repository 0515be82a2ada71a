package io.jlvs.config.model;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;

/**
 * {@code lb_kind} / {@code lvs_method}: NAT, DR, TUN (with its tunnel options) or FNAT (jlvs's FULLNAT).
 *
 * @param tunnelType     null unless TUNNEL
 * @param tunnelPort     GUE port, else 0
 * @param tunnelChecksum null unless TUNNEL
 */
public record Forwarding(ForwardingMethod method, TunnelType tunnelType, int tunnelPort, TunnelChecksum tunnelChecksum) {

    public static Forwarding of(ForwardingMethod method) {
        return method == ForwardingMethod.TUNNEL
                ? new Forwarding(method, TunnelType.IPIP, 0, TunnelChecksum.NOCSUM)
                : new Forwarding(method, null, 0, null);
    }

    /** The keepalived spelling: NAT, DR, TUN, FNAT. */
    public String keepalivedName() {
        return switch (method) {
            case MASQ -> "NAT";
            case DROUTE, LOCAL -> "DR";
            case TUNNEL -> "TUN";
            case FULLNAT -> "FNAT";
        };
    }
}
