package io.jlvs.packet;

/** What the data plane did with one frame. */
public enum Verdict {
    /** Rewritten and transmitted to a real server or back to a client. */
    FORWARD,
    /** Answered (an ARP reply for a virtual address). */
    REPLY,
    /** Not for a virtual service and not a reply: left to the kernel, nothing transmitted. */
    PASS,
    /** Dropped; the reason is counted (an ICMP error may have been sent back). */
    DROP,
    /**
     * Rewritten and waiting for the next hop's MAC ({@link NeighbourQueue}): forwarded once it resolves,
     * else dropped as {@link DropReason#NO_NEIGHBOUR}. Or a fragment held until its datagram is whole
     * ({@link Ipv4Reassembly}): the datagram then takes one verdict, else the fragment is dropped as
     * {@link DropReason#FRAGMENT}.
     */
    QUEUED
}
