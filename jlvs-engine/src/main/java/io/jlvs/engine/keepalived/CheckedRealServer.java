package io.jlvs.engine.keepalived;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.model.VirtualServiceKey;

/**
 * One real_server of a running virtual_server block and its health checkers' verdict, whether or not it is in
 * the table now (a checker takes a failed server out, or to weight 0 with {@code inhibit_on_failure}).
 *
 * @param service          the virtual service (one per member of a virtual_server_group)
 * @param address          the address as configured
 * @param port             the port as configured
 * @param stored           the destination as the table stores it, with the configured weight
 * @param effectiveWeight  the weight the checkers want (MISC_CHECK dynamic weights move it)
 * @param alive            every checker up
 * @param failedCheckers   checkers now failed
 */
public record CheckedRealServer(VirtualServiceKey service, IpAddress address, int port, RealServer stored,
                                int effectiveWeight, boolean inhibitOnFailure, boolean alive, int failedCheckers) {
}
