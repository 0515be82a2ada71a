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

    /**
     * How often the instance left MASTER (keepalived's release_master): every time it became MASTER except the
     * stay it is in now.
     */
    public long releasedMaster() {
        long became = counters.becameMaster();
        return state == VrrpState.MASTER ? Math.max(0, became - 1) : became;
    }
}
