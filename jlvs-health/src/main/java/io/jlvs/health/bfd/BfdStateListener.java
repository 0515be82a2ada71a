package io.jlvs.health.bfd;

/** Told of every state change of a session, on the thread that stepped it. */
@FunctionalInterface
public interface BfdStateListener {
    void stateChanged(BfdSession session, BfdState from, BfdState to, BfdDiag diag);
}
