package io.jlvs.vrrp.transport;

/**
 * Sends and receives whole IP packets of protocol 112 (IPv4 or IPv6 header included). {@link RawSocketVrrpTransport} is the real one; {@link InMemoryVrrpLan} gives one for tests.
 */
public interface VrrpTransport extends AutoCloseable {

    /** Sends one packet; the destination is the one in its IP header (a multicast group or a unicast peer). */
    void send(byte[] ipPacket);

    /** The next received packet, or null when none is waiting. Never blocks. */
    byte[] poll();

    /**
     * The next received packet, waiting at most {@code timeoutMillis} for one; null when none came. The default
     * does not wait (a transport that cannot block returns what {@link #poll()} gives).
     */
    default byte[] receive(int timeoutMillis) {
        return poll();
    }

    @Override
    void close();
}
