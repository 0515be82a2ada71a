package io.jlvs.proxy;

import io.jlvs.core.state.DestinationState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An IPVS persistence template: a client network's affinity to one real server. It expires a
 * persistence timeout after it was last used, but never while connections it placed are still open
 * (the kernel re-arms such templates). Shared by the event loops that place connections with it.
 */
final class PersistenceTemplate {
    final TemplateKey key;
    final DestinationState destination;
    /** Connections placed by this template and still open. */
    final AtomicInteger controlled = new AtomicInteger();
    private volatile long expiresAtNanos;

    PersistenceTemplate(TemplateKey key, DestinationState destination, long expiresAtNanos) {
        this.key = key;
        this.destination = destination;
        this.expiresAtNanos = expiresAtNanos;
    }

    long expiresAtNanos() {
        return expiresAtNanos;
    }

    void touch(long expiresAt) {
        this.expiresAtNanos = expiresAt;
    }

    /** Weight 0 or removed: the template no longer places new connections. */
    boolean usable() {
        return !destination.removed() && destination.weight() > 0;
    }

    void release() {
        controlled.decrementAndGet();
    }
}
