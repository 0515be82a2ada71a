package io.jlvs.cli.adm;

import io.jlvs.core.IpAddress;
import io.jlvs.core.Protocol;

/**
 * Host and service name look-ups, as ipvsadm does them with gethostbyname, gethostbyaddr, getservbyname and
 * getservbyport. Injected so that tests use a fixed table.
 */
public interface NameResolver {

    /** The first IPv4 address of a host name, or null (gethostbyname: IPv4 only). */
    IpAddress hostToIpv4(String name);

    /** The name of an address, or null when it has none. */
    String hostName(IpAddress address);

    /** The port of a service name for a protocol, or -1. */
    int serviceToPort(String name, Protocol protocol);

    /** The service name of a port for a protocol, or null. */
    String serviceName(int port, Protocol protocol);

    /** A resolver that knows no names at all. */
    static NameResolver none() {
        return NoNames.INSTANCE;
    }
}
