package io.jlvs.packet;

/**
 * What the data-plane threads read to address a frame: the {@link AddressIndex} (address → next-hop id)
 * and, per hop id, its MAC ({@link NeighbourTable#UNKNOWN} while unresolved) and the link it is on. Hop 0
 * means "no route through our links". The hop arrays never change once published; the refresher publishes
 * a new view when a MAC or link changes or hops are added, and a new index when addresses are removed.
 * Lookups allocate nothing.
 */
final class NextHopView {
    /** The hop id of an address the kernel has no route for through the director's links. */
    static final int UNREACHABLE = 0;

    final AddressIndex index;
    private final long[] macs;
    private final int[] links;
    private final int[] sources;
    private final long[] macKeys;
    private final int[] macLinks;
    private final int macMask;

    /** A view with a new, empty index of its own (the index is filled in place: never share one). */
    static NextHopView empty() {
        return new NextHopView(new AddressIndex(8), new long[] {NeighbourTable.UNKNOWN}, new int[] {-1}, new int[1]);
    }

    /** @param sources per hop, the source address the kernel's route picks (its preferred source; 0: none) */
    NextHopView(AddressIndex index, long[] macs, int[] links, int[] sources) {
        this.index = index;
        this.macs = macs;
        this.links = links;
        this.sources = sources;
        int size = Integer.highestOneBit(Math.max(4, macs.length * 4));
        macMask = size - 1;
        macKeys = new long[size];
        macLinks = new int[size];
        java.util.Arrays.fill(macLinks, -1);
        for (int h = 0; h < macs.length; h++) {
            long mac = macs[h];
            if (mac == NeighbourTable.UNKNOWN || links[h] < 0) {
                continue;
            }
            int i = spread(mac) & macMask;
            while (macLinks[i] >= 0 && macKeys[i] != mac) {
                i = (i + 1) & macMask;
            }
            macKeys[i] = mac;
            macLinks[i] = links[h];
        }
    }

    private static int spread(long mac) {
        int h = Long.hashCode(mac) * 0x9e3779b1;
        return h ^ (h >>> 16);
    }

    /** True when {@code address} is indexed under a hop this view knows (resolved or not). */
    boolean knows(int address) {
        int h = index.peek(address);
        return h >= 0 && h < macs.length;
    }

    /** The link (index in the director's interface list) of the hop with this MAC, or -1. */
    int link(long mac) {
        int i = spread(mac) & macMask;
        while (macLinks[i] >= 0) {
            if (macKeys[i] == mac) {
                return macLinks[i];
            }
            i = (i + 1) & macMask;
        }
        return -1;
    }

    int hops() {
        return macs.length;
    }

    long hopMac(int hop) {
        return macs[hop];
    }

    int hopLink(int hop) {
        return links[hop];
    }

    int hopSource(int hop) {
        return sources[hop];
    }
}
