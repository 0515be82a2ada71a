package io.jlvs.health.bfd;

/** Where a session's control packets go (a socket in production, a list in tests). */
@FunctionalInterface
public interface BfdTransmit {
    void send(BfdSession session, BfdPacket packet);
}
