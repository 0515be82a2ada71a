package io.jlvs.engine.keepalived;

import io.jlvs.config.model.RealServerDef;
import io.jlvs.health.RealServerHealth;
import io.jlvs.health.VirtualServerHealth;
import java.util.ArrayList;
import java.util.List;

/**
 * A virtual_server block while it runs: its health state and its real servers' checkers. Replaced as a
 * whole when a reload changes the block; {@link #active} turns false then, and late events are ignored.
 * Owner: the runtime's apply thread (fields other than {@code active} are written before start).
 */
final class BlockRuntime {

    /** A configured real server and its health. */
    record Member(RealServerDef def, Endpoint id, RealServerHealth health) {
    }

    final ServiceBlock block;
    final List<Member> members = new ArrayList<>();
    /** Real servers the previous configuration did not have (keepalived's {@code !rs->reloaded}). */
    final List<RealServerHealth> firstConfigured = new ArrayList<>();
    VirtualServerHealth health;
    volatile boolean active = true;

    BlockRuntime(ServiceBlock block) {
        this.block = block;
    }

    Member member(Endpoint id) {
        for (Member m : members) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        return null;
    }
}
