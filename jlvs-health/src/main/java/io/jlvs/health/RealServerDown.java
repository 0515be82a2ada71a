package io.jlvs.health;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/**
 * Take the real server out of the pool.
 *
 * @param inhibit inhibit_on_failure: keep it with weight 0 instead of removing it
 */
public record RealServerDown(VirtualServiceKey virtualService, IpAddress address, int port, boolean inhibit,
                             boolean sorryServer) implements HealthEvent {
}
