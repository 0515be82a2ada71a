package io.jlvs.packet;

import java.util.Map;

/**
 * An immutable snapshot of resolved next hops: IPv4 address → MAC, and MAC → link, in primitive
 * open-addressing tables so that lookups on the data-plane thread allocate nothing.
 */
final class NeighbourCache {
    static final NeighbourCache EMPTY = new NeighbourCache(Map.of(), Map.of());

    private final Map<Integer, Long> macsByAddress;
    private final Map<Long, Integer> linksByMac;
    private final int mask;
    private final int[] addrKeys;
    private final long[] addrMacs;
    private final boolean[] addrUsed;
    private final long[] macKeys;
    private final int[] macLinks;
    private final boolean[] macUsed;

    NeighbourCache(Map<Integer, Long> macs, Map<Long, Integer> links) {
        this.macsByAddress = Map.copyOf(macs);
        this.linksByMac = Map.copyOf(links);
        int size = Integer.highestOneBit(Math.max(4, Math.max(macs.size(), links.size()) * 4));
        this.mask = size - 1;
        addrKeys = new int[size];
        addrMacs = new long[size];
        addrUsed = new boolean[size];
        macKeys = new long[size];
        macLinks = new int[size];
        macUsed = new boolean[size];
        macs.forEach((a, m) -> {
            int i = spread(a) & mask;
            while (addrUsed[i]) {
                i = (i + 1) & mask;
            }
            addrUsed[i] = true;
            addrKeys[i] = a;
            addrMacs[i] = m;
        });
        links.forEach((m, l) -> {
            int i = spread(Long.hashCode(m)) & mask;
            while (macUsed[i]) {
                i = (i + 1) & mask;
            }
            macUsed[i] = true;
            macKeys[i] = m;
            macLinks[i] = l;
        });
    }

    private static int spread(int h) {
        h *= 0x9e3779b1;
        return h ^ (h >>> 16);
    }

    long mac(int address) {
        int i = spread(address) & mask;
        while (addrUsed[i]) {
            if (addrKeys[i] == address) {
                return addrMacs[i];
            }
            i = (i + 1) & mask;
        }
        return NeighbourTable.UNKNOWN;
    }

    int link(long mac) {
        int i = spread(Long.hashCode(mac)) & mask;
        while (macUsed[i]) {
            if (macKeys[i] == mac) {
                return macLinks[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int size() {
        return macsByAddress.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NeighbourCache c && c.macsByAddress.equals(macsByAddress) && c.linksByMac.equals(linksByMac);
    }

    @Override
    public int hashCode() {
        return macsByAddress.hashCode();
    }
}
