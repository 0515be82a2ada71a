package io.jlvs.health;

import io.jlvs.core.IpAddress;
import java.net.InetSocketAddress;

/** The resolved endpoint a network checker probes, and the optional local address it binds. */
public record CheckTarget(IpAddress address, int port, IpAddress bindTo, int bindPort) {

    public CheckTarget {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static CheckTarget of(IpAddress address, int port) {
        return new CheckTarget(address, port, null, 0);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address.toInetAddress(), port);
    }

    /** The local address to bind, or null when neither bindto nor bind_port is set. */
    public InetSocketAddress localAddress() {
        if (bindTo == null && bindPort == 0) {
            return null;
        }
        return bindTo == null ? new InetSocketAddress(bindPort) : new InetSocketAddress(bindTo.toInetAddress(), bindPort);
    }
}
