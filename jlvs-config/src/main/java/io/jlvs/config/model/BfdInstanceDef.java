package io.jlvs.config.model;

import io.jlvs.core.IpAddress;

/**
 * bfd_instance NAME { neighbor_ip; source_ip; min_rx; min_tx; idle_tx; multiplier; passive; ttl/hoplimit;
 * max_hops; weight [reverse]; vrrp; checker }, with keepalived's defaults filled in. Intervals are
 * microseconds (keepalived reads milliseconds with up to 3 decimals).
 *
 * @param ttl          outgoing TTL / hop limit: 255 for an IPv4 neighbor, 64 for IPv6, unless set
 * @param maxHops      how far below {@code ttl} a received TTL may be (0: must equal it; -1 or 255: unchecked)
 * @param toChecker    events go to the checkers (BFD_CHECK): unless only {@code vrrp} was named
 * @param toVrrp       events go to VRRP (track_bfd): unless only {@code checker} was named
 */
public record BfdInstanceDef(
        String name,
        IpAddress neighbor,
        IpAddress source,
        long minRxMicros,
        long minTxMicros,
        long idleTxMicros,
        int multiplier,
        boolean passive,
        int ttl,
        int maxHops,
        int weight,
        boolean weightReverse,
        boolean toChecker,
        boolean toVrrp) {

    public static final long DEFAULT_MIN_RX_MICROS = 10_000;
    public static final long DEFAULT_MIN_TX_MICROS = 10_000;
    public static final long DEFAULT_IDLE_TX_MICROS = 1_000_000;
    public static final int DEFAULT_MULTIPLIER = 5;
}
