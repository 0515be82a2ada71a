package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.core.ForwardingMethod;
import io.jlvs.core.model.RealServer;
import io.jlvs.core.state.DestinationState;
import io.jlvs.sys.XdpFlowMap;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A worker's bookkeeping of the connection directions a {@link FlowOffload} forwards. Per connection id:
 * which directions are offloaded, whether the fast path refused the connection, and how many of its
 * packets the worker handled. Per offloaded connection: the fast path's counters as last read and the
 * next-hop MAC each direction was offloaded with. Keys are rebuilt from the connection table: inbound
 * (client, client port, virtual address, virtual port), outbound (real server, its port, client, client
 * port), as the frames arrive.
 *
 * <p>Whatever the fast path forwarded is handed to a {@link Sink} once read: every second ({@link #sweep},
 * which reads every offloaded direction's counts in a few calls, each direction named by its owner number
 * {@code id << 1 | direction}), and always before a direction is forgotten, so the statistics miss nothing.
 * The per-id arrays are
 * allocated once (8 bytes per connection of capacity); the per-offloaded-connection ones grow by doubling
 * up to the capacity, the only allocation, and rare. Owner: the worker thread.
 */
final class OffloadedFlows {
    private static final long SECOND = 1_000_000_000L;
    private static final int REFUSED = 4;
    private static final int DIRECTIONS = 3;
    private static final int SEEN_SHIFT = 3;
    private static final int SEEN_MAX = Integer.MAX_VALUE >>> SEEN_SHIFT;
    private static final int FIRST_SLOTS = 64;

    /** Where the packets the fast path forwarded are accounted. */
    interface Sink {
        /**
         * The fast path forwarded {@code packets} more packets ({@code ipBytes} bytes of IP datagrams) of
         * connection {@code id} in {@code direction} ({@link ConnTable#INPUT} or {@link ConnTable#OUTPUT}).
         *
         * @param live false when the connection is being removed (count them, touch nothing else)
         */
        void moved(int id, int direction, long packets, long ipBytes, boolean live);
    }

    private final FlowOffload offload;
    private final ConnTable table;
    private final Sink sink;
    private final int afterPackets;
    private final int capacity;
    /** Per id: direction bits (1 &lt;&lt; direction), REFUSED, and the packets seen above SEEN_SHIFT. */
    private final int[] word;
    /** Per id: its index in the dense arrays plus one, or 0. */
    private final int[] slotOf;
    private final long[] counts = new long[2];
    private int[] ids = new int[0];
    /** Per slot: packets and bytes last read, inbound then outbound. */
    private long[] last = new long[0];
    /** Per slot: the next-hop MAC of each direction when it was offloaded. */
    private long[] macs = new long[0];
    /** Per slot and direction: the sweep that last found the direction in the fast path. */
    private int[] seen = new int[0];
    /** Per slot: the outer source address of a tunnelled client direction when offloaded; 0: none. */
    private int[] sources = new int[0];
    /** Per slot: the tunnel its real server had when offloaded ({@link #tunnelOf}; 0: none). */
    private int[] tunnels = new int[0];
    private int sweeps;
    private final XdpFlowMap.CountSink reader = this::counted;
    private int count;
    private long lastSweep;

    /**
     * @param afterPackets packets of a connection (both directions) the worker handles before it may be
     *                     offloaded
     */
    OffloadedFlows(FlowOffload offload, ConnTable table, Sink sink, int afterPackets, long nowNanos) {
        if (afterPackets < 0) {
            throw new IllegalArgumentException("afterPackets must not be negative, got " + afterPackets);
        }
        this.offload = offload;
        this.table = table;
        this.sink = sink;
        this.afterPackets = Math.min(afterPackets, SEEN_MAX);
        this.capacity = table.capacity();
        this.word = new int[capacity];
        this.slotOf = new int[capacity];
        this.lastSweep = nowNanos;
    }

    /** Connections with at least one direction offloaded. */
    int size() {
        return count;
    }

    /** The worker handled a packet of connection {@code id}. */
    void packet(int id) {
        int w = word[id];
        if (w >>> SEEN_SHIFT < SEEN_MAX) {
            word[id] = w + (1 << SEEN_SHIFT);
        }
    }

    /** True when {@code id} has an offloaded direction. */
    boolean offloaded(int id) {
        return (word[id] & DIRECTIONS) != 0;
    }

    /** True when the direction is not offloaded, the fast path never refused the connection, and enough packets passed. */
    boolean mayOffload(int id, int direction) {
        int w = word[id];
        return (w & (REFUSED | 1 << direction)) == 0 && w >>> SEEN_SHIFT >= afterPackets;
    }

    /** Never offers connection {@code id} to the fast path (until its id starts afresh). */
    void refuse(int id) {
        word[id] |= REFUSED;
    }

    /**
     * Hands the direction to the fast path, the key as the frame arrived, {@code frame} at {@code offset}
     * as it was just transmitted (towards {@code mac}). A refusal marks the connection: it is not asked again.
     */
    void offload(int id, int direction, int protocol, int src, int sport, int dst, int dport,
                 MemorySegment frame, long offset, long mac, int encap) {
        if (!offload.offload(id << 1 | direction, protocol, src, sport, dst, dport, frame, offset, encap)) {
            word[id] |= REFUSED;
            return;
        }
        int slot = slotOf[id] - 1;
        if (slot < 0) {
            slot = list(id);
        }
        word[id] |= 1 << direction;
        tunnels[slot] = tunnelOf(table.destination(id));
        if (direction == ConnTable.INPUT) {
            sources[slot] = encap != FlowOffload.IN_PLACE ? Ipv4Header.src(frame, offset + EthernetHeader.LENGTH) : 0;
        }
        last[slot * 4 + direction * 2] = 0;
        last[slot * 4 + direction * 2 + 1] = 0;
        macs[slot * 2 + direction] = mac;
        seen[slot * 2 + direction] = sweeps;
    }

    /** Accounts what the fast path forwarded for {@code id}, then stops it in both directions. */
    void forget(int id, boolean live) {
        int slot = slotOf[id] - 1;
        if (slot < 0) {
            return;
        }
        for (int dir = ConnTable.INPUT; dir <= ConnTable.OUTPUT; dir++) {
            if ((word[id] & 1 << dir) != 0) {
                forgetKey(id, slot, dir, live);
            }
        }
        word[id] &= ~DIRECTIONS;
        unlist(id, slot);
    }

    /** {@link #forget} of every offloaded connection (the worker decides every flow again). */
    void forgetAll() {
        while (count > 0) {
            forget(ids[count - 1], true);
        }
    }

    /**
     * {@link #forget} of every offloaded connection whose real server is no longer in the table (or was
     * removed and re-added: a new destination): the worker then applies expire_nodest_conn or drops.
     */
    void forgetRemovedDestinations() {
        for (int slot = count - 1; slot >= 0; slot--) {
            int id = ids[slot];
            DestinationState d = table.destination(id);
            if (d == null || d.removed() || tunnelOf(d) != tunnels[slot]) {
                // a TUN real server edited to another tunnel port, type or checksum: the fast path's
                // entries still put the old headers in front, the worker the new ones
                forget(id, true);
            }
        }
    }

    /**
     * The route to a TUN real server now has another preferred source than the fast path's outer headers
     * carry (0, not known: the worker would use the director's address, but that is a gap in the
     * refresher's knowledge, not a new route).
     */
    private static boolean movedSource(int now, int offloaded) {
        return now != 0 && now != offloaded;
    }

    /** A TUN real server's tunnel (type, checksum, port) as one number; 0 for other methods. */
    private static int tunnelOf(DestinationState d) {
        if (d == null || d.config().method() != ForwardingMethod.TUNNEL) {
            return 0;
        }
        RealServer r = d.config();
        return 1 << 30 | r.tunnelType().ordinal() << 24 | r.tunnelChecksum().ordinal() << 20 | r.tunnelPort();
    }

    /** The table is removing entry {@code id}: account and forget it, and start its id afresh. */
    void removed(int id) {
        if (word[id] != 0) {
            forget(id, false);
            word[id] = 0;
        }
    }

    /**
     * At most once a second: accounts what the fast path forwarded since the last read (every direction's
     * counts in a few calls, {@link FlowOffload#readAll}), and forgets a direction whose next hop's MAC
     * changed, a tunnelled one whose route to the real server has another source address now (the worker
     * puts the new one in its outer headers), and one that the fast path no longer has.
     */
    void sweep(long nowNanos, NeighbourTable neighbours) {
        if (nowNanos - lastSweep < SECOND) {
            return;
        }
        lastSweep = nowNanos;
        if (count == 0) {
            return;
        }
        int sweep = ++sweeps;
        offload.readAll(reader);
        // backwards: unlist moves the last connection into the freed slot, which was already visited
        for (int slot = count - 1; slot >= 0; slot--) {
            int id = ids[slot];
            for (int dir = ConnTable.INPUT; dir <= ConnTable.OUTPUT; dir++) {
                if ((word[id] & 1 << dir) == 0) {
                    continue;
                }
                if (seen[slot * 2 + dir] != sweep) {
                    word[id] &= ~(1 << dir);
                    continue;
                }
                int nextHop = (int) (dir == ConnTable.INPUT ? table.destinationLo(id) : table.clientLo(id));
                if (neighbours.nextHopMac(nextHop) != macs[slot * 2 + dir] || dir == ConnTable.INPUT
                        && sources[slot] != 0 && movedSource(neighbours.preferredSource(nextHop), sources[slot])) {
                    forgetKey(id, slot, dir, true);
                    word[id] &= ~(1 << dir);
                }
            }
            if ((word[id] & DIRECTIONS) == 0) {
                unlist(id, slot);
            }
        }
    }

    /** One offloaded direction's counts as {@link #sweep} read them; owners no longer offloaded are ignored. */
    private void counted(int owner, long frames, long bytes) {
        int id = owner >>> 1;
        int dir = owner & 1;
        if (id >= capacity || (word[id] & 1 << dir) == 0) {
            return;
        }
        int slot = slotOf[id] - 1;
        seen[slot * 2 + dir] = sweeps;
        counts[0] = frames;
        counts[1] = bytes;
        account(id, slot, dir, counts, true);
    }

    /**
     * Takes the direction off the fast path and accounts what it forwarded until then. The key is the
     * direction as its frames arrive: inbound (client, client port, virtual address, virtual port), outbound
     * (real server, its port, client, client port).
     */
    private void forgetKey(int id, int slot, int dir, boolean live) {
        int protocol = table.protocol(id);
        long[] c = counts;
        boolean found = dir == ConnTable.INPUT
                ? offload.forget(protocol, (int) table.clientLo(id), table.clientPort(id), (int) table.virtualLo(id),
                        table.virtualPort(id), c)
                : offload.forget(protocol, (int) table.destinationLo(id), table.destinationPort(id),
                        (int) table.clientLo(id), table.clientPort(id), c);
        if (found) {
            account(id, slot, dir, c, live);
        }
    }

    /** Hands the increase of the direction's counts {@code c} since the last read to the sink. */
    private void account(int id, int slot, int dir, long[] c, boolean live) {
        int at = slot * 4 + dir * 2;
        long packets = c[0] - last[at];
        long bytes = c[1] - last[at + 1];
        if (packets < 0 || bytes < 0) {
            // restarted under us: all it counted is new
            packets = c[0];
            bytes = c[1];
        }
        last[at] = c[0];
        last[at + 1] = c[1];
        if (packets > 0) {
            sink.moved(id, dir, packets, Math.max(0, bytes - packets * EthernetHeader.LENGTH), live);
        }
    }

    private int list(int id) {
        if (count == ids.length) {
            int n = Math.min(capacity, Math.max(FIRST_SLOTS, ids.length * 2));
            ids = Arrays.copyOf(ids, n);
            last = Arrays.copyOf(last, n * 4);
            macs = Arrays.copyOf(macs, n * 2);
            seen = Arrays.copyOf(seen, n * 2);
            tunnels = Arrays.copyOf(tunnels, n);
            sources = Arrays.copyOf(sources, n);
        }
        int slot = count++;
        ids[slot] = id;
        slotOf[id] = slot + 1;
        return slot;
    }

    private void unlist(int id, int slot) {
        int end = --count;
        if (slot != end) {
            int moved = ids[end];
            ids[slot] = moved;
            slotOf[moved] = slot + 1;
            System.arraycopy(last, end * 4, last, slot * 4, 4);
            System.arraycopy(macs, end * 2, macs, slot * 2, 2);
            System.arraycopy(seen, end * 2, seen, slot * 2, 2);
            tunnels[slot] = tunnels[end];
            sources[slot] = sources[end];
        }
        slotOf[id] = 0;
    }
}
