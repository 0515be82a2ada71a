package io.jlvs.packet;

/**
 * Layer-2 next hops for IPv4 and IPv6 destinations: the MAC address to put in a frame sent towards an address
 * (the neighbour itself when on-link, else its gateway). jlvs-sys fills one from rtnetlink routes and
 * neighbours; tests use a map. Called per packet on the data-plane thread: must not allocate or block.
 */
@FunctionalInterface
public interface NeighbourTable {
    /** Returned when no MAC is known (the frame is dropped and counted). */
    long UNKNOWN = -1L;

    /** The next hop's MAC (low 48 bits) for {@code ipv4}, or {@link #UNKNOWN}. */
    long nextHopMac(int ipv4);

    /**
     * True when {@code ipv4} is known to have no route through the data plane's links (waiting for it to
     * resolve is pointless); false when it resolves or is still being looked up.
     */
    default boolean unreachable(int ipv4) {
        return false;
    }

    /**
     * The source address the kernel's route towards {@code ipv4} picks (its preferred source), what IPVS puts
     * in a tunnel's outer header; 0 when not known (yet).
     */
    default int preferredSource(int ipv4) {
        return 0;
    }

    /**
     * The next hop's MAC (low 48 bits) for the IPv6 address (hiBits, loBits), or {@link #UNKNOWN} (then the
     * miss is noted for the refresher, which resolves it by route and neighbour discovery).
     */
    default long nextHopMac6(long hiBits, long loBits) {
        return UNKNOWN;
    }

    /**
     * True when the IPv6 address is known to have no route through the data plane's links (one of the
     * director's own addresses, or a host behind another interface).
     */
    default boolean unreachable6(long hiBits, long loBits) {
        return false;
    }

    /**
     * The source address the kernel's route towards the IPv6 address (hiBits, loBits) picks (its preferred
     * source), what IPVS puts in a tunnel's outer header: written to {@code into[0]} (high 64 bits) and
     * {@code into[1]} (low); false, {@code into} untouched, when not known (yet).
     */
    default boolean preferredSource6(long hiBits, long loBits, long[] into) {
        return false;
    }
}
