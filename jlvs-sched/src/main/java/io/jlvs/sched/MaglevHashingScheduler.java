package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;
import io.jlvs.core.sched.SchedulerOptions;
import java.util.Arrays;

/**
 * mh: Maglev hashing. Each server gets a permutation of the lookup table (offset and skip from two hashes of
 * its address and port); servers, in address/port order, take turns claiming their next free preferred slot
 * until the prime-sized table is full. A server claims (last weight / gcd) &gt;&gt; shift slots per turn,
 * the shift keeping the largest ratio within {@code bits(tableSize)/2} bits, as the kernel does. Flows are
 * looked up by a hash of the source address (and source port with mh-port); an unavailable server means no
 * destination unless mh-fallback is set, then further hashes of the flow are tried. Changing one server
 * moves about 1/N of the flows. Call {@link #update} before the first {@link #select} and after every change.
 */
public final class MaglevHashingScheduler implements Scheduler {
    private static final long HASH1 = 0x9e3779b185ebca87L;
    private static final long HASH2 = 0xc2b2ae3d27d4eb4fL;

    private final boolean fallback;
    private final boolean usePort;
    private final int size;
    private final int tabBits;
    /** Owner: the caller serializing select/update. Server index per slot, -1 when nobody has a weight. */
    private final int[] lookup;
    private final LastWeights lastWeights = new LastWeights();

    public MaglevHashingScheduler(SchedulerOptions options) {
        int m = options.mhTableSize();
        if (m < 2 || !java.math.BigInteger.valueOf(m).isProbablePrime(30)) {
            throw new IllegalArgumentException("mh table size must be a prime, got " + m);
        }
        int bits = SchedFlags.bits(options);
        this.fallback = (bits & SchedFlags.SCHED1) != 0;
        this.usePort = (bits & SchedFlags.SCHED2) != 0;
        this.size = m;
        this.tabBits = (32 - Integer.numberOfLeadingZeros(m)) / 2;
        this.lookup = new int[m];
        Arrays.fill(lookup, NO_DESTINATION);
    }

    @Override
    public String name() {
        return "mh";
    }

    /** The lookup table size (a prime). */
    public int tableSize() {
        return size;
    }

    @Override
    public void update(Destinations dests) {
        int[] lw = lastWeights.refresh(dests);
        int[] order = Endpoint.sortedIndices(dests);
        int g = 0;
        int max = 0;
        for (int w : lw) {
            if (w > 0) {
                g = g > 0 ? gcd(w, g) : w;
                max = Math.max(max, w);
            }
        }
        Arrays.fill(lookup, NO_DESTINATION);
        if (g < 1) {
            return;
        }
        int shift = Math.max(0, (32 - Integer.numberOfLeadingZeros(max / g)) - tabBits);
        int n = order.length;
        int[] next = new int[n];
        int[] skip = new int[n];
        int[] turns = new int[n];
        for (int k = 0; k < n; k++) {
            int d = order[k];
            long hi = dests.address(d).hi();
            long lo = dests.address(d).lo();
            int port = dests.port(d);
            next[k] = FlowHash.mod(FlowHash.mix(HASH1, hi, lo, port, 0), size);
            skip[k] = FlowHash.mod(FlowHash.mix(HASH2, hi, lo, port, 0), size - 1) + 1;
            int t = (lw[d] / g) >> shift;
            turns[k] = t > 0 ? t : (lw[d] != 0 ? 1 : 0);
        }
        int filled = 0;
        while (filled < size) {
            for (int k = 0; k < n && filled < size; k++) {
                for (int t = 0; t < turns[k] && filled < size; t++) {
                    int c = next[k];
                    while (lookup[c] != NO_DESTINATION) {
                        c += skip[k];
                        if (c >= size) {
                            c -= size;
                        }
                    }
                    next[k] = c;
                    lookup[c] = order[k];
                    filled++;
                }
            }
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        int port = usePort && SchedFlags.hasPorts(flow.protocol()) ? flow.srcPort() : 0;
        long hi = flow.srcHi();
        long lo = flow.srcLo();
        int ihash = FlowHash.mod(FlowHash.mix(HASH1, hi, lo, port, 0), size);
        int dest = lookup[ihash];
        if (dest < 0 || dest >= dests.size()) {
            return NO_DESTINATION;
        }
        if (dests.available(dest)) {
            return dest;
        }
        if (!fallback) {
            return NO_DESTINATION;
        }
        for (int offset = 0; offset < size; offset++) {
            int roffset = offset + ihash;
            if (roffset >= size) {
                roffset -= size;
            }
            dest = lookup[FlowHash.mod(FlowHash.mix(HASH1, hi, lo, port, roffset), size)];
            if (dest < 0 || dest >= dests.size()) {
                return NO_DESTINATION;
            }
            if (dests.available(dest)) {
                return dest;
            }
        }
        return NO_DESTINATION;
    }

    /** Slots held by server {@code index} (for tests and diagnostics; allocates nothing). */
    public int slotsOf(int index) {
        int c = 0;
        for (int d : lookup) {
            if (d == index) {
                c++;
            }
        }
        return c;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
