package io.jlvs.vrrp.codec;

import io.jlvs.core.IpAddress;

/** The outcome of checking one received packet. */
public sealed interface VrrpReceiveResult {

    /** A valid advertisement for {@code config}'s instance. */
    record Accepted(VrrpAdvertisement advertisement, IpAddress source, IpAddress destination, int ttl,
                    VrrpReceiveConfig config) implements VrrpReceiveResult {
    }

    /**
     * A dropped packet. {@code logLine} is keepalived's log text for the same drop; {@code config} is the
     * instance it was meant for, or null when that is not known (too short, unknown VRID).
     */
    record Dropped(VrrpDropReason reason, String logLine, VrrpReceiveConfig config) implements VrrpReceiveResult {
    }
}
