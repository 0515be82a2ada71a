package io.jlvs.sys;

import io.jlvs.core.IpAddress;

/**
 * An IPv4 address configured on an interface.
 *
 * @param interfaceIndex the interface's index
 * @param address        the local address
 * @param prefixLength   the network prefix length
 * @param label          the label ({@code eth0:vip}), or the interface name when none was given
 */
public record InterfaceAddress(int interfaceIndex, IpAddress address, int prefixLength, String label) {
}
