package io.jlvs.engine.keepalived;

import io.jlvs.core.IpAddress;

/** A real server's identity within a virtual service: address and port, as IPVS identifies destinations. */
record Endpoint(IpAddress address, int port) {
}
