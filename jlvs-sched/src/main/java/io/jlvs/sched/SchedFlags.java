package io.jlvs.sched;

import io.jlvs.core.SchedFlag;
import io.jlvs.core.sched.SchedulerOptions;

/** The service's -b flags as the kernel stores them: IP_VS_SVC_F_SCHED1..3 bits (sh-fallback == flag-1). */
final class SchedFlags {
    static final int SCHED1 = 1;
    static final int SCHED2 = 2;

    private SchedFlags() {
    }

    static int bits(SchedulerOptions options) {
        int bits = 0;
        for (SchedFlag f : options.flags()) {
            bits |= f.bit();
        }
        return bits;
    }

    /** Transport protocols whose first four payload bytes are the ports: TCP, UDP, SCTP. */
    static boolean hasPorts(int protocol) {
        return protocol == 6 || protocol == 17 || protocol == 132;
    }
}
