package io.jlvs.sys;

import io.jlvs.core.IpAddress;
import java.util.Objects;

/**
 * One IPv4 route as rtnetlink adds or deletes it ({@code ip route add [TYPE] DEST/LEN [via GW] [dev IF] [src SRC]
 * [metric N] [table N] [scope S]}).
 *
 * @param type            {@link #UNICAST}, {@link #BLACKHOLE}, {@link #UNREACHABLE} or {@link #PROHIBIT}
 * @param gateway         next hop, or null
 * @param interfaceIndex  output interface, or 0 for none
 * @param preferredSource {@code src}, or null
 * @param metric          priority, or -1 for the kernel's default
 * @param table           routing table, 0 for main
 * @param scope           {@link #SCOPE_UNIVERSE}, {@link #SCOPE_LINK}, {@link #SCOPE_HOST}, or -1 for the
 *                        usual one (link for a unicast route without a gateway, else universe)
 */
public record KernelRoute(int type, IpAddress destination, int prefixLength, IpAddress gateway, int interfaceIndex,
                          IpAddress preferredSource, int metric, int table, int scope) {
    public static final int UNICAST = 1;
    public static final int BLACKHOLE = 6;
    public static final int UNREACHABLE = 7;
    public static final int PROHIBIT = 8;
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_SITE = 200;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;
    /** The main routing table. */
    public static final int TABLE_MAIN = 254;

    public KernelRoute {
        Objects.requireNonNull(destination, "destination");
        if (!destination.isV4() || prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 destination with a prefix 0..32 expected: " + destination
                    + "/" + prefixLength);
        }
        if (type != UNICAST && type != BLACKHOLE && type != UNREACHABLE && type != PROHIBIT) {
            throw new IllegalArgumentException("route type " + type);
        }
    }

    /** The scope the kernel is asked for. */
    public int effectiveScope() {
        if (scope >= 0) {
            return scope;
        }
        return type == UNICAST && gateway == null ? SCOPE_LINK : SCOPE_UNIVERSE;
    }
}
