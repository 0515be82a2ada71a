package io.jlvs.vrrp.settings;

import io.jlvs.core.IpAddress;
import java.util.Objects;

/**
 * One {@code virtual_ipaddress} line: {@code 10.0.0.100/24 dev eth1 label eth1:vip scope global}.
 *
 * @param address      the address (IPv4)
 * @param prefixLength the prefix; keepalived's default is 32 when none is given
 * @param device       the interface to put it on, or null for the instance's interface
 * @param label        the address label, or null
 * @param scope        {@code global} (default), {@code site}, {@code link}, {@code host}
 */
public record VirtualIpAddress(IpAddress address, int prefixLength, String device, String label, String scope) {

    public VirtualIpAddress {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > (address.isV4() ? 32 : 128)) {
            throw new IllegalArgumentException("bad prefix length " + prefixLength + " for " + address);
        }
        scope = scope == null ? "global" : scope;
    }

    /** {@code 10.0.0.100} or {@code 10.0.0.100/24}, on the instance's interface. */
    public static VirtualIpAddress parse(String cidr) {
        int slash = cidr.indexOf('/');
        IpAddress a = IpAddress.parse(slash < 0 ? cidr : cidr.substring(0, slash));
        int len = slash < 0 ? (a.isV4() ? 32 : 128) : Integer.parseInt(cidr.substring(slash + 1));
        return new VirtualIpAddress(a, len, null, null, null);
    }

    public VirtualIpAddress withDevice(String dev) {
        return new VirtualIpAddress(address, prefixLength, dev, label, scope);
    }

    public VirtualIpAddress withLabel(String l) {
        return new VirtualIpAddress(address, prefixLength, device, l, scope);
    }

    /** The interface it goes on: its own {@code dev} or the instance's. */
    public String deviceOr(String instanceInterface) {
        return device != null ? device : instanceInterface;
    }
}
