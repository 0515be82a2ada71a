package io.jlvs.vrrp.runtime;

import io.jlvs.core.IpAddress;
import io.jlvs.vrrp.state.VrrpState;
import java.time.Instant;

/**
 * What the admin API shows of one running instance.
 *
 * @param masterAddress     the master last heard from while BACKUP, our own address while MASTER, else null
 * @param lastTransition    wall-clock time of the last state change (null before the first)
 */
public record VrrpInstanceStatus(String name, String interfaceName, int vrid, VrrpState state, int basePriority,
                                 int effectivePriority, IpAddress masterAddress, Instant lastTransition,
                                 VrrpInstanceCounters counters) {
}
