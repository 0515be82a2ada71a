package io.jlvs.health.bfd;

import io.jlvs.core.IpAddress;

/**
 * One bfd_instance as keepalived.conf describes it; intervals in microseconds (keepalived reads milliseconds
 * with a microsecond resolution).
 *
 * @param source   the local address, or null for the one the route to the neighbor chooses
 * @param ttl      outgoing TTL / hop limit (keepalived: 255 for IPv4, 64 for IPv6)
 * @param maxHops  how much lower than {@code ttl} a received TTL may be; -1 or 255 disable the check
 */
public record BfdSessionConfig(
        String name,
        IpAddress neighbor,
        IpAddress source,
        long minRxMicros,
        long minTxMicros,
        long idleTxMicros,
        int multiplier,
        boolean passive,
        int ttl,
        int maxHops) {

    public static final long DEFAULT_MIN_RX_MICROS = 10_000;
    public static final long DEFAULT_MIN_TX_MICROS = 10_000;
    public static final long DEFAULT_IDLE_TX_MICROS = 1_000_000;
    public static final int DEFAULT_MULTIPLIER = 5;

    public BfdSessionConfig {
        if (name == null || neighbor == null) {
            throw new IllegalArgumentException("a BFD session needs a name and a neighbor");
        }
        if (source != null && source.family() != neighbor.family()) {
            throw new IllegalArgumentException("source and neighbor addresses are of different families");
        }
        if (minRxMicros < 1 || minTxMicros < 1 || idleTxMicros < 1 || multiplier < 1 || multiplier > 255) {
            throw new IllegalArgumentException("BFD intervals and multiplier must be positive");
        }
        if (ttl < 1 || ttl > 255 || maxHops < -1 || maxHops > 255) {
            throw new IllegalArgumentException("ttl must be in [1, 255] and max_hops in [-1, 255]");
        }
    }

    /** keepalived's defaults for a session to {@code neighbor}. */
    public static BfdSessionConfig defaults(String name, IpAddress neighbor) {
        return new BfdSessionConfig(name, neighbor, null, DEFAULT_MIN_RX_MICROS, DEFAULT_MIN_TX_MICROS,
                DEFAULT_IDLE_TX_MICROS, DEFAULT_MULTIPLIER, false, defaultTtl(neighbor), 0);
    }

    public static int defaultTtl(IpAddress neighbor) {
        return neighbor.family() == io.jlvs.core.AddressFamily.INET ? 255 : 64;
    }

    /** The lowest TTL / hop limit a received packet may carry, 0 when not checked. */
    public int minReceivedTtl() {
        return maxHops < 0 || maxHops >= 255 ? 0 : Math.max(0, ttl - maxHops);
    }

    public BfdSessionConfig withPassive(boolean value) {
        return new BfdSessionConfig(name, neighbor, source, minRxMicros, minTxMicros, idleTxMicros, multiplier, value,
                ttl, maxHops);
    }

    public BfdSessionConfig withTimers(long minRx, long minTx, long idleTx, int mult) {
        return new BfdSessionConfig(name, neighbor, source, minRx, minTx, idleTx, mult, passive, ttl, maxHops);
    }
}
