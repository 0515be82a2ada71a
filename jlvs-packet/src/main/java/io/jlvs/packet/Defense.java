package io.jlvs.packet;

import io.jlvs.conn.ConnTable;
import io.jlvs.conn.DefenseSettings;
import io.jlvs.conn.SctpState;
import io.jlvs.conn.TcpState;
import io.jlvs.core.Protocol;

/**
 * IPVS's defence strategies (drop_entry, drop_packet, secure_tcp) for one worker's connection table. The kernel
 * looks at the host's free memory once a second; here the scarce resource is the table, so "memory is low" when
 * fewer than {@code amemthresh} pages' worth of entries ({@link DefenseSettings#ENTRIES_PER_PAGE} a page) are
 * free. A mode of 1 turns itself to 2 (on) while memory is low and back to 1 when it recovers; 3 is always on.
 * Owner: the worker thread; allocates nothing.
 */
final class Defense {
    private static final long SECOND = 1_000_000_000L;
    /** An entry active in the last minute is never dropped by drop_entry (it lets normal connections through). */
    private static final long IDLE_BEFORE_DROP = 60 * SECOND;
    /** drop_entry's rates by a connection's client packets, 0..8: one in N (0: never). */
    private static final int MAX_RATED_PACKETS = 8;

    private DefenseSettings settings = DefenseSettings.DEFAULTS;
    private int dropEntryMode;
    private int dropPacketMode;
    private int secureTcpMode;
    private boolean dropEntry;
    private int dropRate;
    private int dropCounter;
    private final int[] entryCounters = new int[MAX_RATED_PACKETS + 1];
    private int cursor;
    private long droppedEntries;

    /**
     * The once-a-second check: takes new settings (a reload resets the modes to what was configured), decides
     * whether memory is low from the table's free entries, and sets the three strategies; secure_tcp goes to
     * the table. Then drop_entry, when on, looks at 1/32 of the table.
     *
     * @param inPackets client packets per connection id (the kernel's in_pkts), for drop_entry's rates
     */
    void tick(DefenseSettings s, ConnTable table, int[] inPackets, long nowNanos) {
        if (s != settings) {
            settings = s;
            dropEntryMode = s.dropEntry();
            dropPacketMode = s.dropPacket();
            secureTcpMode = s.secureTcp();
        }
        if (!s.any()) {
            dropEntry = false;
            dropRate = 0;
            table.secureTcp(false);
            return;
        }
        int amemthresh = Math.max(s.amemthresh(), 0);
        int available = (table.capacity() - table.size()) / DefenseSettings.ENTRIES_PER_PAGE;
        boolean low = available < amemthresh;
        dropEntryMode = follow(dropEntryMode, low);
        dropEntry = dropEntryMode >= 2;
        dropPacketMode = follow(dropPacketMode, low);
        if (dropPacketMode == 3) {
            dropRate = Math.max(s.amDroprate(), 0);
        } else if (dropPacketMode == 2) {
            dropRate = dropCounter = amemthresh / (amemthresh - available);
        } else {
            dropRate = 0;
        }
        secureTcpMode = follow(secureTcpMode, low);
        table.secureTcp(secureTcpMode >= 2);
        if (dropEntry) {
            dropEntries(table, inPackets, nowNanos);
        }
    }

    /** Mode 1 becomes 2 while memory is low, 2 becomes 1 when it is not; 0 and 3 stay. */
    private static int follow(int mode, boolean low) {
        if (mode == 1 && low) {
            return 2;
        }
        if (mode == 2 && !low) {
            return 1;
        }
        return mode;
    }

    /** drop_packet: true for one new connection in every drop rate while it is on. */
    boolean dropNewConnection() {
        if (dropRate == 0) {
            return false;
        }
        if (--dropCounter > 0) {
            return false;
        }
        dropCounter = dropRate;
        return true;
    }

    long droppedEntries() {
        return droppedEntries;
    }

    /**
     * drop_entry's pass over 1/32 of the table (the next 1/32 each second): half-open TCP (SYN_RECV, SYNACK)
     * and SCTP (INIT1, INIT) entries go; established TCP/SCTP entries and UDP entries idle for a minute go at a
     * rate set by their client packets (1: every one, 2: one in two, ... 8: one in eight; none or more than 8:
     * never). Templates stay; a dropped connection's template is expired with it (kept while it still
     * controls others).
     */
    private void dropEntries(ConnTable table, int[] inPackets, long now) {
        int capacity = table.capacity();
        int span = Math.max(1, capacity >> 5);
        for (int n = 0; n < span; n++) {
            int id = cursor;
            cursor = cursor + 1 == capacity ? 0 : cursor + 1;
            if (!table.inUse(id) || table.isTemplate(id)) {
                continue;
            }
            if (!droppable(table, id, inPackets[id], now)) {
                continue;
            }
            int template = table.controllingTemplate(id);
            if (table.expireNow(id, now)) {
                droppedEntries++;
            }
            if (template >= 0 && table.inUse(template)) {
                table.expireNow(template, now);
            }
        }
    }

    private boolean droppable(ConnTable table, int id, int packets, long now) {
        int protocol = table.protocol(id);
        int state = table.state(id);
        if (protocol == Protocol.TCP.number()) {
            if (state == TcpState.SYN_RECV || state == TcpState.SYNACK) {
                return true;
            }
            return state == TcpState.ESTABLISHED && byRate(table, id, packets, now);
        }
        if (protocol == Protocol.SCTP.number()) {
            if (state == SctpState.INIT1 || state == SctpState.INIT) {
                return true;
            }
            return state == SctpState.ESTABLISHED && byRate(table, id, packets, now);
        }
        return byRate(table, id, packets, now);
    }

    private boolean byRate(ConnTable table, int id, int packets, long now) {
        long lastActive = table.deadlineNanos(id) - table.timeoutSeconds(id) * SECOND;
        if (now - lastActive < IDLE_BEFORE_DROP) {
            return false;
        }
        if (packets <= 0 || packets > MAX_RATED_PACKETS) {
            return false;
        }
        if (--entryCounters[packets] > 0) {
            return false;
        }
        entryCounters[packets] = packets;
        return true;
    }
}
