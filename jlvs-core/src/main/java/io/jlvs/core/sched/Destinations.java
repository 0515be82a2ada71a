package io.jlvs.core.sched;

import io.jlvs.core.IpAddress;

/**
 * What a scheduler sees of a virtual service's real servers: an indexed, read-only view.
 * Implementations must not allocate in any of these methods.
 */
public interface Destinations {

    int size();

    IpAddress address(int i);

    int port(int i);

    /** 0 = quiescent: never chosen for new flows. */
    int weight(int i);

    int activeConns(int i);

    int inactiveConns(int i);

    /** Set by the upper/lower connection thresholds (the kernel's IP_VS_DEST_F_OVERLOAD). */
    boolean overloaded(int i);

    /** May this destination take a new flow? Weight above 0 and not overloaded. */
    default boolean available(int i) {
        return weight(i) > 0 && !overloaded(i);
    }

    /** IPVS's load figure: active * 256 + inactive. */
    default long overhead(int i) {
        return ((long) activeConns(i) << 8) + inactiveConns(i);
    }
}
