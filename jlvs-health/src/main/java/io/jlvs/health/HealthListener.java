package io.jlvs.health;

/** Receives health events, in order per virtual server, from the thread that completed a check. Must not block. */
@FunctionalInterface
public interface HealthListener {

    void onEvent(HealthEvent event);
}
