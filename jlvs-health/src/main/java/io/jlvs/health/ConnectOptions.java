package io.jlvs.health;

import io.jlvs.core.IpAddress;

/**
 * keepalived's common connection options of a network checker.
 *
 * @param connectIp   connect_ip, null = the real server's address
 * @param connectPort connect_port, 0 = the real server's port
 * @param bindTo      bindto, null = let the kernel choose
 * @param bindPort    bind_port, 0 = ephemeral
 */
public record ConnectOptions(IpAddress connectIp, int connectPort, IpAddress bindTo, int bindPort) {

    public static final ConnectOptions DEFAULT = new ConnectOptions(null, 0, null, 0);

    public ConnectOptions {
        if (connectPort < 0 || connectPort > 65535 || bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
    }

    /** The endpoint to probe for a real server at {@code address:port}. */
    public CheckTarget target(IpAddress address, int port) {
        return new CheckTarget(connectIp == null ? address : connectIp, connectPort == 0 ? port : connectPort,
                bindTo, bindPort);
    }
}
