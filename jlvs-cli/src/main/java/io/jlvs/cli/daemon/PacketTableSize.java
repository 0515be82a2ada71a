package io.jlvs.cli.daemon;

/**
 * {@code jlvs run --packet-connections N}: the entries each packet data plane worker's connection table holds.
 * IPVS's table grows with the kernel's memory; jlvs allocates each worker's table at start, on the heap, so
 * the size is checked against the JVM's heap before anything starts.
 */
final class PacketTableSize {
    /** The default: 1 Mi entries a worker. */
    static final int DEFAULT = 1 << 20;
    static final int MIN = 1024;
    /** The connection table's largest (entry ids are 24-bit). */
    static final int MAX = (1 << 24) - 2;
    /** Heap an entry takes, rounded up: its record, two index slots, expiry links and the worker's per-entry fields. */
    static final int BYTES_PER_ENTRY = 160;

    private PacketTableSize() {
    }

    /**
     * Why {@code entries} (null: not given) cannot be used with {@code workers} workers in a heap of
     * {@code maxHeap} bytes, in one line; null when it can.
     */
    static String problem(Integer entries, int workers, boolean packetDataPlane, long maxHeap) {
        if (entries == null) {
            return null;
        }
        if (!packetDataPlane) {
            return "--packet-connections is for the packet data plane: give it -I IFNAME";
        }
        if (entries < MIN || entries > MAX) {
            return "--packet-connections takes " + MIN + " to " + MAX + ": " + entries;
        }
        long need = (long) entries * workers * BYTES_PER_ENTRY;
        // the rest of the daemon (the proxy, checkers, the API) needs its share too
        if (need > maxHeap * 3 / 4) {
            return "--packet-connections " + entries + " for " + workers + " worker" + (workers == 1 ? "" : "s")
                    + " needs about " + mib(need) + " MiB of heap, more than 3/4 of the " + mib(maxHeap)
                    + " MiB this JVM may use: give it more (JLVS_JAVA_OPTS=-Xmx...) or fewer entries";
        }
        return null;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
