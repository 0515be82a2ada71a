package io.jlvs.health;

import io.jlvs.core.IpAddress;

/** sorry_server: put in the pool instead of the real servers while the quorum is lost. */
public record SorryServer(IpAddress address, int port, boolean inhibit) {

    public SorryServer {
        if (address == null) {
            throw new IllegalArgumentException("sorry_server needs an address");
        }
    }
}
