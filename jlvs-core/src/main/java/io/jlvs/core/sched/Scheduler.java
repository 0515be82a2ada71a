package io.jlvs.core.sched;

/**
 * One IPVS scheduling algorithm for one virtual service. {@link #select} must not do I/O, read a clock,
 * lock or allocate. A scheduler instance belongs to one virtual service; its owner calls {@link #update}
 * whenever the destination list or a weight changes, and {@link #select} for every new flow.
 */
public interface Scheduler {

    /** Returned by {@link #select} when no real server can take the flow. */
    int NO_DESTINATION = -1;

    /** The ipvsadm name: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos. */
    String name();

    /** Rebuild internal tables after the destination set or weights changed. */
    default void update(Destinations dests) {
    }

    /** Index into {@code dests} of the real server for a new flow, or {@link #NO_DESTINATION}. */
    int select(Destinations dests, FlowKey flow);
}
