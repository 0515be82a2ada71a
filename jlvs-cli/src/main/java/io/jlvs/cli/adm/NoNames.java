package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/** A resolver that knows no names: every look-up fails, as on a host without DNS or /etc/services. */
public enum NoNames implements NameResolver {
    INSTANCE;

    @Override
    public IpAddress hostToIpv4(String name) {
        return null;
    }

    @Override
    public String hostName(IpAddress address) {
        return null;
    }

    @Override
    public int serviceToPort(String name, Protocol protocol) {
        return -1;
    }

    @Override
    public String serviceName(int port, Protocol protocol) {
        return null;
    }
}
