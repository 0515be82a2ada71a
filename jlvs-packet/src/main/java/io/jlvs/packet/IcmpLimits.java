package io.jlvs.packet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux's limits on the ICMP errors a host originates, which IPVS's errors obey because it sends them through the
 * kernel's {@code icmp_send}: the {@code net.ipv4.icmp_*} sysctls of the director's network namespace.
 *
 * @param rateLimitMillis {@code icmp_ratelimit}: per destination, one error per this many milliseconds, with a
 *                        burst of six (0: no per-destination limit)
 * @param rateMask        {@code icmp_ratemask}: bit N set = ICMP type N is limited (fragmentation-needed never is)
 * @param msgsPerSec      {@code icmp_msgs_per_sec}: the host-wide rate of limited errors
 * @param msgsBurst       {@code icmp_msgs_burst}: the host-wide burst
 */
public record IcmpLimits(int rateLimitMillis, int rateMask, int msgsPerSec, int msgsBurst) {
    /** The kernel's defaults: 1000 ms, 6168 (destination unreachable, source quench, time exceeded, parameter problem), 1000/s, 50. */
    public static final IcmpLimits KERNEL_DEFAULTS = new IcmpLimits(1000, 6168, 1000, 50);
    /** No limit at all (every type outside the mask). */
    public static final IcmpLimits NONE = new IcmpLimits(0, 0, 0, 0);

    public IcmpLimits {
        if (rateLimitMillis < 0 || msgsPerSec < 0 || msgsBurst < 0) {
            throw new IllegalArgumentException("ICMP limits must not be negative");
        }
    }

    /** The sysctls under {@code dir} (normally {@code /proc/sys/net/ipv4}); a value that cannot be read keeps its default. */
    public static IcmpLimits read(Path dir) {
        IcmpLimits d = KERNEL_DEFAULTS;
        return new IcmpLimits(value(dir, "icmp_ratelimit", d.rateLimitMillis), value(dir, "icmp_ratemask", d.rateMask),
                value(dir, "icmp_msgs_per_sec", d.msgsPerSec), value(dir, "icmp_msgs_burst", d.msgsBurst));
    }

    private static int value(Path dir, String name, int otherwise) {
        try {
            int v = Integer.parseInt(Files.readString(dir.resolve(name)).trim());
            return v < 0 && !name.equals("icmp_ratemask") ? otherwise : v;
        } catch (IOException | RuntimeException e) {
            return otherwise;
        }
    }
}
