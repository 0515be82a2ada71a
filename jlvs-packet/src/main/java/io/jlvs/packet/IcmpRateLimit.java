package io.jlvs.packet;

/**
 * Decides whether an ICMP error may be sent now, as Linux's {@code icmp_send} does for IPVS: first the host-wide
 * token bucket ({@code icmp_msgs_per_sec}, {@code icmp_msgs_burst}), then the destination's own
 * ({@code icmp_ratelimit}, a burst of six). Types outside {@code icmp_ratemask}, and fragmentation-needed
 * (path MTU discovery depends on it), are never limited. So a flood to a service without real servers, or of
 * expiring TTLs, cannot make the director answer every packet.
 *
 * <p>Destinations are kept in a fixed table of {@value #SLOTS} slots by address hash (the kernel keeps a tree of
 * peers): an address that takes another's slot starts with a fresh burst. Owner: the worker thread; allocates
 * nothing.
 */
final class IcmpRateLimit {
    static final int SLOTS = 1024;
    /** The kernel's XRLIM_BURST_FACTOR. */
    private static final int BURST_FACTOR = 6;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int DEST_UNREACH = 3;
    private static final int FRAG_NEEDED = 4;

    private final IcmpLimits limits;
    private final long intervalNanos;
    private final int[] address = new int[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final long[] tokens = new long[SLOTS];
    private final long[] last = new long[SLOTS];
    private long credit;
    private long creditStamp;
    private long limited;

    IcmpRateLimit(IcmpLimits limits, long nowNanos) {
        this.limits = limits;
        this.intervalNanos = limits.rateLimitMillis() * 1_000_000L;
        this.credit = limits.msgsBurst();
        this.creditStamp = nowNanos;
    }

    /** True when an error of this type and code to {@code destination} may go now; counts it against the limits. */
    boolean allow(int type, int code, int destination, long nowNanos) {
        if (!limitedType(type, code)) {
            return true;
        }
        if (!globalAllow(nowNanos) || !destinationAllow(destination, nowNanos)) {
            limited++;
            return false;
        }
        return true;
    }

    /** Errors not sent because of the limits. */
    long limited() {
        return limited;
    }

    private boolean limitedType(int type, int code) {
        if (type < 0 || type > 31 || (limits.rateMask() >>> type & 1) == 0) {
            return false;
        }
        return !(type == DEST_UNREACH && code == FRAG_NEEDED);
    }

    private boolean globalAllow(long now) {
        long elapsed = now - creditStamp;
        if (elapsed > 0) {
            long incr = limits.msgsPerSec() * elapsed / NANOS_PER_SECOND;
            if (incr > 0) {
                credit = Math.min(credit + incr, limits.msgsBurst());
                creditStamp = now;
            }
        }
        if (credit > 0) {
            credit--;
            return true;
        }
        return false;
    }

    private boolean destinationAllow(int destination, long now) {
        if (intervalNanos == 0) {
            return true;
        }
        int slot = (destination * 0x9E3779B9 >>> 22) & (SLOTS - 1);
        long cap = BURST_FACTOR * intervalNanos;
        if (!used[slot] || address[slot] != destination) {
            // a destination not seen (recently): the kernel's new peer starts a minute in the past, so full
            used[slot] = true;
            address[slot] = destination;
            tokens[slot] = cap;
            last[slot] = now;
        }
        long t = Math.min(cap, tokens[slot] + Math.max(0, now - last[slot]));
        last[slot] = now;
        if (t >= intervalNanos) {
            tokens[slot] = t - intervalNanos;
            return true;
        }
        tokens[slot] = t;
        return false;
    }
}
