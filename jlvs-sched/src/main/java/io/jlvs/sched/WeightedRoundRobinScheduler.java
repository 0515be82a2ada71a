package io.jlvs.sched;

import io.jlvs.core.sched.Destinations;
import io.jlvs.core.sched.FlowKey;
import io.jlvs.core.sched.Scheduler;

/**
 * wrr, the kernel's stepping: passes over the list with a current weight {@code cw} that starts at the
 * maximum weight and drops by the weights' gcd each pass; a server is picked when its weight is at least
 * {@code cw}. The maximum is lowered by gcd-1 so that the last pass is at weight 1. Call {@link #update}
 * before the first {@link #select} and after every weight or list change.
 */
public final class WeightedRoundRobinScheduler implements Scheduler {
    private static final int HEAD = -1;
    private static final int NONE = -2;

    // Owner: the caller serializing select/update.
    private int cl = HEAD;
    private int cw;
    private int mw;
    private int di = 1;

    @Override
    public String name() {
        return "wrr";
    }

    @Override
    public void update(Destinations dests) {
        int g = 0;
        int max = 0;
        for (int i = 0; i < dests.size(); i++) {
            int w = dests.weight(i);
            if (w > 0) {
                g = g > 0 ? gcd(w, g) : w;
                max = Math.max(max, w);
            }
        }
        di = g > 0 ? g : 1;
        mw = max - (di - 1);
        cl = HEAD;
        if (cw > mw || cw == 0) {
            cw = mw;
        } else if (di > 1) {
            cw = (cw / di) * di + 1;
        }
    }

    @Override
    public int select(Destinations dests, FlowKey flow) {
        if (mw <= 0) {
            return NO_DESTINATION;
        }
        int n = dests.size();
        int dest = cl < n ? cl : HEAD;
        int last = dest;
        int stop = NONE;
        boolean lastPass = false;
        boolean restarted = false;
        while (true) {
            for (dest = dest + 1; dest < n; dest++) {
                if (!dests.overloaded(dest) && dests.weight(dest) >= cw) {
                    cl = dest;
                    return dest;
                }
                if (dest == stop) {
                    cl = dest;
                    return NO_DESTINATION;
                }
            }
            dest = HEAD;
            cw -= di;
            if (cw <= 0) {
                cw = mw;
                if (lastPass || last == HEAD) {
                    cl = HEAD;
                    return NO_DESTINATION;
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != HEAD) {
                stop = last;
            }
        }
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
