package io.jlvs.vrrp.settings;

import io.jlvs.core.IpAddress;
import java.util.Objects;

/**
 * One {@code virtual_routes} line, added while MASTER:
 * {@code [src ADDR] [to] DEST[/LEN] [via|gw GW] [dev IF] [scope S] [table N] [metric N]}, or a
 * {@code blackhole}/{@code unreachable}/{@code prohibit} DEST.
 *
 * @param type           {@code unicast}, {@code blackhole}, {@code unreachable} or {@code prohibit}
 * @param gateway        next hop, or null
 * @param device         output interface, or null (the instance's interface when there is no gateway)
 * @param source         preferred source, or null
 * @param metric         -1 for none
 * @param table          0 for main
 * @param scope          {@code global}, {@code link}, {@code host}, or null for the kernel's usual one
 */
public record VirtualRoute(String type, IpAddress destination, int prefixLength, IpAddress gateway, String device,
                           IpAddress source, int metric, int table, String scope) {

    public VirtualRoute {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(destination, "destination");
        if (!destination.isV4() || prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 destination with a prefix 0..32 expected: " + destination
                    + "/" + prefixLength);
        }
    }

    /** The interface it goes out of: its own {@code dev}, else the instance's when there is no gateway. */
    public String deviceOr(String instanceInterface) {
        if (device != null) {
            return device;
        }
        return gateway == null && type.equals("unicast") ? instanceInterface : null;
    }

    /** As {@code ip route} would show the destination. */
    @Override
    public String toString() {
        String d = destination.mask(prefixLength) + (prefixLength == 32 ? "" : "/" + prefixLength);
        return (type.equals("unicast") ? "" : type + " ") + d + (gateway == null ? "" : " via " + gateway)
                + (device == null ? "" : " dev " + device);
    }
}
