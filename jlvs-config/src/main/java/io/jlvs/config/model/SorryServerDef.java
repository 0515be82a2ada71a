package io.jlvs.config.model;

import io.jlvs.core.IpAddress;

/** sorry_server: used when no real server is up; {@code forwarding} null means the virtual server's. */
public record SorryServerDef(IpAddress address, int port, Forwarding forwarding, boolean inhibit) {
}
