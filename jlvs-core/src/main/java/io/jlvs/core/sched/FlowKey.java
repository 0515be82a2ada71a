package io.jlvs.core.sched;

import io.jlvs.core.IpAddress;

/**
 * The packet facts a scheduler may use: addresses and ports of the first packet of a flow, and when it
 * arrived. Mutable so that a data-plane thread can reuse one instance per packet without allocating.
 * Owner: the thread that fills it; never shared.
 */
public final class FlowKey {
    private boolean v6;
    private long srcHi;
    private long srcLo;
    private int srcPort;
    private long dstHi;
    private long dstLo;
    private int dstPort;
    private int protocol;
    private long nowNanos;

    /** Fills every field; returns this. IPv4 addresses go in the low 32 bits of {@code *Lo}. */
    public FlowKey set(boolean isV6, int protocolNumber, long sHi, long sLo, int sPort,
                       long dHi, long dLo, int dPort, long arrivalNanos) {
        this.v6 = isV6;
        this.protocol = protocolNumber;
        this.srcHi = sHi;
        this.srcLo = sLo;
        this.srcPort = sPort;
        this.dstHi = dHi;
        this.dstLo = dLo;
        this.dstPort = dPort;
        this.nowNanos = arrivalNanos;
        return this;
    }

    /** Convenience for the control plane and tests (allocates nothing beyond what the caller holds). */
    public FlowKey set(int protocolNumber, IpAddress src, int sPort, IpAddress dst, int dPort, long arrivalNanos) {
        return set(!src.isV4(), protocolNumber, src.hi(), src.lo(), sPort, dst.hi(), dst.lo(), dPort, arrivalNanos);
    }

    public boolean v6() {
        return v6;
    }

    public int protocol() {
        return protocol;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public int srcPort() {
        return srcPort;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    public int dstPort() {
        return dstPort;
    }

    public long nowNanos() {
        return nowNanos;
    }
}
