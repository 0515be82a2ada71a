package io.jlvs.vrrp.state;

/**
 * A tracked object (script, interface, file...) as an instance sees it. With {@code weight 0} a failure puts the
 * instance in FAULT; otherwise, keepalived's rule: a positive weight is added to the priority while the object is up,
 * a negative weight is added while it is down. {@code reverse} inverts the sense of up/down.
 */
public record VrrpTracker(String name, int weight, boolean reverse, boolean initiallyUp) {

    public VrrpTracker {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tracker name is required");
        }
        if (weight < -253 || weight > 253) {
            throw new IllegalArgumentException("weight must be -253..253, got " + weight);
        }
    }

    public static VrrpTracker weighted(String name, int weight) {
        return new VrrpTracker(name, weight, false, true);
    }

    public static VrrpTracker unweighted(String name) {
        return new VrrpTracker(name, 0, false, true);
    }

    /** What this tracker adds to the priority in the given state. */
    int contribution(boolean up) {
        int signed = reverse ? -weight : weight;
        if (up) {
            return weight > 0 ? signed : 0;
        }
        return weight < 0 ? signed : 0;
    }

    /** True when an unweighted tracker in this state puts the instance in FAULT. */
    boolean faults(boolean up) {
        return weight == 0 && up == reverse;
    }
}
