package io.jlvs.conn;

/**
 * IPVS's defences against a full connection table (the kernel's "low memory" strategies), as the
 * {@code net.ipv4.vs} sysctls set them. Each mode is 0 off, 1 on automatically while memory is low (it then reads
 * 2, and back 1 when memory recovers), 3 always on.
 *
 * @param amemthresh amemthresh: below this many pages of available memory, memory is low (jlvs: free entries of
 *                   the worker's connection table, {@value #ENTRIES_PER_PAGE} to a page, since an entry takes
 *                   about 128 bytes)
 * @param dropEntry  drop_entry: each second, look at 1/32 of the table and drop half-open TCP/SCTP entries and
 *                   some idle ones with few packets
 * @param dropPacket drop_packet: drop one new connection in every {@code amemthresh / (amemthresh - available)}
 *                   (mode 3: one in {@code amDroprate})
 * @param secureTcp  secure_tcp: TCP entries follow the kernel's stricter state table (a NAT connection is
 *                   ESTABLISHED only once the handshake completed)
 * @param amDroprate am_droprate: the drop rate of drop_packet mode 3
 */
public record DefenseSettings(int amemthresh, int dropEntry, int dropPacket, int secureTcp, int amDroprate) {
    /** The kernel's defaults: 1024 pages, everything off, am_droprate 10. */
    public static final DefenseSettings DEFAULTS = new DefenseSettings(1024, 0, 0, 0, 10);
    /** Connection table entries counted as one page of memory. */
    public static final int ENTRIES_PER_PAGE = 32;

    public DefenseSettings {
        mode("drop_entry", dropEntry);
        mode("drop_packet", dropPacket);
        mode("secure_tcp", secureTcp);
    }

    private static void mode(String name, int value) {
        if (value < 0 || value > 3) {
            throw new IllegalArgumentException(name + " must be 0..3, got " + value);
        }
    }

    /** True when any of the three strategies can come on. */
    public boolean any() {
        return dropEntry != 0 || dropPacket != 0 || secureTcp != 0;
    }
}
