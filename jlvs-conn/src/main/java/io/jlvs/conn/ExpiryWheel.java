package io.jlvs.conn;

import java.util.Arrays;

/**
 * A hashed timer wheel over entry ids: 16384 slots of 2^26 ns (about 67 ms), about 18 minutes
 * around; later deadlines wait whole turns in their slot. Entries sit in doubly linked lists
 * (two ints per entry, no objects). A deadline that moves later is not relinked at once: the entry
 * is moved when its old slot comes round. Stepped by the owner with its clock and a work budget.
 * Owner: the {@link ConnTable} that made it.
 */
final class ExpiryWheel {
    static final int TICK_SHIFT = 26;
    static final int SLOTS = 1 << 14;
    private static final int SLOT_MASK = SLOTS - 1;

    /** Called for entries whose deadline has passed. */
    interface Expirer {
        long deadline(int id);

        /** Expire or re-arm {@code id}; either way the callee unlinks or relinks it. */
        void due(int id, long nowNanos);
    }

    private final int[] head = new int[SLOTS];
    private final int[] next;
    /** Previous entry id, or {@code -(slot + 1)} for the first entry of a slot. */
    private final int[] prev;
    private long cursorTick;
    /** A step that ran out of budget stops inside slot {@code walkSlot} before entry {@code walkNext}. */
    private boolean paused;
    private int walkSlot;
    private int walkNext = -1;

    ExpiryWheel(int capacity, long nowNanos) {
        Arrays.fill(head, -1);
        next = new int[capacity];
        prev = new int[capacity];
        cursorTick = nowNanos >> TICK_SHIFT;
    }

    void schedule(int id, long deadlineNanos) {
        long tick = Math.max(deadlineNanos >> TICK_SHIFT, cursorTick);
        link(id, (int) (tick & SLOT_MASK));
    }

    void reschedule(int id, long deadlineNanos) {
        unlink(id);
        schedule(id, deadlineNanos);
    }

    void cancel(int id) {
        unlink(id);
    }

    /**
     * Visits the slots from the last step up to {@code nowNanos}, handing due entries to {@code x}.
     * Examines at most {@code budget} entries; the next step resumes where this one stopped.
     *
     * @return the number of entries examined
     */
    int step(long nowNanos, int budget, Expirer x) {
        long nowTick = nowNanos >> TICK_SHIFT;
        if (nowTick - cursorTick >= SLOTS) {
            // every slot will be visited once with the current clock: that covers all of them
            cursorTick = nowTick - SLOTS + 1;
            paused = false;
        }
        int examined = 0;
        while (true) {
            int slot = (int) (cursorTick & SLOT_MASK);
            if (!paused || walkSlot != slot) {
                walkSlot = slot;
                walkNext = head[slot];
            }
            paused = false;
            while (walkNext >= 0) {
                if (examined >= budget) {
                    paused = true;
                    return examined;
                }
                int id = walkNext;
                walkNext = next[id];
                examined++;
                long deadline = x.deadline(id);
                if (deadline - nowNanos <= 0) {
                    x.due(id, nowNanos);
                } else {
                    long tick = deadline >> TICK_SHIFT;
                    if ((int) (tick & SLOT_MASK) != slot) {
                        unlink(id);
                        link(id, (int) (tick & SLOT_MASK));
                    }
                }
            }
            if (cursorTick >= nowTick) {
                return examined;
            }
            cursorTick++;
        }
    }

    private void link(int id, int slot) {
        if (paused && slot == walkSlot) {
            // a paused walk must still meet it: put it at the walk position
            int before = walkNext;
            if (before >= 0) {
                int p = prev[before];
                prev[id] = p;
                next[id] = before;
                prev[before] = id;
                if (p >= 0) {
                    next[p] = id;
                } else {
                    head[-p - 1] = id;
                }
                walkNext = id;
                return;
            }
            walkNext = id;
        }
        int first = head[slot];
        next[id] = first;
        prev[id] = -slot - 1;
        if (first >= 0) {
            prev[first] = id;
        }
        head[slot] = id;
    }

    private void unlink(int id) {
        int p = prev[id];
        int n = next[id];
        if (p >= 0) {
            next[p] = n;
        } else {
            head[-p - 1] = n;
        }
        if (n >= 0) {
            prev[n] = p;
        }
        if (walkNext == id) {
            walkNext = n;
        }
    }
}
