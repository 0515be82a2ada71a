package io.jlvs.core.model;

import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.IpAddress;
import io.jlvs.core.TunnelChecksum;
import io.jlvs.core.TunnelType;

/**
 * A real server (IPVS "destination") as ipvsadm -a/-e describes it. Immutable.
 *
 * @param upperThreshold -x: 0 = none; at or above it the server is OVERLOADED
 * @param lowerThreshold -y: 0 = none; below it an overloaded server takes new flows again
 * @param tunnelPort     --tun-port (GUE only), 0 otherwise
 */
public record RealServer(
        IpAddress address,
        int port,
        ForwardingMethod method,
        int weight,
        int upperThreshold,
        int lowerThreshold,
        TunnelType tunnelType,
        int tunnelPort,
        TunnelChecksum tunnelChecksum) {

    public static final int DEFAULT_WEIGHT = 1;
    /** IPVS takes any weight from 0 to INT_MAX (its weight is a signed 32-bit int; below 0 is refused). */
    public static final int MAX_WEIGHT = Integer.MAX_VALUE;

    public RealServer {
        if (address == null || method == null) {
            throw new IllegalArgumentException("address and forwarding method are required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (method == ForwardingMethod.TUNNEL) {
            tunnelType = tunnelType == null ? TunnelType.IPIP : tunnelType;
            tunnelChecksum = tunnelChecksum == null ? TunnelChecksum.NOCSUM : tunnelChecksum;
        } else {
            tunnelType = null;
            tunnelPort = 0;
            tunnelChecksum = null;
        }
    }

    public static RealServer of(IpAddress address, int port, ForwardingMethod method, int weight) {
        return new RealServer(address, port, method, weight, 0, 0, null, 0, null);
    }

    public RealServer withWeight(int newWeight) {
        return new RealServer(address, port, method, newWeight, upperThreshold, lowerThreshold,
                tunnelType, tunnelPort, tunnelChecksum);
    }

    /** Real servers are identified within a service by address and port. */
    public boolean sameEndpoint(IpAddress otherAddress, int otherPort) {
        return address.equals(otherAddress) && port == otherPort;
    }
}
