package io.jlvs.core.model;

import io.jlvs.core.AddressFamily;
import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/** A TCP, UDP or SCTP virtual service on one address and port (port 0: every port, persistent only). */
public record InetServiceKey(Protocol protocol, IpAddress address, int port) implements VirtualServiceKey {

    public InetServiceKey {
        if (protocol == null || address == null) {
            throw new IllegalArgumentException("protocol and address are required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public int fwmark() {
        return 0;
    }

    @Override
    public AddressFamily family() {
        return address.family();
    }

    @Override
    public int protocolNumber() {
        return protocol.number();
    }

    /** {@code TCP  10.0.0.1:80} style is the caller's job; this is {@code tcp:10.0.0.1:80} for logs. */
    @Override
    public String toString() {
        return protocol.lowerName() + ":" + address.withPort(port);
    }
}
