package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/**
 * Put the real server into the pool with this weight (add it, or restore its weight when it was inhibited).
 *
 * @param sorryServer this is the virtual server's sorry_server
 */
public record RealServerUp(VirtualServiceKey virtualService, IpAddress address, int port, int weight,
                           boolean sorryServer) implements HealthEvent {
}
