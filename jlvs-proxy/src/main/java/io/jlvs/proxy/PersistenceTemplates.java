package io.jlvs.proxy;

import io.jlvs.core.model.VirtualServiceKey;
import io.jlvs.core.state.DestinationState;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The persistence templates of every FULLNAT service. Event loops look up and create templates
 * concurrently (atomically per key); the sweeper removes expired ones.
 */
final class PersistenceTemplates {
    private final ConcurrentHashMap<TemplateKey, PersistenceTemplate> templates = new ConcurrentHashMap<>();

    /**
     * The usable template for {@code key} with one more controlled connection, creating it with
     * {@code pick} (which returns null when no real server can take the flow) when there is none, or
     * when the present one points at {@code exclude} or at a server that is gone or quiescent.
     * Returns null when no template could be had.
     */
    PersistenceTemplate acquire(TemplateKey key, long expiresAt, DestinationState exclude,
                                Function<DestinationState, DestinationState> pick) {
        PersistenceTemplate[] acquired = new PersistenceTemplate[1];
        templates.compute(key, (k, t) -> {
            if (t != null && t.usable() && t.destination != exclude) {
                t.touch(expiresAt);
                t.controlled.incrementAndGet();
                acquired[0] = t;
                return t;
            }
            DestinationState d = pick.apply(exclude);
            if (d == null) {
                return t;
            }
            if (t != null) {
                t.destination.unbind(true, false);
            }
            PersistenceTemplate fresh = new PersistenceTemplate(k, d, expiresAt);
            d.bind(true);
            fresh.controlled.incrementAndGet();
            acquired[0] = fresh;
            return fresh;
        });
        return acquired[0];
    }

    /** Removes templates past their expiry that no open connection depends on. */
    void sweep(long now) {
        for (PersistenceTemplate t : templates.values()) {
            if (now - t.expiresAtNanos() >= 0 && t.controlled.get() <= 0) {
                templates.computeIfPresent(t.key, (k, cur) -> {
                    if (cur == t && now - cur.expiresAtNanos() >= 0 && cur.controlled.get() <= 0) {
                        cur.destination.unbind(true, false);
                        return null;
                    }
                    return cur;
                });
            }
        }
    }

    /** A service was deleted: its templates go with it. */
    void dropService(VirtualServiceKey service) {
        for (PersistenceTemplate t : templates.values()) {
            if (t.key.service().equals(service)) {
                templates.computeIfPresent(t.key, (k, cur) -> {
                    cur.destination.unbind(true, false);
                    return null;
                });
            }
        }
    }

    void dropAll() {
        for (PersistenceTemplate t : templates.values()) {
            dropService(t.key.service());
        }
    }

    void collect(List<PersistenceTemplate> into) {
        into.addAll(templates.values());
    }
}
