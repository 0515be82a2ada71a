package io.jlvs.sys;

import io.jlvs.core.IpAddress;

/**
 * A neighbour (ARP) table entry.
 *
 * @param address        the IP address
 * @param mac            the link-layer address as the low 48 bits (0 while unresolved)
 * @param state          the NUD_* state bits
 * @param interfaceIndex the interface it was learnt on
 */
public record Neighbour(IpAddress address, long mac, int state, int interfaceIndex) {

    /** The state as {@code ip neigh} prints it: REACHABLE, STALE, FAILED, ... */
    public String stateName() {
        return switch (state) {
            case 0x01 -> "INCOMPLETE";
            case 0x02 -> "REACHABLE";
            case 0x04 -> "STALE";
            case 0x08 -> "DELAY";
            case 0x10 -> "PROBE";
            case 0x20 -> "FAILED";
            case 0x40 -> "NOARP";
            case 0x80 -> "PERMANENT";
            case 0 -> "NONE";
            default -> "0x" + Integer.toHexString(state);
        };
    }

    /** True when the MAC may be used: REACHABLE, STALE, DELAY, PROBE, NOARP or PERMANENT. */
    public boolean usable() {
        return (state & (0x02 | 0x04 | 0x08 | 0x10 | 0x40 | 0x80)) != 0 && (state & 0x20) == 0;
    }
}
