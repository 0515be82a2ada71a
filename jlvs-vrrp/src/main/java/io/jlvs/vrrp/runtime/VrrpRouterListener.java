package io.jlvs.vrrp.runtime;

import io.jlvs.vrrp.state.VrrpState;

/** Hears what a {@link VrrpRouter} does, on the router's thread: keep it quick. */
public interface VrrpRouterListener {
    VrrpRouterListener NONE = new VrrpRouterListener() {
    };

    /** An instance changed state. */
    default void transition(String instance, VrrpState from, VrrpState to) {
    }

    /** A log line in keepalived's wording (also written to the router's logger). */
    default void log(String line) {
    }
}
