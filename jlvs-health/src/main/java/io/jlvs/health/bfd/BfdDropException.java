package io.jlvs.health.bfd;

/** A received control packet that must be discarded, and why. */
public final class BfdDropException extends Exception {
    private final BfdDropReason reason;

    public BfdDropException(BfdDropReason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public BfdDropReason reason() {
        return reason;
    }
}
