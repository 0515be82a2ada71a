package io.jlvs.sched;

import io.jlvs.core.sched.FlowKey;
import java.util.SplittableRandom;

/** Builds flow keys for tests. */
final class Flows {
    static final int TCP = 6;

    private Flows() {
    }

    static FlowKey v4(int src, int srcPort, int dst, int dstPort, long nowNanos) {
        return new FlowKey().set(false, TCP, 0, src & 0xffffffffL, srcPort, 0, dst & 0xffffffffL, dstPort, nowNanos);
    }

    /** A random IPv4 TCP flow to 192.168.0.10:80. */
    static FlowKey random(SplittableRandom rnd, FlowKey reuse) {
        return reuse.set(false, TCP, 0, rnd.nextInt() & 0xffffffffL, 1024 + rnd.nextInt(60000),
                0, 0xc0a8000aL, 80, 0);
    }
}
