package io.jlvs.engine;

import io.jlvs.core.IpAddress;
import io.jlvs.core.model.VirtualServiceKey;

/** A real server's identity across the table: its service, address and port. */
record RealServerKey(VirtualServiceKey service, IpAddress address, int port) {
}
