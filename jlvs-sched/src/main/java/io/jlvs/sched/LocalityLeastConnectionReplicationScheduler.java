package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Load;
import io.jlvs.core.sched.Scheduler;

/**
 * lblcr: locality-based least-connection with replication. Remembers a set of real servers per destination
 * IP and sends a flow to the set's least loaded member (overhead/weight); when that member is overloaded in
 * the kernel's sense (more active connections than its weight while some server has fewer than half its
 * weight) or the set has no available member, picks by wlc over all servers and adds that one to the set.
 * A set with more than one member that was not changed for the expiration loses its most loaded member.
 * Entries unused for the expiration (kernel default 24 h, by packet time) are forgotten. Fixed capacity: at
 * most {@code setCapacity} members per set and {@code capacity} destination IPs; beyond that flows are
 * scheduled without being cached.
 */
public final class LocalityLeastConnectionReplicationScheduler implements Scheduler {
    public static final long DEFAULT_EXPIRATION_NANOS = LocalityLeastConnectionScheduler.DEFAULT_EXPIRATION_NANOS;
    public static final int DEFAULT_CAPACITY = 16384;
    public static final int DEFAULT_SET_CAPACITY = 8;

    private final long expirationNanos;
    private final Table table;
    private final DestinationRemap remap = new DestinationRemap();

    public LocalityLeastConnectionReplicationScheduler() {
        this(DEFAULT_CAPACITY, DEFAULT_SET_CAPACITY, DEFAULT_EXPIRATION_NANOS);
    }

    public LocalityLeastConnectionReplicationScheduler(int capacity, int setCapacity, long expirationNanos) {
        if (setCapacity < 1) {
            throw new IllegalArgumentException("set capacity must be positive, got " + setCapacity);
        }
        this.expirationNanos = expirationNanos;
        this.table = new Table(capacity, setCapacity, expirationNanos);
    }

    @Override
    public String name() {
        return "lblcr";
    }

    /** Destination IPs currently remembered. */
    public int cachedEntries() {
        return table.size();
    }

    @Override
    public void update(Destinations dests) {
        int[] map = remap.refresh(dests);
        int cap = table.setCap;
        for (int s = 0; s < table.slots(); s++) {
            if (!table.used(s)) {
                continue;
            }
            int base = s * cap;
            int kept = 0;
            for (int k = 0; k < table.setSize[s]; k++) {
                int d = DestinationRemap.apply(map, table.members[base + k]);
                if (d >= 0) {
                    table.members[base + kept++] = d;
                }
            }
            table.setSize[s] = kept;
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        long now = flow.nowNanos();
        table.sweep(now);
        boolean v6 = flow.v6();
        int slot = table.find(v6, flow.dstHi(), flow.dstLo(), now);
        if (slot >= 0) {
            int d = setMin(dests, slot);
            if (table.setSize[slot] > 1 && now - table.lastMod[slot] > expirationNanos) {
                int m = setMax(dests, slot);
                if (m >= 0) {
                    erase(slot, m, now);
                }
            }
            if (d >= 0 && !DestinationIpTable.overloadedForLocality(dests, d)) {
                return d;
            }
        }
        int d = WeightedLeastConnectionScheduler.leastWeightedOverhead(dests);
        if (d < 0) {
            return NO_DESTINATION;
        }
        if (slot < 0) {
            slot = table.insert(v6, flow.dstHi(), flow.dstLo(), now);
            if (slot >= 0) {
                table.setSize[slot] = 0;
            }
        }
        if (slot >= 0) {
            add(slot, d, now);
        }
        return d;
    }

    /** Members of the set at {@code slot} (newest first), for tests and diagnostics; allocates. */
    int[] members(boolean v6, long hi, long lo, long now) {
        int slot = table.find(v6, hi, lo, now);
        if (slot < 0) {
            return new int[0];
        }
        int[] out = new int[table.setSize[slot]];
        for (int k = 0; k < out.length; k++) {
            out[k] = table.members[slot * table.setCap + out.length - 1 - k];
        }
        return out;
    }

    /** The set's available member with the least overhead/weight; newest members win ties. */
    private int setMin(Destinations dests, int slot) {
        int base = slot * table.setCap;
        int n = dests.size();
        int least = -1;
        long loh = 0;
        int lw = 0;
        for (int k = table.setSize[slot] - 1; k >= 0; k--) {
            int d = table.members[base + k];
            if (d >= n || !dests.available(d)) {
                continue;
            }
            long doh = dests.overhead(d);
            int w = dests.weight(d);
            if (least < 0 || Load.heavier(loh, lw, doh, w)) {
                least = d;
                loh = doh;
                lw = w;
            }
        }
        return least;
    }

    /** The set's member with weight above 0 and the most overhead/weight; newest members win ties. */
    private int setMax(Destinations dests, int slot) {
        int base = slot * table.setCap;
        int n = dests.size();
        int most = -1;
        long moh = 0;
        int mw = 0;
        for (int k = table.setSize[slot] - 1; k >= 0; k--) {
            int d = table.members[base + k];
            if (d >= n) {
                continue;
            }
            int w = dests.weight(d);
            if (w <= 0) {
                continue;
            }
            long doh = dests.overhead(d);
            if (most < 0 || Load.heavier(doh, w, moh, mw)) {
                most = d;
                moh = doh;
                mw = w;
            }
        }
        return most;
    }

    private void add(int slot, int d, long now) {
        int base = slot * table.setCap;
        int size = table.setSize[slot];
        for (int k = 0; k < size; k++) {
            if (table.members[base + k] == d) {
                return;
            }
        }
        if (size == table.setCap) {
            return;
        }
        table.members[base + size] = d;
        table.setSize[slot] = size + 1;
        table.lastMod[slot] = now;
    }

    private void erase(int slot, int d, long now) {
        int base = slot * table.setCap;
        int size = table.setSize[slot];
        for (int k = 0; k < size; k++) {
            if (table.members[base + k] == d) {
                System.arraycopy(table.members, base + k + 1, table.members, base + k, size - k - 1);
                table.setSize[slot] = size - 1;
                table.lastMod[slot] = now;
                return;
            }
        }
    }

    private static final class Table extends DestinationIpTable {
        final int setCap;
        /** setCap server indices per slot, oldest first. */
        final int[] members;
        final int[] setSize;
        final long[] lastMod;

        Table(int capacity, int setCap, long expirationNanos) {
            super(capacity, expirationNanos);
            this.setCap = setCap;
            this.members = new int[slots() * setCap];
            this.setSize = new int[slots()];
            this.lastMod = new long[slots()];
        }

        @Override
        void movePayload(int from, int to) {
            System.arraycopy(members, from * setCap, members, to * setCap, setSize[from]);
            setSize[to] = setSize[from];
            lastMod[to] = lastMod[from];
        }
    }
}
